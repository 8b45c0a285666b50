"""Every lab check against wrong answers that match none of its known mistakes.

Whatever a reader's function returns (the wrong type, shape or value, None, a generator, a
NaN) or raises, the check answers with a CheckFailed that says what it expected and what it
got, never with a raw AttributeError, IndexError or TypeError of its own.
"""

import functools
import warnings

import numpy as np
import pytest

from nnwidgets.labs import CheckFailed, check
from nnwidgets.labs import reference as ref

WEIGHTS, BIASES = check.example_network()
L = len(WEIGHTS)


def perceptron(x, w, b):
    return 1 if np.dot(w, x) + b > 0 else 0


def update(weights, biases, mini_batch, eta, backprop):
    return ref.update_mini_batch(weights, biases, mini_batch, eta, backprop)


class BookNet:
    """The lab 5 solution's shape, with the reference functions."""

    def __init__(self, sizes):
        r = np.random.default_rng(0)
        self.sizes = sizes
        self.biases = [r.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [r.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        return ref.feedforward(a, self.weights, self.biases)

    def backprop(self, x, y):
        return ref.backprop(x, y, self.weights, self.biases)

    def update_mini_batch(self, mini_batch, eta):
        self.weights, self.biases = ref.update_mini_batch(
            self.weights, self.biases, mini_batch, eta
        )

    def evaluate(self, test_data):
        return sum(int(np.argmax(self.feedforward(x)) == y) for x, y in test_data)

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):
        for _ in range(epochs):
            for k in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)


# Each function check with its right answer (which must pass).
FUNCTION_CHECKS = {
    "perceptron": (check.perceptron, perceptron),
    "sigmoid": (check.sigmoid, ref.sigmoid),
    "feedforward": (check.feedforward, ref.feedforward),
    "quadratic_cost": (check.quadratic_cost, ref.quadratic_cost),
    "update_mini_batch": (check.update_mini_batch, update),
    "sigmoid_prime": (check.sigmoid_prime, ref.sigmoid_prime),
    "backprop": (check.backprop, ref.backprop),
    "feedforward_batch": (check.feedforward_batch, ref.feedforward_batch),
}


def generator(*args):
    yield from (1.0, 2.0)


def _raises(error):
    def fn(*args):
        raise error("something inside the reader's function")

    return fn


# Answers whose result is wrong in type or shape, whatever the check.
RETURNED = {
    "None": lambda *a: None,
    "a string": lambda *a: "0.5",
    "a dict": lambda *a: {"a": 1.0},
    "an object": lambda *a: object(),
    "a generator": generator,
    "a complex number": lambda *a: 1 + 2j,
    "a 7x7 array": lambda *a: np.zeros((7, 7)),
    "a ragged list": lambda *a: [[1.0, 2.0], [3.0]],
    "an empty list": lambda *a: [],
    "a boolean array": lambda *a: np.ones((4, 4), dtype=bool),
    "an int beyond any float": lambda *a: 10**400,
    "an object array": lambda *a: np.array([None, 1.0], dtype=object),
}

RAISED = {
    "AttributeError": _raises(AttributeError),
    "IndexError": _raises(IndexError),
    "KeyError": _raises(KeyError),
    "ZeroDivisionError": _raises(ZeroDivisionError),
    "RecursionError": _raises(RecursionError),
    "wrong signature": lambda: 0.0,
}


def refused(check_fn, answer, *phrases):
    with pytest.raises(CheckFailed) as info:
        check_fn(answer)
    text = str(info.value)
    for phrase in phrases:
        assert phrase in text, text
    return text


@pytest.mark.parametrize("which", FUNCTION_CHECKS)
def test_the_right_answer_passes(which, capsys):
    check_fn, right = FUNCTION_CHECKS[which]
    check_fn(right)
    assert capsys.readouterr().out.startswith("\u2713")


@pytest.mark.parametrize("answer", RETURNED)
@pytest.mark.parametrize("which", FUNCTION_CHECKS)
def test_a_result_of_the_wrong_type_or_shape_is_a_check_failure(which, answer):
    refused(FUNCTION_CHECKS[which][0], RETURNED[answer], "expected:", "got:")


@pytest.mark.parametrize("error", RAISED)
@pytest.mark.parametrize("which", FUNCTION_CHECKS)
def test_an_error_inside_the_readers_function_is_a_check_failure(which, error):
    refused(FUNCTION_CHECKS[which][0], RAISED[error], "raised", "input:")


def perturbed(right, how):
    """``right`` with every number in its result changed by ``how`` (structure kept)."""

    def change(value):
        if isinstance(value, (list, tuple)):
            return type(value)(change(v) for v in value)
        return how(np.asarray(value, dtype=float))

    def fn(*args):
        return change(right(*args))

    return fn


VALUES = {
    "off by 0.1": lambda a: a + 0.1,
    "times 1.37": lambda a: a * 1.37,
    "NaN": lambda a: np.full(a.shape, np.nan),
    "infinite": lambda a: np.full(a.shape, np.inf),
    "float16": lambda a: (a + 0.05).astype(np.float16),
}


@pytest.mark.parametrize("how", VALUES)
@pytest.mark.parametrize("which", FUNCTION_CHECKS)
def test_a_result_of_the_right_shape_and_wrong_values_is_a_check_failure(which, how):
    check_fn, right = FUNCTION_CHECKS[which]
    refused(check_fn, perturbed(right, VALUES[how]), "expected:", "got:")


# -- the pairs that update_mini_batch and backprop return -----------------------------------------
PAIRS = {
    "(None, None)": (None, None),
    "(1, 2)": (1, 2),
    "generators": ((g for g in WEIGHTS), (g for g in BIASES)),
    "lists of None": ([None] * L, [None] * L),
    "a triple": (WEIGHTS, BIASES, BIASES),
    "strings": (["a"] * L, ["b"] * L),
    "scalars per layer": ([1.0] * L, [2.0] * L),
    "one layer short": (WEIGHTS[:-1], BIASES[:-1]),
}


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("which", ["update_mini_batch", "backprop"])
def test_a_malformed_pair_is_a_check_failure(which, pair):
    check_fn = FUNCTION_CHECKS[which][0]
    refused(check_fn, lambda *a: PAIRS[pair], "expected:", "got:")


# -- the cases, one by one ---------------------------------------------------------------
@pytest.mark.parametrize(
    "fn",
    [
        lambda A, Y: 0.5 * np.abs(A - Y).sum(axis=1).mean(),
        lambda A, Y: np.sum((A - Y) ** 2) / 2 * len(A),
        lambda A, Y: float("nan"),
    ],
    ids=["abs", "precedence", "nan"],
)
def test_quadratic_cost_answers_any_wrong_cost(fn):
    refused(check.quadratic_cost, fn, "expected:", "got:")


def test_nand_with_an_empty_bias():
    with pytest.raises(CheckFailed, match="b must be one number"):
        check.nand([-2, -2], [])


@pytest.mark.parametrize(
    "w, b",
    [
        ([-2, -2], [3, 4]),
        ("ab", 3),
        (None, 3),
        ([-2, -2], None),
        ({}, 3),
        ([np.nan, -2], 3),
        ([-2, -2], "3"),
        (np.array([-2, -2j]), 3),
        ([-2, -2], np.inf),
        (10**400, 3),
        ([1e308, 1e308], 0),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_nand_with_weights_or_bias_of_the_wrong_kind(w, b):
    with pytest.raises(CheckFailed) as info, warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in the check's own arithmetic included
        check.nand(w, b)
    assert "expected:" in str(info.value) and "got:" in str(info.value)


def test_network_given_none():
    refused(check.network, None, "your Network class", "got:")


def test_network_given_an_instance():
    refused(check.network, BookNet([3, 5, 2]), "the class itself", "check.network(Network)")


def test_network_given_a_partial_runs_the_checks(capsys):
    check.network(functools.partial(BookNet))
    assert capsys.readouterr().out.splitlines()[-1].startswith("\u2713 network")


@pytest.mark.parametrize("cls", [3, "Network", lambda sizes: None, lambda sizes: object()])
def test_network_given_something_else(cls):
    refused(check.network, cls, "expected:", "got:")


def test_network_whose_evaluate_returns_an_array():
    class ArrayEvaluate(BookNet):
        def evaluate(self, test_data):
            return np.array([1, 1])

    refused(check.network, ArrayEvaluate, "evaluate", "expected:", "got:")


def test_network_whose_weights_are_none():
    class NoWeights(BookNet):
        def __init__(self, sizes):
            super().__init__(sizes)
            self.weights = None

    refused(check.network, NoWeights, "weights", "expected:", "got:")
