"""Lab 12's checks (layer_speeds, chain_gradient, largest_window) against typical mistakes: each
gets its own diagnosis, and right answers (float32, other formulations) pass."""

import numpy as np
import pytest
from _labs import fails_with, sigmoid

from nnwidgets.labs import CheckFailed, check
from nnwidgets.labs.check_depth import CHAINS, chain_numerical, speed_example


# -- layer_speeds --------------------------------------------------------------------------------
def speeds_right(net, X, Y):
    nabla_b, _, _ = net.backprop(X, Y)
    return [np.linalg.norm(nb) for nb in nabla_b[:-1]]


def speeds_by_hand(net, X, Y):
    """The same from the book's equations: BP1 (sigmoid with cross-entropy), BP2, BP3."""
    zs, activations, a = [], [], X
    for w, b in zip(net.weights, net.biases):
        zs.append(a @ w.T + b)
        a = sigmoid(zs[-1])
        activations.append(a)
    delta = (activations[-1] - Y) / len(X)
    speeds = []
    for l in range(len(net.weights) - 2, -1, -1):
        s = sigmoid(zs[l])
        delta = (delta @ net.weights[l + 1]) * s * (1 - s)
        speeds.insert(0, float(np.linalg.norm(delta.sum(axis=0))))
    return np.array(speeds)


def speeds_mean_of_norms(net, X, Y):
    per = [speeds_right(net, X[i : i + 1], Y[i : i + 1]) for i in range(len(X))]
    return np.mean(per, axis=0)


def speeds_summed(net, X, Y):
    return [len(X) * s for s in speeds_right(net, X, Y)]


def speeds_with_output(net, X, Y):
    return [np.linalg.norm(nb) for nb in net.backprop(X, Y)[0]]


def speeds_of_weights(net, X, Y):
    return [np.linalg.norm(nw) for nw in net.backprop(X, Y)[1][:-1]]


LAYER_SPEED_MISTAKES = {
    "mean of per-example norms": (speeds_mean_of_norms, "mean of the per-example norms"),
    "output layer included": (speeds_with_output, "the output layer's last"),
    "weights' gradient": (speeds_of_weights, "weights' gradients"),
    "sum over examples": (speeds_summed, "the sum over the 8 examples"),
    "reversed": (lambda n, X, Y: speeds_right(n, X, Y)[::-1], "reverse order"),
    "squared": (lambda n, X, Y: np.square(speeds_right(n, X, Y)), "squared norms"),
    "shifted by one layer": (
        lambda n, X, Y: [np.linalg.norm(nb) for nb in n.backprop(X, Y)[0][1:]],
        "first hidden layer left out",
    ),
    "mean absolute value": (
        lambda n, X, Y: [np.abs(nb).mean() for nb in n.backprop(X, Y)[0][:-1]],
        "mean absolute value",
    ),
    "the gradient vectors": (
        lambda n, X, Y: list(n.backprop(X, Y)[0][:-1]),
        "returned the gradients themselves",
    ),
    "one layer missing": (lambda n, X, Y: speeds_right(n, X, Y)[:-1], "3 hidden layers"),
    "None": (lambda n, X, Y: None, "forget the `return`"),
    "raises": (lambda n, X, Y: n.backprop(X.T, Y), "raised ValueError"),
}


@pytest.mark.parametrize(
    "answer",
    [
        speeds_right,
        speeds_by_hand,
        lambda n, X, Y: np.array(speeds_right(n, X, Y), dtype=np.float32),
        lambda n, X, Y: tuple(speeds_right(n, X, Y)),
    ],
    ids=["backprop", "by hand", "float32", "tuple"],
)
def test_layer_speeds_passes_right_answers(answer, capsys):
    check.layer_speeds(answer)
    assert capsys.readouterr().out.startswith("\u2713 layer_speeds")


@pytest.mark.parametrize("mistake", LAYER_SPEED_MISTAKES)
def test_layer_speeds_diagnoses(mistake):
    fn, phrase = LAYER_SPEED_MISTAKES[mistake]
    fails_with(check.layer_speeds, fn, phrase)


def test_layer_speeds_cannot_change_the_checks_network():
    def trains(net, X, Y):
        net.fit(X, Y.argmax(1), epochs=3, batch_size=2, learning_rate=5.0)
        return speeds_right(net, X, Y)

    with pytest.raises(CheckFailed):  # it measured a trained network: wrong, and said so
        check.layer_speeds(trains)
    check.layer_speeds(speeds_right)  # ...and the next check starts from the same network
    net, X, Y = speed_example()
    assert np.allclose(speeds_right(net, X, Y), speeds_right(*speed_example()))


# -- chain_gradient ------------------------------------------------------------------------------
def chain_forward(ws, bs, x):
    zs, a = [], x
    for w, b in zip(ws, bs):
        zs.append(w * a + b)
        a = sigmoid(zs[-1])
    return np.array(zs), a


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def chain_right(ws, bs, x, y):
    zs, a = chain_forward(ws, bs, x)
    return sigmoid_prime(zs[0]) * np.prod(ws[1:] * sigmoid_prime(zs[1:])) * (a - y)


def chain_backwards(ws, bs, x, y):
    """The book's way: delta from the last neuron back to the first (BP1, then BP2)."""
    zs, a = chain_forward(ws, bs, x)
    delta = (a - y) * sigmoid_prime(zs[-1])
    for j in range(len(ws) - 2, -1, -1):
        delta = ws[j + 1] * delta * sigmoid_prime(zs[j])
    return delta


def chain_mistake(**kw):
    def fn(ws, bs, x, y):
        zs, a = chain_forward(ws, bs * (0 if kw.get("no_bias") else 1), x)
        prime = kw.get("prime", sigmoid_prime)
        at = sigmoid(zs) if kw.get("at_a") else zs
        stop = len(ws) - 1 if kw.get("short") else len(ws)
        value = 1.0 if kw.get("no_first") else prime(at[0])
        if kw.get("w1"):
            value *= ws[0]
        value *= np.prod(ws[1:stop] * prime(at[1:stop]))
        end = 1.0 if kw.get("no_cost") else (y - a if kw.get("sign") else a - y)
        return value * end

    return fn


CHAIN_MISTAKES = {
    "missing sigma'(z_1)": (chain_mistake(no_first=True), "sigma'(z_1) is missing"),
    "w_1 included": (chain_mistake(w1=True), "w_1 is included"),
    "sigma'(a) for sigma'(z)": (chain_mistake(at_a=True), "evaluated at the activations"),
    "sigma for sigma'": (chain_mistake(prime=sigmoid), "sigma(z_j) in place of sigma'(z_j)"),
    "no dC/da": (chain_mistake(no_cost=True), "dC/da_L = a_L - y is missing"),
    "sign": (chain_mistake(sign=True), "the sign is wrong"),
    "one neuron short": (chain_mistake(short=True), "one neuron short"),
    "no biases": (chain_mistake(no_bias=True), "biases are missing"),
    "dC/db_L": (
        lambda ws, bs, x, y: (
            sigmoid_prime(chain_forward(ws, bs, x)[0][-1]) * (chain_forward(ws, bs, x)[1] - y)
        ),
        "dC/db_L, the last neuron's",
    ),
    "hard-coded four neurons": (
        lambda ws, bs, x, y: chain_right(ws[:4], bs[:4], x, y),
        "6 neurons",
    ),
    "every neuron's": (
        lambda ws, bs, x, y: [chain_right(ws, bs, x, y), 0.0, 1.0],
        "your first number is it",
    ),
    "weights one neuron off": (
        lambda ws, bs, x, y: chain_right(ws, bs, x, y) * ws[0] / ws[-1],
        "one neuron off",
    ),
    "dC/dw_1": (lambda ws, bs, x, y: x * chain_right(ws, bs, x, y), "dC/dw_1"),
    "half of a - y": (lambda ws, bs, x, y: chain_right(ws, bs, x, y) / 2, "the 1/2"),
    "float32 sums": (
        lambda ws, bs, x, y: np.float32(chain_right(ws, bs, x, y)) * np.float32(1.0001),
        "close but",
    ),
}


@pytest.mark.parametrize(
    "answer",
    [
        chain_right,
        chain_backwards,
        lambda ws, bs, x, y: np.float32(chain_right(ws, bs, x, y)),
        lambda ws, bs, x, y: np.array([chain_right(ws, bs, x, y)]),
    ],
    ids=["product", "backwards", "float32", "one-element array"],
)
def test_chain_gradient_passes_right_answers(answer, capsys):
    check.chain_gradient(answer)
    assert capsys.readouterr().out.startswith("\u2713 chain_gradient")


@pytest.mark.parametrize("mistake", CHAIN_MISTAKES)
def test_chain_gradient_diagnoses(mistake):
    fn, phrase = CHAIN_MISTAKES[mistake]
    fails_with(check.chain_gradient, fn, phrase)


def test_the_chains_finite_differences_agree_with_the_product():
    # The check's expected value is numerical; the product of the lab is what it must equal.
    for ws, bs, x, y in CHAINS:
        product = chain_right(np.array(ws), np.array(bs), x, y)
        assert chain_numerical(ws, bs, x, y) == pytest.approx(product, rel=1e-6)


# -- largest_window ------------------------------------------------------------------------------
def window_right(w):
    w = abs(w)
    if w < 4:
        return 0.0
    return 2 / w * np.log(w * (1 + np.sqrt(1 - 4 / w)) / 2 - 1)


def window_numeric(w):
    """Another formulation: solve sigma(z)(1 - sigma(z)) = 1/|w| for sigma, then z, then a."""
    w = abs(w)
    if w < 4:
        return 0.0
    s = (1 + np.sqrt(1 - 4 / w)) / 2  # the larger root; the smaller is 1 - s
    return (np.log(s / (1 - s)) - np.log((1 - s) / s)) / w


def window_with(**kw):
    def fn(w):
        a = abs(w)
        if a < 4 and not kw.get("nan"):
            return 0.0
        with np.errstate(invalid="ignore"):
            log = np.log10 if kw.get("log10") else np.log
            value = 2 * log(a * (1 + np.sqrt(1 - 4 / a)) / 2 - 1)
        if kw.get("z"):
            return value
        value = value / (w if kw.get("signed") else a)
        return value / 2 if kw.get("half") else value

    return fn


def window_without_minus_one(w):
    """NNDL's bound copied with its '- 1' left out: ln(|w|(1 + sqrt(1 - 4/|w|))/2)."""
    w = abs(w)
    return 0.0 if w < 4 else 2 / w * np.log(w * (1 + np.sqrt(1 - 4 / w)) / 2)


WINDOW_MISTAKES = {
    "NaN below 4": (window_with(nan=True), "where there is no window"),
    "a width below 4": (lambda w: window_right(max(abs(w), 4.5)), "where there is no window"),
    "None below 4": (lambda w: None if abs(w) < 4 else window_right(w), "return 0.0"),
    "width in z": (window_with(z=True), "divide by |w|"),
    "half width": (window_with(half=True), "half the width"),
    "signed w": (window_with(signed=True), "negative width for negative w"),
    "log10": (window_with(log10=True), "log10"),
    "width in sigma": (
        lambda w: 0.0 if abs(w) < 4 else np.sqrt(1 - 4 / abs(w)),
        "width of the interval of sigma's values",
    ),
    "the interval's ends": (
        lambda w: 0.0 if abs(w) < 4 else (-window_right(w) / 2, window_right(w) / 2),
        "two ends",
    ),
    "raises": (lambda w: 1 / 0, "raised ZeroDivisionError"),
    "0 for negative w": (lambda w: 0.0 if w < 4 else window_right(w), "0.0 for w = -10"),
    "without the - 1": (window_without_minus_one, "the - 1"),
}


@pytest.mark.parametrize(
    "answer",
    [window_right, window_numeric, lambda w: np.float32(window_right(w))],
    ids=["formula", "roots", "float32"],
)
def test_largest_window_passes_right_answers(answer, capsys):
    check.largest_window(answer)
    assert capsys.readouterr().out.startswith("\u2713 largest_window")


@pytest.mark.parametrize("mistake", WINDOW_MISTAKES)
def test_largest_window_diagnoses(mistake):
    fn, phrase = WINDOW_MISTAKES[mistake]
    fails_with(check.largest_window, fn, phrase)


def test_the_window_is_widest_near_6_9_at_about_0_45():
    # NNDL ch5's problem: the bound is greatest at |w| = 6.9 or so, where it is about 0.45.
    w = np.linspace(4, 20, 16001)
    widths = np.array([window_right(v) for v in w])
    assert w[widths.argmax()] == pytest.approx(6.9, abs=0.05)
    assert widths.max() == pytest.approx(0.45, abs=0.005)


def test_the_checks_are_exported_by_check():
    assert {"layer_speeds", "chain_gradient", "largest_window"} <= set(check.__all__)
