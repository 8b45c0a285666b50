"""The lab checks against typical wrong implementations: each mistake gets its own diagnosis,
and the right answer passes. A check that passes a wrong answer is a defect."""

import math
import sys

import numpy as np
import pytest

from nnwidgets.labs import CheckFailed, as_network, check
from nnwidgets.labs import reference as ref


def fails_with(check_fn, answer, *phrases):
    """``check_fn(answer)`` raises CheckFailed whose message holds every phrase."""
    with pytest.raises(CheckFailed) as info:
        check_fn(answer)
    for phrase in phrases:
        assert phrase in str(info.value), str(info.value)
    return str(info.value)


# -- lab 1: perceptron, NAND ---------------------------------------------------------------------
def perceptron_right(x, w, b):
    return 1 if np.dot(w, x) + b > 0 else 0


PERCEPTRON_MISTAKES = {
    "raw sum": (lambda x, w, b: np.dot(w, x) + b, "returned the weighted sum"),
    ">= at zero": (lambda x, w, b: int(np.dot(w, x) + b >= 0), "exactly 0"),
    "inverted": (lambda x, w, b: int(np.dot(w, x) + b <= 0), "inverted"),
    "bias subtracted": (lambda x, w, b: int(np.dot(w, x) - b > 0), "bias has the wrong sign"),
}


def test_perceptron_passes_the_right_answer(capsys):
    check.perceptron(perceptron_right)
    assert capsys.readouterr().out.startswith("\u2713 perceptron")


@pytest.mark.parametrize("mistake", PERCEPTRON_MISTAKES)
def test_perceptron_diagnoses(mistake):
    fn, phrase = PERCEPTRON_MISTAKES[mistake]
    fails_with(check.perceptron, fn, phrase, "input:", "expected:", "got:")


@pytest.mark.parametrize(
    "w, b, gate",
    [
        ([2, 2], -3, "computes AND"),
        ([1, 1], -0.5, "computes OR"),
        ([-1, -1], 0.5, "computes NOR"),
        ([-2, -2], 5, "always 1"),
    ],
)
def test_nand_names_the_gate_computed(w, b, gate):
    with pytest.raises(CheckFailed, match=gate):
        check.nand(w, b)


def test_nand_passes_the_books_weights():
    check.nand([-2, -2], 3)


def test_nand_rejects_three_weights():
    with pytest.raises(CheckFailed, match="two weights"):
        check.nand([-2, -2, 1], 3)


# -- lab 2: sigmoid, feedforward -----------------------------------------------------------------
SIGMOID_MISTAKES = {
    "sign": (lambda z: 1 / (1 + np.exp(z)), "sign error in the exponent"),
    "no 1": (lambda z: 1 / np.exp(-z), "the 1 is missing"),
    "no reciprocal": (lambda z: 1 + np.exp(-z), "reciprocal is missing"),
    "tanh": (np.tanh, "tanh"),
    "identity": (lambda z: z, "returned z unchanged"),
    "derivative": (lambda z: ref.sigmoid(z) * (1 - ref.sigmoid(z)), "derivative"),
    "minus in denominator": (
        lambda z: np.divide(1, 1 - np.exp(-z), where=z != 0, out=np.full(z.shape, np.inf)),
        "1/(1 - e^(-z))",
    ),
    "math.exp": (lambda z: 1 / (1 + math.exp(-z)), "use NumPy's (np.exp)"),
    "scalar": (lambda z: 0.5, "shape ()"),
    "no return": (lambda z: None, "forget the `return`"),
    "float16": (lambda z: 1 / (1 + np.exp(-z.astype(np.float16))), "too little precision"),
}


def test_sigmoid_passes_the_right_answer():
    check.sigmoid(lambda z: 1 / (1 + np.exp(-z)))


@pytest.mark.parametrize("mistake", SIGMOID_MISTAKES)
def test_sigmoid_diagnoses(mistake):
    fn, phrase = SIGMOID_MISTAKES[mistake]
    fails_with(check.sigmoid, fn, phrase)


def ff_right(a, weights, biases):
    for w, b in zip(weights, biases):
        a = ref.sigmoid(np.dot(w, a) + b)
    return a


def ff_z_last(a, weights, biases):
    for l, (w, b) in enumerate(zip(weights, biases)):
        z = np.dot(w, a) + b
        a = z if l == len(weights) - 1 else ref.sigmoid(z)
    return a


def ff_linear(a, weights, biases):
    for w, b in zip(weights, biases):
        a = np.dot(w, a) + b
    return a


def ff_sigmoid_at_end(a, weights, biases):
    return ref.sigmoid(ff_linear(a, weights, biases))


def ff_no_bias(a, weights, biases):
    for w in weights:
        a = ref.sigmoid(np.dot(w, a))
    return a


def ff_bias_outside(a, weights, biases):
    for w, b in zip(weights, biases):
        a = ref.sigmoid(np.dot(w, a)) + b
    return a


def ff_early_return(a, weights, biases):
    for w, b in zip(weights, biases):
        return ref.sigmoid(np.dot(w, a) + b)


def ff_transposed_weights(a, weights, biases):
    for w, b in zip(weights, biases):
        a = ref.sigmoid(np.dot(w.T, a) + b)
    return a


def ff_row_output(a, weights, biases):
    a = a.T
    for w, b in zip(weights, biases):
        a = ref.sigmoid(a @ w.T + b.T)
    return a


def ff_flat_output(a, weights, biases):
    return ff_right(a, weights, biases).ravel()


def ff_skip_last(a, weights, biases):
    for w, b in zip(weights[:-1], biases[:-1]):
        a = ref.sigmoid(np.dot(w, a) + b)
    return a


def ff_two_layers(a, weights, biases):  # written for the book's one hidden layer only
    a = ref.sigmoid(np.dot(weights[0], a) + biases[0])
    return ref.sigmoid(np.dot(weights[1], a) + biases[1])


def ff_every_activation(a, weights, biases):
    activations = [a]
    for w, b in zip(weights, biases):
        activations.append(ref.sigmoid(np.dot(w, activations[-1]) + b))
    return activations


def ff_float16(a, weights, biases):
    return ff_right(a, weights, biases).astype(np.float16)


FEEDFORWARD_MISTAKES = {
    "z returned": (ff_z_last, "a and z swapped"),
    "no sigmoid": (ff_linear, "no sigmoid anywhere"),
    "sigmoid once": (ff_sigmoid_at_end, "only once, at the end"),
    "no bias": (ff_no_bias, "biases are missing"),
    "bias outside": (ff_bias_outside, "added after the sigmoid"),
    "early return": (ff_early_return, "after the first layer"),
    "w.T": (ff_transposed_weights, "`w.T @ a` is the other orientation"),
    "row": (ff_row_output, "right but transposed"),
    "flat": (ff_flat_output, "keep the shape (column vectors"),
    "skip last": (ff_skip_last, "stopped one layer short"),
    "two layers": (ff_two_layers, "stopped one layer short"),
    "every activation": (ff_every_activation, "return only the last activation"),
    "float16": (ff_float16, "too little precision", "float16"),
}


def test_feedforward_passes_the_right_answer():
    check.feedforward(ff_right)


@pytest.mark.parametrize("mistake", FEEDFORWARD_MISTAKES)
def test_feedforward_diagnoses(mistake):
    fn, *phrases = FEEDFORWARD_MISTAKES[mistake]
    text = fails_with(check.feedforward, fn, *phrases, "[3, 5, 6, 2]")
    assert "`return` belongs after the loop" not in text or mistake == "early return"


def test_feedforward_shows_its_input_as_the_column_it_is():
    fails_with(check.feedforward, ff_linear, "a = [[ 0.5], [-1. ], [ 2. ]] (shape (3, 1))")


# -- lab 3: quadratic cost, update_mini_batch ----------------------------------------------------
def cost_right(A, Y):
    return 0.5 * np.mean(np.sum((Y - A) ** 2, axis=1))


COST_MISTAKES = {
    "mean of everything": (
        lambda A, Y: 0.5 * np.mean((Y - A) ** 2),
        "averaged over the outputs too",
    ),
    "wrong axes": (
        lambda A, Y: 0.5 * np.mean(np.sum((Y - A) ** 2, axis=0)),
        "instead of the 4 examples",
    ),
    "sum": (lambda A, Y: 0.5 * np.sum((Y - A) ** 2), "4 times too large"),
    "no half": (lambda A, Y: np.mean(np.sum((Y - A) ** 2, axis=1)), "1/2 is missing"),
    "norm": (lambda A, Y: 0.5 * np.mean(np.linalg.norm(Y - A, axis=1)), "without squaring"),
    "no square": (lambda A, Y: 0.5 * np.mean(np.sum(A - Y, axis=1)), "not squared"),
    "per example": (lambda A, Y: 0.5 * np.sum((Y - A) ** 2, axis=1), "one cost per example"),
    "per output": (lambda A, Y: 0.5 * np.mean((Y - A) ** 2, axis=0), "one number per output"),
    "abs": (lambda A, Y: 0.5 * np.abs(A - Y).sum(axis=1).mean(), "absolute difference"),
    "precedence": (lambda A, Y: np.sum((A - Y) ** 2) / 2 * len(A), "precedence"),
    "nan": (lambda A, Y: float("nan"), "NaN"),
}


def test_quadratic_cost_passes_the_right_answer():
    check.quadratic_cost(cost_right)


@pytest.mark.parametrize("mistake", COST_MISTAKES)
def test_quadratic_cost_diagnoses(mistake):
    fn, phrase = COST_MISTAKES[mistake]
    fails_with(check.quadratic_cost, fn, phrase)


def make_update(
    *,
    sign=-1,
    divide=1,
    eta_used=True,
    accumulate=True,
    first_only=False,
    update_b=True,
    update_w=True,
    in_place=False,
    per_example=False,
):
    """A book-style update_mini_batch with the chosen mistake."""

    def update(weights, biases, mini_batch, eta, backprop):
        if per_example:  # the update indented into the loop over the examples
            for x, y in mini_batch:
                nabla_b, nabla_w = backprop(x, y, weights, biases)
                weights = [w - eta / len(mini_batch) * g for w, g in zip(weights, nabla_w)]
                biases = [b - eta / len(mini_batch) * g for b, g in zip(biases, nabla_b)]
            return weights, biases
        sum_b = [np.zeros(b.shape) for b in biases]
        sum_w = [np.zeros(w.shape) for w in weights]
        batch = mini_batch[:1] if first_only else mini_batch
        for x, y in batch:
            nabla_b, nabla_w = backprop(x, y, weights, biases)
            if accumulate:
                sum_b = [s + g for s, g in zip(sum_b, nabla_b)]
                sum_w = [s + g for s, g in zip(sum_w, nabla_w)]
            else:
                sum_b, sum_w = nabla_b, nabla_w
        step = (eta if eta_used else 1.0) / len(mini_batch) ** divide
        new_w = [w + sign * step * g if update_w else w for w, g in zip(weights, sum_w)]
        new_b = [b + sign * step * g if update_b else b for b, g in zip(biases, sum_b)]
        if in_place:
            weights[:], biases[:] = new_w, new_b
            return None
        return new_w, new_b

    return update


UPDATE_MISTAKES = {
    "sign": (make_update(sign=+1), "sign error"),
    "no division": (make_update(divide=0), "off by the mini-batch size"),
    "divided twice": (make_update(divide=2), "not twice"),
    "no eta": (make_update(eta_used=False), "eta is missing"),
    "overwritten": (make_update(accumulate=False), "only the last example"),
    "first only": (make_update(first_only=True), "only the first example"),
    "biases fixed": (make_update(update_b=False), "biases were not updated"),
    "weights fixed": (make_update(update_w=False), "weights were not updated"),
    "nothing": (make_update(update_w=False, update_b=False), "nothing changed"),
    "no return": (lambda W, B, batch, eta, bp: None, "nothing changed"),
    "swapped order": (lambda W, B, batch, eta, bp: (B, W), "order is (weights, biases)"),
    "update per example": (make_update(per_example=True), "inside the loop over the examples"),
    "(None, None)": (lambda W, B, batch, eta, bp: (None, None), "weights should be a list"),
    "transposed weights": (
        lambda W, B, batch, eta, bp: ([w.T for w in W], B),
        "weights[0] has shape (3, 5), expected (5, 3): transposed",
    ),
}


@pytest.mark.parametrize("in_place", [False, True], ids=["returns", "in place"])
def test_update_mini_batch_passes_the_right_answer(in_place):
    check.update_mini_batch(make_update(in_place=in_place))


@pytest.mark.parametrize("mistake", UPDATE_MISTAKES)
def test_update_mini_batch_diagnoses(mistake):
    fn, phrase = UPDATE_MISTAKES[mistake]
    fails_with(check.update_mini_batch, fn, phrase)


def test_a_small_difference_is_printed_with_the_digits_that_show_it():
    text = fails_with(check.update_mini_batch, make_update(per_example=True), "largest difference")
    expected = text.split("expected: ")[1].split("\n")[0]
    got = text.split("got:      ")[1].split("\n")[0]
    assert expected != got


# -- lab 4: sigmoid_prime, backprop --------------------------------------------------------------
SIGMOID_PRIME_MISTAKES = {
    "on z": (lambda z: z * (1 - z), "a and z swapped"),
    "sigmoid": (ref.sigmoid, "sigma(z) itself"),
    "plus": (lambda z: ref.sigmoid(z) * (1 + ref.sigmoid(z)), "sigma(z)(1 + sigma(z))"),
    "negated": (lambda z: -ref.sigmoid_prime(z), "positive everywhere"),
    "tanh'": (lambda z: 1 - np.tanh(z) ** 2, "derivative of tanh"),
    "1 - s^2": (lambda z: 1 - ref.sigmoid(z) ** 2, "1 - sigma(z)^2"),
    "twice": (lambda z: ref.sigmoid_prime(ref.sigmoid(z)), "applied twice"),
}


def test_sigmoid_prime_passes_the_right_answer():
    check.sigmoid_prime(lambda z: ref.sigmoid(z) * (1 - ref.sigmoid(z)))


@pytest.mark.parametrize("mistake", SIGMOID_PRIME_MISTAKES)
def test_sigmoid_prime_diagnoses(mistake):
    fn, phrase = SIGMOID_PRIME_MISTAKES[mistake]
    fails_with(check.sigmoid_prime, fn, phrase)


def make_backprop(
    *,
    cost_sign=1,
    bp1_prime=True,
    bp2_prime=True,
    prime_at="z",
    bp2_prime_at=None,
    prime=ref.sigmoid_prime,
    bp2_transpose=True,
    bp4="a",
    bp4_order="delta a.T",
    zero_b=False,
    order="b, w",
    init="zeros",
    layers=0,
):
    """The book's backprop, written out again with the chosen mistake (``layers=-1``: the
    backward loop one layer short)."""

    def backprop(x, y, weights, biases):
        activation, activations, zs = x, [x], []
        for w, b in zip(weights, biases):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = ref.sigmoid(z)
            activations.append(activation)

        def sp(l, at=prime_at):
            return prime(zs[-l] if at == "z" else activations[-l])

        if init == "zeros":
            nabla_b = [np.zeros(b.shape) for b in biases]
            nabla_w = [np.zeros(w.shape) for w in weights]
        else:  # the lab solution's [None] * L
            nabla_b, nabla_w = [None] * len(weights), [None] * len(weights)
        delta = cost_sign * (activations[-1] - y) * (sp(1) if bp1_prime else 1)
        for l in range(1, len(weights) + 1 + layers):
            if l > 1:
                w_next = weights[-l + 1].T if bp2_transpose else weights[-l + 1]
                at = bp2_prime_at or prime_at
                delta = np.dot(w_next, delta) * (sp(l, at) if bp2_prime else 1)
            if bp4 == "x":  # right for one hidden layer only
                before = activations[-l - 1] if l == 1 else x
            else:
                before = activations[-l - 1] if bp4 == "a" or l == len(weights) else zs[-l - 1]
            if not zero_b:
                nabla_b[-l] = delta
            if bp4_order == "delta a.T":
                nabla_w[-l] = np.dot(delta, before.T)
            else:
                nabla_w[-l] = np.dot(before, delta.T)
        return (nabla_b, nabla_w) if order == "b, w" else (nabla_w, nabla_b)

    return backprop


BACKPROP_MISTAKES = {
    "y - a": (make_backprop(cost_sign=-1), "sign error"),
    "BP1 without sigma'": (make_backprop(bp1_prime=False), "BP1 is missing the factor"),
    "BP2 without sigma'": (make_backprop(bp2_prime=False), "BP2 is missing the factor"),
    "sigma'(a)": (
        make_backprop(prime_at="a"),
        "at the activations a instead of the weighted inputs z",
    ),
    "sigma for sigma'": (make_backprop(prime=ref.sigmoid), "derivative of the wrong function"),
    "tanh'": (make_backprop(prime=lambda z: 1 - np.tanh(z) ** 2), "derivative of tanh"),
    "z(1-z)": (make_backprop(prime=lambda z: z * (1 - z)), "computed sigma'(z) as z(1 - z)"),
    "BP4 with z": (make_backprop(bp4="z"), "weighted input z instead of its activation"),
    "no bias gradient": (make_backprop(zero_b=True), "biases' gradients are zero"),
    "sigma'(a) in BP2 only": (
        make_backprop(bp2_prime_at="a"),
        "BP2 evaluates sigma' at the activation",
    ),
    "BP4 with x": (make_backprop(bp4="x"), "not x for every layer"),
    "loop one short, None init": (
        make_backprop(init="none", layers=-1),
        "nabla_b[0] is None: never filled",
    ),
    "loop one short, zeros init": (make_backprop(layers=-1), "stops one layer short"),
    "generators": (lambda *a: tuple((g for g in b) for b in ref.backprop(*a)), "is a generator"),
    "generator of the pair": (lambda *a: (b for b in ref.backprop(*a)), "not a generator"),
    "(None, None)": (lambda *a: (None, None), "nabla_b should be a list of arrays"),
    "BP2 without transpose": (make_backprop(bp2_transpose=False), "raised ValueError"),
    "a delta.T": (
        make_backprop(bp4_order="a delta.T"),
        "nabla_w[0] has shape (3, 5), expected (5, 3): transposed",
    ),
    "(nabla_w, nabla_b)": (make_backprop(order="w, b"), "the book's order is (nabla_b, nabla_w)"),
    # A mistake the check has no name for, in the hidden layer only: it says where to look.
    "hidden layer doubled": (
        make_backprop(prime=lambda z: ref.sigmoid_prime(z) * (2 if len(z) == 5 else 1)),
        "the output layer is right and an earlier one is not",
    ),
    "output layer doubled": (
        make_backprop(prime=lambda z: ref.sigmoid_prime(z) * (2 if len(z) == 2 else 1)),
        "the output layer is wrong",
    ),
}


def test_backprop_passes_the_right_answer():
    check.backprop(make_backprop())


@pytest.mark.parametrize("mistake", BACKPROP_MISTAKES)
def test_backprop_diagnoses(mistake):
    fn, phrase = BACKPROP_MISTAKES[mistake]
    text = fails_with(check.backprop, fn, phrase)
    assert "forget the `return`" not in text


def test_backprop_shows_its_inputs_as_the_columns_they_are():
    fails_with(
        check.backprop,
        make_backprop(cost_sign=-1),
        "x = [[ 0.5], [-1. ], [ 2. ]] (shape (3, 1))",
        "y = [[1.], [0.]] (shape (2, 1))",
    )


def test_the_reference_backprop_agrees_with_finite_differences():
    weights, biases = check.example_network()
    nabla_b, nabla_w = ref.backprop(check.X, check.Y, weights, biases)
    num_b, num_w = check.numerical_gradient(check.X, check.Y, weights, biases)
    for got, want in zip(nabla_b + nabla_w, num_b + num_w):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def test_unfinished_exercises_stop_with_their_own_error():
    def stub(z):
        raise NotImplementedError("your code here")

    with pytest.raises(NotImplementedError, match="your code here"):
        check.sigmoid(stub)


# -- lab 5: the reader's class -------------------------------------------------------------------
class BookNet:
    """The book's Network, written with the reference functions (the lab 5 solution's shape)."""

    def __init__(self, sizes, update=None, backprop=None):
        self.sizes = sizes
        rng = np.random.default_rng(0)
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [rng.standard_normal((y, x)) for x, y in zip(sizes[:-1], sizes[1:])]
        self._update = update or make_update(in_place=True)
        self._backprop = backprop or make_backprop()

    def feedforward(self, a):
        return ref.feedforward(a, self.weights, self.biases)

    def backprop(self, x, y):
        return self._backprop(x, y, self.weights, self.biases)

    def update_mini_batch(self, mini_batch, eta):
        out = self._update(
            self.weights, self.biases, mini_batch, eta, lambda x, y, W, B: self.backprop(x, y)
        )
        if out is not None:
            self.weights, self.biases = out

    def evaluate(self, test_data):
        return sum(int(np.argmax(self.feedforward(x)) == y) for x, y in test_data)

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):
        for _ in range(epochs):
            for k in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)


def test_network_passes_the_books_class():
    check.network(BookNet)


def test_network_finds_a_mistake_in_a_method():
    class Wrong(BookNet):
        def __init__(self, sizes):
            super().__init__(sizes, update=make_update(divide=0, in_place=True))

    fails_with(check.network, Wrong, "off by the mini-batch size")


def test_network_finds_transposed_weights():
    class Transposed(BookNet):
        def __init__(self, sizes):
            super().__init__(sizes)
            self.weights = [w.T for w in self.weights]

    fails_with(check.network, Transposed, "weights[0] has shape (3, 5), expected (5, 3)")


def test_network_finds_a_wrong_evaluate():
    class CountsAll(BookNet):
        def evaluate(self, test_data):
            return len(test_data)

    fails_with(check.network, CountsAll, "evaluate should count")


def test_network_finds_an_sgd_that_does_nothing():
    class Idle(BookNet):
        def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):
            pass

    fails_with(check.network, Idle, "SGD left the parameters unchanged", "never called")


def sgd_class(sgd):
    return type("Mistaken", (BookNet,), {"SGD": sgd})


def sgd_shuffled(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    import random

    training_data = list(training_data)
    for epoch in range(epochs):
        random.shuffle(training_data)
        for k in range(0, len(training_data), mini_batch_size):
            self.update_mini_batch(training_data[k : k + mini_batch_size], eta)
        print(f"Epoch {epoch} complete")


def sgd_full_batch(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    for _ in range(epochs):
        self.update_mini_batch(training_data, eta)


def sgd_last_batch_only(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    for _ in range(epochs):
        mini_batches = [
            training_data[k : k + mini_batch_size]
            for k in range(0, len(training_data), mini_batch_size)
        ]
        for mini_batch in mini_batches:  # noqa: B007  (the reader's mistake this test plays)
            pass
        self.update_mini_batch(mini_batch, eta)  # dedented out of the loop


def sgd_one_epoch(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    for k in range(0, len(training_data), mini_batch_size):
        self.update_mini_batch(training_data[k : k + mini_batch_size], eta)


def sgd_eta_times_size(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    for _ in range(epochs):
        for k in range(0, len(training_data), mini_batch_size):
            self.update_mini_batch(training_data[k : k + mini_batch_size], eta * mini_batch_size)


def sgd_with_replacement(self, training_data, epochs, mini_batch_size, eta, test_data=None):
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for _ in range(0, len(training_data), mini_batch_size):
            picks = rng.integers(0, len(training_data), mini_batch_size)
            self.update_mini_batch([training_data[i] for i in picks], eta)


def test_network_passes_a_shuffling_sgd(capsys):
    check.network(sgd_class(sgd_shuffled))
    assert "Epoch" not in capsys.readouterr().out  # the reader's printing is kept out


SGD_MISTAKES = {
    "full batch": (sgd_full_batch, "mini_batch_size was ignored"),
    "last mini-batch only": (sgd_last_batch_only, "once per epoch"),
    "one epoch": (sgd_one_epoch, "SGD ran one epoch; it was asked for 2"),
    "eta * mini_batch_size": (sgd_eta_times_size, "passed eta * mini_batch_size"),
    "with replacement": (sgd_with_replacement, "every training example exactly once"),
}


@pytest.mark.parametrize("mistake", SGD_MISTAKES)
def test_network_checks_sgd_by_its_calls(mistake):
    sgd, phrase = SGD_MISTAKES[mistake]
    fails_with(check.network, sgd_class(sgd), phrase, "expected:", "got:")


# -- lab 6: the batch forward pass -----------------------------------------------------------------
def ffb_right(X, weights, biases):
    for w, b in zip(weights, biases):
        X = ref.sigmoid(X @ w.T + b)
    return X


def _ffb_bias_outside(X, weights, biases):
    for w, b in zip(weights, biases):
        X = ref.sigmoid(X @ w.T) + b
    return X


def _ffb_columns(X, weights, biases):  # a loop over the features instead of the examples
    return np.stack(
        [
            ref.feedforward(c.reshape(-1, 1), weights, [b.reshape(-1, 1) for b in biases])
            for c in X.T
        ]
    )


FFB_MISTAKES = {
    "no bias": (lambda X, W, B: ffb_right(X, W, [0 * b for b in B]), "biases are missing"),
    "bias outside": (_ffb_bias_outside, "added after the sigmoid"),
    "z last": (lambda X, W, B: ffb_right(X, W[:-1], B[:-1]) @ W[-1].T + B[-1], "a and z swapped"),
    "first row": (lambda X, W, B: ffb_right(X[:1], W, B), "wrong axis"),
    "columns": (_ffb_columns, "raised ValueError"),
    "w not transposed": (
        lambda X, W, B: ffb_right(X, [w.T for w in W], B),
        "`A @ w.T` for examples as rows",
    ),
    "transposed output": (lambda X, W, B: ffb_right(X, W, B).T, "right but transposed"),
    "skip last": (lambda X, W, B: ffb_right(X, W[:-1], B[:-1]), "stopped one layer short"),
    "every activation": (
        lambda X, W, B: [X] + [ffb_right(X, W[:k], B[:k]) for k in range(1, len(W) + 1)],
        "return only the last activation",
    ),
}


def test_feedforward_batch_passes_the_right_answer():
    check.feedforward_batch(ffb_right)


@pytest.mark.parametrize("mistake", FFB_MISTAKES)
def test_feedforward_batch_diagnoses(mistake):
    fn, phrase = FFB_MISTAKES[mistake]
    fails_with(check.feedforward_batch, fn, phrase)


# -- the reader's network as an nnwidgets.Network (tested in test_book_network.py) ---------------
def test_as_network_is_the_cores_under_its_old_names():
    import nnwidgets.book
    from nnwidgets.labs.adapter import BookNetwork
    from nnwidgets.labs.adapter import as_network as old

    assert as_network is old is nnwidgets.book.as_network
    assert BookNetwork is nnwidgets.book.BookNetwork


def test_the_labs_package_imports_no_widget():
    import subprocess

    code = (
        "import sys, nnwidgets.labs; print('anywidget' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
