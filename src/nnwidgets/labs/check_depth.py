r"""Checks for lab 12 (depth, activations and the vanishing gradient).

- :func:`layer_speeds`: ``fn(net, X, Y)`` gives NNDL chapter 5's speed of learning, one
  :math:`\lVert\partial C/\partial b^l\rVert` per hidden layer, for the cost averaged over the
  rows of ``X``. The test network has three hidden layers of different sizes (5, 4, 3), so an
  output layer included, a layer left out or the layers reversed all show.
- :func:`chain_gradient`: ``fn(ws, bs, x, y)`` is :math:`\partial C/\partial b_1` for a chain of
  one sigmoid neuron per layer and the cost :math:`C = \frac12 (a_L - y)^2`, compared with
  central finite differences, on a chain of 4 neurons (NNDL's) and one of 6.
- :func:`largest_window`: ``fn(w)`` is the width of the widest interval of inputs ``a`` where
  :math:`\lvert w\sigma'(wa+b)\rvert \ge 1` (NNDL ch5's problem), 0.0 when there is none
  (:math:`\lvert w\rvert < 4`).

Each compares with the right answer and with what typical mistakes give on the same input, and
says which mistake it is (:func:`._report.diagnose`).
"""

from __future__ import annotations

import numpy as np

from ._report import (
    as_array,
    call,
    close,
    describe,
    diagnose,
    fail,
    numbers,
    passed,
    show,
)

__all__ = ["layer_speeds", "chain_gradient", "largest_window"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


# -- layer_speeds --------------------------------------------------------------------------------
SPEED_SIZES = [6, 5, 4, 3, 2]  # three hidden layers of different sizes; no square matrix
SPEED_N = 8  # examples as rows


def speed_example():
    """``(net, X, Y)``: the float64 [6, 5, 4, 3, 2] sigmoid network (``init="book"``, seed 12)
    and the 8 examples (rows) :func:`layer_speeds` checks with; ``Y`` one-hot."""
    from ..network import Network  # the core, NumPy only: no widget

    net = Network(
        SPEED_SIZES,
        activation="sigmoid",
        output="sigmoid",
        cost="cross_entropy",
        init="book",
        seed=12,
        dtype="float64",
    )
    rng = np.random.default_rng(1212)
    X = rng.uniform(0.0, 1.0, (SPEED_N, SPEED_SIZES[0]))
    Y = np.eye(SPEED_SIZES[-1])[rng.integers(0, SPEED_SIZES[-1], SPEED_N)]
    return net, X, Y


def _speeds(net, X, Y):
    """The right answer: the norm of each hidden layer's bias gradient of the mean cost."""
    nabla_b, _, _ = net.backprop(X, Y)
    return np.array([np.linalg.norm(nb) for nb in nabla_b[:-1]])


def _speed_mistakes(net, X, Y):
    nabla_b, nabla_w, _ = net.backprop(X, Y)
    n = len(X)
    right = np.array([np.linalg.norm(nb) for nb in nabla_b[:-1]])
    every = np.array([np.linalg.norm(nb) for nb in nabla_b])
    per_example = np.array(
        [
            [np.linalg.norm(nb) for nb in net.backprop(X[i : i + 1], Y[i : i + 1])[0]]
            for i in range(n)
        ]
    )
    return [
        (
            "the mean of the per-example norms: the speed is the norm of the MEAN gradient, "
            "||(1/n) sum_x dC_x/db^l||; average the gradients first (net.backprop on all the "
            "rows does), then take one norm per layer",
            per_example[:, :-1].mean(axis=0),
        ),
        (
            f"the sum over the {n} examples, {n} times too large: C is the mean cost over the "
            "examples, so its gradient is the mean of theirs",
            n * right,
        ),
        (
            "the norms of the weights' gradients dC/dw^l: the speed of learning is the biases' "
            "gradient dC/db^l (BP3: it is delta^l itself, averaged)",
            np.array([np.linalg.norm(nw) for nw in nabla_w[:-1]]),
        ),
        (
            "the hidden layers in reverse order: give the first hidden layer's speed first",
            right[::-1],
        ),
        (
            "squared norms ||dC/db^l||^2: take the square root (np.linalg.norm)",
            right**2,
        ),
        (
            "the output layer included and the first hidden layer left out (one layer too far "
            "along): the hidden layers are nabla_b[:-1]",
            every[1:],
        ),
        (
            "the mean absolute value of each gradient, not its length: use np.linalg.norm",
            np.array([np.abs(nb).mean() for nb in nabla_b[:-1]]),
        ),
        (
            "the largest absolute value of each gradient, not its length: use np.linalg.norm",
            np.array([np.abs(nb).max() for nb in nabla_b[:-1]]),
        ),
    ]


def layer_speeds(fn):
    r"""``fn(net, X, Y)``: one :math:`\lVert\partial C/\partial b^l\rVert` per hidden layer,
    first hidden layer first, for the cost averaged over the rows of ``X`` (targets ``Y``)."""
    name = "layer_speeds"
    net, X, Y = speed_example()
    inputs = (
        f"the float64 {SPEED_SIZES} sigmoid network of nnwidgets.labs.check_depth."
        f"speed_example() (hidden layers of 5, 4 and 3), X of shape {X.shape} (examples as "
        f"rows), Y one-hot {Y.shape}"
    )
    expected = _speeds(net, X, Y)
    raw = call(fn, name, inputs, net.copy(), X.copy(), Y.copy(), expect=show(expected))
    hidden = len(SPEED_SIZES) - 2
    items = None if isinstance(raw, np.ndarray) else _items(raw)
    if items is not None and items and all(numbers(i) is not None for i in items):
        shapes = [np.shape(i) for i in items]
        biases = [b.shape for b in net.biases]
        if any(len(s) for s in shapes) and shapes in (biases, biases[:-1]):
            fail(
                name,
                inputs,
                expected,
                describe(raw),
                "returned the gradients themselves, one vector per layer: the speed of a layer "
                "is one number, the gradient's length np.linalg.norm(nabla_b[l])",
            )
    got = as_array(raw, name, inputs, expected, what="the speeds").reshape(-1)
    if got.size == hidden + 1:
        every = np.array([np.linalg.norm(nb) for nb in net.backprop(X, Y)[0]])
        if close(got, every):
            fail(
                name,
                inputs,
                expected,
                got,
                f"returned {got.size} numbers, the output layer's last: the speeds are the "
                f"{hidden} hidden layers' only (nabla_b[:-1]; NNDL leaves the output layer out)",
            )
    if got.size != hidden:
        fail(
            name,
            inputs,
            expected,
            got,
            f"returned {got.size} number{'s' * (got.size != 1)}: the network has {hidden} "
            f"hidden layers, one speed "
            f"each (the input layer has no biases, and the output layer is left out)",
        )
    diagnose(got, expected, _speed_mistakes(net, X, Y), name, inputs, what="the speeds", raw=raw)
    passed(name, f"{show(got)}, one per hidden layer of a {SPEED_SIZES} network")


def _items(value):
    if isinstance(value, (str, bytes, dict)):
        return None
    try:
        return list(value)
    except Exception:
        return None


# -- chain_gradient ------------------------------------------------------------------------------
CHAINS = [  # (ws, bs, x, y): NNDL's chain of 4 neurons, then one of 6 (a length hard-coded shows)
    ([0.8, -1.5, 2.0, 1.2], [0.3, -0.4, 0.1, -0.2], 0.7, 0.0),
    ([1.3, 0.9, -2.2, 1.7, -0.6, 2.5], [-0.5, 0.2, 0.6, -0.3, 0.4, -0.1], -0.4, 1.0),
]
EPSILON = 1e-6


def _chain_forward(ws, bs, x, *, bias=True):
    zs, a = [], x
    for w, b in zip(ws, bs):
        z = w * a + (b if bias else 0.0)
        zs.append(z)
        a = _sigmoid(z)
    return np.array(zs), a


def _chain_cost(ws, bs, x, y):
    _, a = _chain_forward(ws, bs, x)
    return 0.5 * (a - y) ** 2


def chain_numerical(ws, bs, x, y, epsilon=EPSILON):
    r""":math:`\partial C/\partial b_1` by central differences, :math:`(C(b_1+\epsilon) -
    C(b_1-\epsilon)) / 2\epsilon`."""
    up, down = list(bs), list(bs)
    up[0] += epsilon
    down[0] -= epsilon
    return (_chain_cost(ws, up, x, y) - _chain_cost(ws, down, x, y)) / (2 * epsilon)


def _chain_product(ws, zs, a_out, y, *, prime=_sigmoid_prime, first=True, w1=False, upto=None):
    """sigma'(z_1) w_2 sigma'(z_2) ... w_L sigma'(z_L) (a_L - y) with one mistake or none."""
    L = len(ws) if upto is None else upto
    value = prime(zs[0]) if first else 1.0
    if w1:
        value *= ws[0]
    for j in range(1, L):
        value *= ws[j] * prime(zs[j])
    return value * (a_out - y)


def _chain_mistakes(ws, bs, x, y):
    zs, a = _chain_forward(ws, bs, x)
    activations = _sigmoid(zs)
    zs_nob, a_nob = _chain_forward(ws, bs, x, bias=False)
    right = _chain_product(ws, zs, a, y)
    L = len(ws)
    return [
        (
            "sigma'(z_1) is missing: b_1 moves z_1 first, so the product starts with "
            "sigma'(z_1) before w_2 sigma'(z_2)",
            _chain_product(ws, zs, a, y, first=False),
        ),
        (
            "w_1 is included: b_1 enters after w_1 (z_1 = w_1 x + b_1), so dC/db_1 has no w_1; "
            "the product is sigma'(z_1) w_2 sigma'(z_2) ... w_L sigma'(z_L) dC/da_L",
            _chain_product(ws, zs, a, y, w1=True),
        ),
        (
            "sigma' is evaluated at the activations a_j: it belongs at the weighted inputs "
            "z_j = w_j a_(j-1) + b_j",
            _chain_product(ws, activations, a, y),
        ),
        (
            "sigma(z_j) in place of sigma'(z_j): the chain rule multiplies by the slope "
            "sigma'(z) = sigma(z)(1 - sigma(z))",
            _chain_product(ws, zs, a, y, prime=_sigmoid),
        ),
        (
            "dC/da_L = a_L - y is missing: the product ends with the cost's derivative",
            right / (a - y),
        ),
        ("the sign is wrong: dC/da_L = a_L - y, not y - a_L", -right),
        (
            f"stopped one neuron short: the product runs over all {L} neurons, w_2 sigma'(z_2) "
            f"up to w_{L} sigma'(z_{L})",
            _chain_product(ws, zs, a, y, upto=L - 1),
        ),
        (
            "the biases are missing from the forward pass: z_j = w_j a_(j-1) + b_j",
            _chain_product(ws, zs_nob, a_nob, y),
        ),
        (
            "returned dC/db_L, the last neuron's: the exercise asks for the first's, dC/db_1",
            _sigmoid_prime(zs[-1]) * (a - y),
        ),
        (
            "the weights are one neuron off: each w_j is paired with sigma'(z_j) of its own "
            "neuron, from w_1 to w_(L-1). The product is sigma'(z_1) times w_2 sigma'(z_2) ... "
            "w_L sigma'(z_L): the weight that carries a_(j-1) into z_j, then z_j's slope",
            right * ws[0] / ws[-1],
        ),
        (
            f"multiplied by x = a_0 = {x}: that is dC/dw_1 (z_1 = w_1 x + b_1). b_1 enters "
            f"z_1 with the factor 1, so dC/db_1 has no x",
            x * right,
        ),
        (
            "half the right value: C = (a_L - y)^2 / 2, so dC/da_L = a_L - y (the 1/2 cancels "
            "the 2 from the square)",
            right / 2,
        ),
    ]


def chain_gradient(fn):
    r"""``fn(ws, bs, x, y)``: :math:`\partial C/\partial b_1` for the chain
    :math:`a_j = \sigma(w_j a_{j-1} + b_j)`, :math:`a_0 = x`, :math:`C = \frac12(a_L - y)^2`."""
    name = "chain_gradient"
    for ws, bs, x, y in CHAINS:
        L = len(ws)
        inputs = f"a chain of {L} neurons, ws={ws}, bs={bs}, x={x}, y={y}"
        expected = chain_numerical(ws, bs, x, y)
        raw = call(
            fn,
            name,
            inputs,
            np.array(ws),
            np.array(bs),
            x,
            y,
            expect=f"{show(expected)} (central differences)",
        )
        got = as_array(raw, name, inputs, expected, what="dC/db_1")
        if got.size != 1:
            zs, a = _chain_forward(ws, bs, x)
            first = got.reshape(-1)[0] if got.size else np.nan
            fail(
                name,
                inputs,
                expected,
                got,
                f"returned {got.size} numbers: return one, dC/db_1"
                + (" (your first number is it)" if close(first, expected) else ""),
            )
        diagnose(
            got.reshape(()),
            expected,
            _chain_mistakes(ws, bs, x, y),
            name,
            inputs,
            what="dC/db_1",
            raw=raw,
        )
    passed(
        name,
        f"dC/db_1 matches central finite differences on chains of "
        f"{' and '.join(str(len(c[0])) for c in CHAINS)} neurons",
    )


# -- largest_window ------------------------------------------------------------------------------
WINDOW_WS = [0.5, 3.0, -2.0, 4.0, 5.0, 6.9, -10.0, 40.0]  # |w| < 4 has no window; one at exactly 4


def _window(w):
    """NNDL ch5's bound: (2/|w|) ln(|w|(1 + sqrt(1 - 4/|w|))/2 - 1), 0 when |w| < 4."""
    w = abs(float(w))
    if w < 4:
        return 0.0
    return 2.0 / w * np.log(w * (1.0 + np.sqrt(1.0 - 4.0 / w)) / 2.0 - 1.0)


def _window_formula(w, *, log=np.log, scale=None, factor=2.0):
    """The formula applied with a mistake (NaN where its square root is of a negative)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        a = abs(w)
        root = np.sqrt(1.0 - 4.0 / a) if a >= 4 else np.nan
        value = log(a * (1.0 + root) / 2.0 - 1.0) if a >= 4 else np.nan
        return factor * value * (1.0 / a if scale is None else scale(w))


def _window_mistakes(ws):
    big = [w for w in ws if abs(w) >= 4]
    return [
        (
            "the width of the interval of z = w a + b, not of a: divide by |w| (z changes |w| "
            "times as fast as a)",
            np.array([_window_formula(w, scale=lambda w: 1.0) for w in big]),
        ),
        (
            "half the width: the interval runs from z- = -z+ to z+, so its width is twice the "
            "distance from the centre",
            np.array([_window(w) / 2 for w in big]),
        ),
        (
            "a negative width for negative w: the window depends on |w| (use abs(w))",
            np.array([_window(w) * (1 if w > 0 else -1) for w in big]),
        ),
        (
            f"0.0 for w = {min(big)}: the window depends on |w| only (a negative weight mirrors "
            f"the interval), so test abs(w) < 4, not w < 4",
            np.array([_window(w) if w > 0 else 0.0 for w in big]),
        ),
        (
            "NNDL's bound without its '- 1': (2/|w|) ln(|w|(1 + sqrt(1 - 4/|w|))/2 - 1). From "
            "the roots, ln(sigma+ / (1 - sigma+)) is that logarithm, the - 1 included",
            np.array(
                [2 / abs(w) * np.log(abs(w) * (1 + np.sqrt(1 - 4 / abs(w))) / 2) for w in big]
            ),
        ),
        (
            "log10 where the natural logarithm belongs (np.log)",
            np.array([_window_formula(w, log=np.log10) for w in big]),
        ),
        (
            "the width of the interval of sigma's values, sqrt(1 - 4/|w|), not of the inputs a: "
            "turn the two solutions for sigma into z = ln(sigma / (1 - sigma)), then into a",
            np.array([np.sqrt(1 - 4 / abs(w)) for w in big]),
        ),
    ]


def largest_window(fn):
    r"""``fn(w)``: the width of the widest interval of inputs ``a`` with
    :math:`\lvert w\sigma'(wa+b)\rvert \ge 1`, or 0.0 when there is none (:math:`|w| < 4`)."""
    name = "largest_window"
    got = []
    for w in WINDOW_WS:
        inputs = f"w = {w}"
        expected = _window(w)
        raw = call(fn, name, inputs, w, expect=show(expected))
        if raw is None and abs(w) < 4:
            fail(
                name,
                inputs,
                0.0,
                describe(raw),
                f"returned None for |w| = {abs(w):g} < 4: return 0.0, the width of an empty "
                f"interval (None is also what a missing `return` gives)",
            )
        value = as_array(raw, name, inputs, expected, what="the width")
        if value.size == 2 and abs(w) >= 4 and close(abs(value[1] - value[0]), expected):
            fail(
                name,
                inputs,
                expected,
                value,
                "returned the interval's two ends: return its width, the difference between them",
            )
        if value.size != 1:
            fail(name, inputs, expected, value, f"returned {value.size} numbers: return one width")
        value = float(value.reshape(-1)[0])
        if abs(w) < 4 and value != 0.0:
            fail(
                name,
                inputs,
                0.0,
                value,
                f"returned a width for |w| = {abs(w):g} < 4, where there is no window: sigma' is "
                f"at most 1/4, so |w sigma'(wa + b)| <= |w|/4 < 1 for every a; return 0.0 "
                f"(a formula's square root of 1 - 4/|w| < 0 gives NaN there)",
            )
        got.append(value)
    big = [w for w in WINDOW_WS if abs(w) >= 4]
    mine = np.array([g for g, w in zip(got, WINDOW_WS) if abs(w) >= 4])
    diagnose(
        mine,
        np.array([_window(w) for w in big]),
        _window_mistakes(WINDOW_WS),
        name,
        f"w = {big} (the widths for |w| >= 4)",
        what="the widths",
    )
    passed(
        name,
        f"right for w = {WINDOW_WS}, including 0.0 where |w| < 4 and at exactly |w| = 4",
    )
