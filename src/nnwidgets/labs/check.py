r"""Checks for the Section 1 lab exercises: ``check.sigmoid(sigmoid)`` and so on.

Each check runs your function on a small fixed input, compares with the right answer and,
when they differ, says what went wrong: a shape that a transpose would fix, a sign error, a
gradient off by the mini-batch size, ``a`` and ``z`` swapped, the derivative of the wrong
function, biases left out, a sum over the wrong axis. It prints one line when all is well and
raises :class:`CheckFailed` otherwise. An unfinished exercise's ``NotImplementedError`` passes
through unchanged.

The test network has sizes [3, 5, 2] (:func:`example_network`): no two layers the same width,
so a transposed matrix cannot go unnoticed.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from . import reference as ref
from ._report import CheckFailed, as_array, call, close, diagnose, fail, passed, shape_problem, show

__all__ = ["CheckFailed", "example_network", "perceptron", "nand", "sigmoid", "feedforward",
           "quadratic_cost", "update_mini_batch", "sigmoid_prime", "backprop", "network",
           "feedforward_batch"]

SIZES = [3, 5, 2]
X = np.array([[0.5], [-1.0], [2.0]])
Y = np.array([[1.0], [0.0]])
Z = np.array([[-3.0, -0.5], [0.0, 2.0], [1.0, 4.0]])  # 3x2: a transposed answer shows
NET_TEXT = "the [3, 5, 2] network of nnwidgets.labs.check.example_network()"


def example_network():
    """``(weights, biases)`` of the checks' [3, 5, 2] network, in the book's shapes."""
    rng = np.random.default_rng(2024)
    weights = [rng.normal(0.0, 1.0, (n_out, n_in)) for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]
    biases = [rng.normal(0.0, 1.0, (n_out, 1)) for n_out in SIZES[1:]]
    return weights, biases


def _copies(weights, biases):
    return [w.copy() for w in weights], [b.copy() for b in biases]


def _flat(column):
    return show(np.asarray(column).ravel())


# -- lab 1 ---------------------------------------------------------------------------------------
_PERCEPTRON_CASES = [  # (x, w, b); the third has w.x + b exactly 0, where the output is 0
    ([1.0, 0.0], [-2.0, -2.0], 3.0),
    ([1.0, 1.0], [-2.0, -2.0], 3.0),
    ([0.5, 0.5], [1.0, 1.0], -1.0),
    ([2.0, 1.0, 0.0], [1.0, -1.0, 4.0], 0.5),
    ([0.0, 3.0], [1.0, 1.0], -0.5),
]


def perceptron(fn):
    r"""``fn(x, w, b)`` is 1 when :math:`w \cdot x + b > 0` and 0 otherwise."""
    name = "perceptron"
    cases = [(np.array(x), np.array(w), b) for x, w, b in _PERCEPTRON_CASES]
    inputs = "; ".join(f"x={list(x)}, w={list(w)}, b={b}" for x, w, b in _PERCEPTRON_CASES)
    got = []
    for x, w, b in cases:
        out = call(fn, name, f"x={list(x)}, w={list(w)}, b={b}", x.copy(), w.copy(), b)
        got.append(float(as_array(out, name).reshape(-1)[0]) if np.size(out) == 1 else np.nan)
    got = np.array(got)
    sums = np.array([w @ x + b for x, w, b in cases])
    expected = (sums > 0).astype(float)
    diagnose(got, expected, [
        ("returned the weighted sum w.x + b itself; a perceptron outputs 1 if it is > 0, else 0", sums),
        ("outputs 1 when w.x + b is exactly 0; the book's rule is 1 only if w.x + b > 0 (third input)",
         (sums >= 0).astype(float)),
        ("outputs are inverted (1 where 0 belongs): the rule is 1 if w.x + b > 0", (sums <= 0).astype(float)),
        ("the bias has the wrong sign: the rule uses w.x + b, not w.x - b",
         np.array([float(w @ x - b > 0) for x, w, b in cases])),
    ], name, inputs, what="the outputs (one per input)")
    passed(name, f"right on {len(cases)} inputs, including w.x + b = 0 exactly")


_GATES = {(1, 1, 1, 0): "NAND", (0, 0, 0, 1): "AND", (0, 1, 1, 1): "OR", (1, 0, 0, 0): "NOR",
          (0, 0, 0, 0): "always 0", (1, 1, 1, 1): "always 1"}


def nand(w, b):
    """The weights ``w`` (two numbers) and bias ``b`` make a perceptron compute NAND."""
    name = "nand"
    w = as_array(w, "w").reshape(-1)
    if w.shape != (2,):
        fail(name, f"w={show(w)}, b={b}", None, None, f"w must hold two weights, one per input; got shape {w.shape}")
    b = float(np.asarray(b, dtype=float).reshape(-1)[0])
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    table = tuple(int(w @ np.array(x) + b > 0) for x in inputs)
    if table == (1, 1, 1, 0):
        passed(name, f"w={w.tolist()}, b={b:g} gives 1, 1, 1, 0 on inputs 00, 01, 10, 11")
        return
    gate = _GATES.get(table, "no named gate")
    advice = {"AND": "exactly the opposite: negate the weights and the bias",
              "always 1": "the bias is too large for both inputs on to switch it off"}.get(
        gate, "NAND is 0 only when both inputs are 1, so each weight must be negative and the bias "
              "larger than either weight's size but smaller than their sum")
    fail(name, f"w={w.tolist()}, b={b:g}, on inputs 00, 01, 10, 11", [1, 1, 1, 0], list(table),
         f"this perceptron computes {gate}: {advice}")


# -- lab 2 ---------------------------------------------------------------------------------------
def sigmoid(fn):
    r"""``fn(z)`` is :math:`1 / (1 + e^{-z})` element-wise, for arrays of any shape."""
    name = "sigmoid"
    inputs = f"z = {show(Z)}"
    got = as_array(call(fn, name, inputs, Z.copy()), name)
    e = np.exp(-Z)
    diagnose(got, ref.sigmoid(Z), [
        ("sign error in the exponent: that is 1/(1 + e^z) = sigma(-z); sigma(z) = 1/(1 + e^(-z))", ref.sigmoid(-Z)),
        ("the 1 is missing: 1/e^(-z) is e^z; sigma(z) = 1/(1 + e^(-z))", np.exp(Z)),
        ("the reciprocal is missing: sigma(z) = 1/(1 + e^(-z)), not 1 + e^(-z)", 1 + e),
        ("that is tanh(z), which runs from -1 to 1; sigma runs from 0 to 1", np.tanh(Z)),
        ("returned z unchanged: apply the function", Z),
        ("that is sigma's derivative sigma(z)(1 - sigma(z)), not sigma itself", ref.sigmoid_prime(Z)),
        ("sign error: 1/(1 - e^(-z)) should be 1/(1 + e^(-z))",
         np.divide(1.0, 1 - e, out=np.full_like(e, np.inf), where=e != 1)),
    ], name, inputs)
    passed(name, "right on a 3x2 array, element-wise")


def feedforward(fn):
    r"""``fn(a, weights, biases)`` feeds a column ``a`` (n_in, 1) through every layer:
    :math:`a \leftarrow \sigma(w a + b)`; returns the output column (n_out, 1)."""
    name = "feedforward"
    weights, biases = example_network()
    inputs = f"a = {_flat(X)} as a (3, 1) column, {NET_TEXT}"
    W, B = _copies(weights, biases)
    got = as_array(call(fn, name, inputs, X.copy(), W, B), name)
    diagnose(got, ref.feedforward(X, weights, biases),
             _feedforward_mistakes(X, weights, biases), name, inputs, what="the output")
    passed(name, f"right output {_flat(got)} for a [3, 5, 2] network")


def _feedforward_mistakes(x, weights, biases):
    s = ref.sigmoid

    def layers(step, last=None):
        a = x
        for l, (w, b) in enumerate(zip(weights, biases)):
            a = (last if last and l == len(weights) - 1 else step)(w, a, b)
        return a

    return [
        ("returned the last layer's weighted input z = w a + b, not its activation a = sigma(z) "
         "(a and z swapped): apply sigmoid on the last layer too",
         layers(lambda w, a, b: s(w @ a + b), last=lambda w, a, b: w @ a + b)),
        ("no sigmoid anywhere: every layer is a = sigma(w a + b)", layers(lambda w, a, b: w @ a + b)),
        ("sigmoid applied only once, at the end: every layer is a = sigma(w a + b)",
         s(layers(lambda w, a, b: w @ a + b))),
        ("the biases are missing: a = sigma(w a + b)", layers(lambda w, a, b: s(w @ a))),
        ("the bias is added after the sigmoid: it belongs inside, a = sigma(w a + b)",
         layers(lambda w, a, b: s(w @ a) + b)),
        ("returned after the first layer: the `return` belongs after the loop",
         s(weights[0] @ x + biases[0])),
    ]


# -- lab 3 ---------------------------------------------------------------------------------------
A_OUT = np.array([[0.9, 0.2, 0.1], [0.3, 0.6, 0.2], [0.0, 0.1, 0.8], [0.5, 0.5, 0.5]])
Y_OUT = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


def quadratic_cost(fn):
    r"""``fn(A, Y)`` is :math:`\frac{1}{2n}\sum_x \lVert y(x) - a(x)\rVert^2`, one example per row."""
    name = "quadratic_cost"
    inputs = f"A = {show(A_OUT)}, Y = {show(Y_OUT)} (4 examples as rows, 3 outputs)"
    got = call(fn, name, inputs, A_OUT.copy(), Y_OUT.copy())
    got = as_array(got, name)
    sq = (A_OUT - Y_OUT) ** 2
    n, k = A_OUT.shape
    expected = ref.quadratic_cost(A_OUT, Y_OUT)
    if got.size != 1:
        per_example = 0.5 * sq.sum(axis=1)
        which = ("one cost per example: average them over the examples (axis 0)"
                 if close(got, per_example) or close(got, 2 * per_example) else
                 "one number per output: sum over the outputs (axis 1), then average over the examples")
        fail(name, inputs, expected, got, f"returned {got.size} numbers, not one: {which}")
    got = float(got.reshape(-1)[0])
    diagnose(got, expected, [
        (f"averaged over the outputs too (divided by n*{k} = {n * k}): sum the squares over each "
         f"example's outputs (axis 1) and average over the {n} examples (axis 0) only", sq.mean() / 2),
        (f"averaged over the {k} outputs instead of the {n} examples: the mean runs over axis 0 "
         "(the examples), the sum over axis 1", sq.sum(axis=0).mean() / 2),
        (f"summed over the examples instead of averaging: {n} times too large; divide by n", sq.sum() / 2),
        ("the factor 1/2 is missing: C = 1/(2n) sum ||y - a||^2", sq.sum(axis=1).mean()),
        ("took the norm ||y - a|| without squaring it", 0.5 * np.sqrt(sq.sum(axis=1)).mean()),
        ("the difference is not squared: use (y - a)**2", 0.5 * (A_OUT - Y_OUT).sum(axis=1).mean()),
    ], name, inputs, what="the cost")
    passed(name, f"C = {got:.6g} for 4 examples of 3 outputs")


def _mini_batch():
    rng = np.random.default_rng(3)
    return [(rng.uniform(-1, 1, (3, 1)), np.eye(2)[:, [k % 2]]) for k in range(3)]


def _update_variant(weights, biases, batch, eta, *, scale=None, use=None, sign=-1, update_b=True,
                    update_w=True):
    """What ``update_mini_batch`` gives with one typical mistake (the defaults are right)."""
    grads = [ref.backprop(x, y, weights, biases) for x, y in batch]
    if use is not None:
        grads = [grads[use]]
    m = len(batch)
    scale = eta / m if scale is None else scale
    gb = [sum(g[0][l] for g in grads) for l in range(len(biases))]
    gw = [sum(g[1][l] for g in grads) for l in range(len(weights))]
    new_w = [w + sign * scale * g if update_w else w.copy() for w, g in zip(weights, gw)]
    new_b = [b + sign * scale * g if update_b else b.copy() for b, g in zip(biases, gb)]
    return new_w, new_b


def update_mini_batch(fn):
    r"""``fn(weights, biases, mini_batch, eta, backprop)`` takes one gradient-descent step,
    :math:`w \to w - \frac{\eta}{m}\sum_x \nabla_w C_x` (and the same for b), and returns the new
    ``(weights, biases)`` (or updates the lists in place and returns None, as the book's method
    does). ``backprop(x, y, weights, biases)`` gives one example's ``(nabla_b, nabla_w)``."""
    name = "update_mini_batch"
    weights, biases = example_network()
    batch = _mini_batch()
    eta, m = 0.5, len(batch)
    inputs = f"{NET_TEXT}, a mini-batch of m = {m} examples, eta = {eta}"
    W, B = _copies(weights, biases)
    out = call(fn, name, inputs, W, B, [(x.copy(), y.copy()) for x, y in batch], eta, ref.backprop)
    if out is None:
        new_w, new_b = W, B  # updated in place, as the book's method does
    else:
        try:
            new_w, new_b = out
        except (TypeError, ValueError):
            fail(name, inputs, None, None, f"should return (weights, biases); got {type(out).__name__}")
    if ([np.shape(w) for w in new_w] == [b.shape for b in biases]
            and [np.shape(b) for b in new_b] == [w.shape for w in weights]):
        fail(name, inputs, None, None, "returned (biases, weights): the order is (weights, biases)")
    _check_layers(name, inputs, new_w, weights, "weights")
    _check_layers(name, inputs, new_b, biases, "biases")
    got = _concat(new_w, new_b)
    mistakes = [
        ("sign error: the step went uphill; subtract eta/m times the gradient", dict(sign=+1)),
        (f"the step is m = {m} times too large (the gradient is off by the mini-batch size): "
         f"divide the summed gradient by len(mini_batch)", dict(scale=eta)),
        (f"the step is m = {m} times too small: divide the sum by m once, not twice", dict(scale=eta / m ** 2)),
        ("eta is missing from the step: w - (eta/m) * nabla_w", dict(scale=1.0 / m)),
        ("only the last example's gradient was used: add every example's nabla_b and nabla_w "
         "into running sums (the sum is overwritten instead of accumulated)", dict(use=-1)),
        ("only the first example's gradient was used: add up the gradients of every example "
         "in the mini-batch", dict(use=0)),
        ("the biases were not updated: b - (eta/m) * nabla_b too", dict(update_b=False)),
        ("the weights were not updated, only the biases", dict(update_w=False)),
        ("nothing changed: the new weights and biases must be returned (or the lists updated "
         "in place)", dict(update_b=False, update_w=False)),
    ]
    exp_w, exp_b = ref.update_mini_batch(weights, biases, batch, eta)
    labels = [f"weights[{l}]" for l in range(len(weights))] + [f"biases[{l}]" for l in range(len(biases))]
    _diagnose_layers(name, inputs, [*new_w, *new_b], [*exp_w, *exp_b], labels,
                     [(d, _concat(*_update_variant(weights, biases, batch, eta, **kw))) for d, kw in mistakes])
    passed(name, f"one step of size eta/m = {eta}/{m} on weights and biases")


def _diagnose_layers(name, inputs, got, expected, labels, mistakes, generic=None):
    """Like ``diagnose`` for lists of arrays; the message shows the first array that differs."""
    flat_got = np.concatenate([np.ravel(g) for g in got])
    if close(flat_got, np.concatenate([np.ravel(e) for e in expected])):
        return
    first = next(l for l, (g, e) in enumerate(zip(got, expected)) if not close(g, e))
    where = f"{inputs}\n  first difference in {labels[first]}:"
    for diagnosis, wrong in mistakes:
        if close(flat_got, wrong):
            fail(name, where, expected[first], got[first], diagnosis)
    fail(name, where, expected[first], got[first],
         generic or "the values differ (not a mistake these checks recognise)")


def _concat(weights, biases):
    return np.concatenate([np.ravel(p) for p in [*weights, *biases]])


def _check_layers(name, inputs, got, like, what):
    """``got`` is a list shaped like ``like``, or a CheckFailed naming the layer and the fix."""
    try:
        got = list(got)
    except TypeError:
        fail(name, inputs, None, None, f"{what} should be a list of arrays, one per layer; "
                                       f"got {type(got).__name__}")
    if len(got) != len(like):
        fail(name, inputs, None, None, f"{what} should have {len(like)} arrays, one per layer; got {len(got)}")
    for l, (g, e) in enumerate(zip(got, like)):
        g = as_array(g, f"{what}[{l}]")
        problem = shape_problem(g, np.asarray(e), f"{what}[{l}]", values=False)
        if problem:
            fail(name, inputs, None, None, problem)


# -- lab 4 ---------------------------------------------------------------------------------------
def sigmoid_prime(fn):
    r"""``fn(z)`` is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, element-wise."""
    name = "sigmoid_prime"
    inputs = f"z = {show(Z)}"
    got = as_array(call(fn, name, inputs, Z.copy()), name)
    s = ref.sigmoid(Z)
    diagnose(got, ref.sigmoid_prime(Z), [
        ("computed z(1 - z): the formula a(1 - a) takes the activation a = sigma(z), not z "
         "(a and z swapped); use sigmoid(z) * (1 - sigmoid(z))", Z * (1 - Z)),
        ("returned sigma(z) itself, not its derivative", s),
        ("sign error: sigma(z)(1 + sigma(z)) should be sigma(z)(1 - sigma(z))", s * (1 + s)),
        ("sign error: the derivative of sigma is positive everywhere; sigma(z)(1 - sigma(z))", -s * (1 - s)),
        ("that is the derivative of tanh, 1 - tanh(z)^2: the wrong function's derivative",
         1 - np.tanh(Z) ** 2),
        ("that is 1 - sigma(z)^2, the tanh formula with sigma put in: sigma' = sigma(z)(1 - sigma(z))", 1 - s ** 2),
        ("sigma applied twice: sigma'(z) = s(1 - s) with s = sigma(z), computed once",
         ref.sigmoid(s) * (1 - ref.sigmoid(s))),
    ], name, inputs)
    passed(name, "right on a 3x2 array, element-wise")


def numerical_gradient(x, y, weights, biases, eps=1e-6):
    r"""``(nabla_b, nabla_w)`` by central differences of :math:`C = \tfrac12\lVert a^L - y\rVert^2`,
    independent of backpropagation: what :func:`backprop` is checked against."""

    def cost():
        return 0.5 * float(((ref.feedforward(x, weights, biases) - y) ** 2).sum())

    grads = []
    for params in (biases, weights):
        layer_grads = []
        for p in params:
            g = np.zeros_like(p, dtype=float)
            for i in np.ndindex(p.shape):
                saved = p[i]
                p[i] = saved + eps
                plus = cost()
                p[i] = saved - eps
                minus = cost()
                p[i] = saved
                g[i] = (plus - minus) / (2 * eps)
            layer_grads.append(g)
        grads.append(layer_grads)
    return grads[0], grads[1]


def _backprop_variant(x, y, weights, biases, *, sign=1, output_prime=True, hidden_prime=True,
                      prime_of="z", prime=ref.sigmoid_prime, bp4_input="a", zero_b=False):
    """What ``backprop`` gives with one typical mistake (the defaults are right)."""
    activations, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ activations[-1] + b)
        activations.append(ref.sigmoid(zs[-1]))

    def sp(l):  # sigma' for layer -l, at z (right) or at a (a and z swapped)
        return prime(zs[-l] if prime_of == "z" else activations[-l])

    L = len(weights)
    nabla_b, nabla_w = [None] * L, [None] * L
    delta = sign * (activations[-1] - y) * (sp(1) if output_prime else 1.0)
    for l in range(1, L + 1):
        if l > 1:
            delta = (weights[-l + 1].T @ delta) * (sp(l) if hidden_prime else 1.0)
        before = activations[-l - 1] if bp4_input == "a" or l == L else zs[-l - 1]
        nabla_b[-l] = np.zeros_like(delta) if zero_b else delta
        nabla_w[-l] = delta @ before.T
    return nabla_b, nabla_w


_BACKPROP_MISTAKES = [
    ("sign error: the output error is delta^L = (a^L - y) * sigma'(z^L); (y - a^L) makes every "
     "gradient point uphill", dict(sign=-1)),
    ("BP1 is missing the factor sigma'(z^L): for the quadratic cost delta^L = (a^L - y) * sigma'(z^L)",
     dict(output_prime=False)),
    ("BP2 is missing the factor sigma'(z^l): delta^l = (w^(l+1).T @ delta^(l+1)) * sigma'(z^l)",
     dict(hidden_prime=False)),
    ("sigma' was evaluated at the activations a instead of the weighted inputs z (a and z "
     "swapped): use sigmoid_prime(zs[-l])", dict(prime_of="a")),
    ("used sigma(z) where its derivative sigma'(z) belongs (the derivative of the wrong function)",
     dict(prime=ref.sigmoid)),
    ("used the derivative of tanh, not of sigma (the derivative of the wrong function)",
     dict(prime=lambda z: 1 - np.tanh(z) ** 2)),
    ("computed sigma'(z) as z(1 - z): that formula takes the activation a = sigma(z), not z "
     "(a and z swapped)", dict(prime=lambda z: z * (1 - z))),
    ("BP4 multiplies delta by the previous layer's weighted input z instead of its activation a "
     "(a and z swapped): nabla_w = delta @ activations[-l-1].T", dict(bp4_input="z")),
    ("the biases' gradients are zero: nabla_b[-l] = delta (BP3)", dict(zero_b=True)),
]


def backprop(fn):
    r"""``fn(x, y, weights, biases)`` returns ``(nabla_b, nabla_w)`` for one example and the
    quadratic cost :math:`\tfrac12\lVert a^L - y\rVert^2`, shaped like ``biases`` and ``weights``;
    compared with finite differences."""
    name = "backprop"
    weights, biases = example_network()
    inputs = f"x = {_flat(X)}, y = {_flat(Y)} (columns), {NET_TEXT}"
    W, B = _copies(weights, biases)
    out = call(fn, name, inputs, X.copy(), Y.copy(), W, B)
    _check_gradients(name, inputs, out, weights, biases, *numerical_gradient(X, Y, *_copies(weights, biases)),
                     [(d, _backprop_variant(X, Y, weights, biases, **kw)) for d, kw in _BACKPROP_MISTAKES])
    passed(name, "matches finite differences on every weight and bias of a [3, 5, 2] network")


def _check_gradients(name, inputs, out, weights, biases, exp_b, exp_w, mistakes):
    try:
        nabla_b, nabla_w = out
    except (TypeError, ValueError):
        fail(name, inputs, None, None, f"should return the pair (nabla_b, nabla_w); got {show(out)}")
    if (len(nabla_b) == len(weights) and all(np.shape(g) == w.shape for g, w in zip(nabla_b, weights))):
        fail(name, inputs, None, None, "returned (nabla_w, nabla_b): the book's order is (nabla_b, nabla_w)")
    _check_layers(name, inputs, nabla_b, biases, "nabla_b")
    _check_layers(name, inputs, nabla_w, weights, "nabla_w")
    if close(_concat(nabla_w, nabla_b), _concat(exp_w, exp_b)):
        return
    wrong = [f"nabla_{kind}[{l}]" for l in range(len(weights))
             for kind, g, e in (("w", nabla_w, exp_w), ("b", nabla_b, exp_b))
             if not close(g[l], e[l])]
    last = len(weights) - 1
    where = ("the output layer is wrong: look at BP1 (delta^L) and BP3/BP4 for the last layer"
             if any(w.endswith(f"[{last}]") for w in wrong) else
             "the output layer is right and an earlier one is not: look at BP2 (delta moving back "
             "through weights[-l+1].T) and at which activations BP4 uses")
    L = len(weights)
    labels = [f"nabla_w[{l}]" for l in range(L)] + [f"nabla_b[{l}]" for l in range(L)]
    _diagnose_layers(name, inputs, [*nabla_w, *nabla_b], [*exp_w, *exp_b], labels,
                     [(d, _concat(mw, mb)) for d, (mb, mw) in mistakes],
                     generic=f"{', '.join(wrong)} differ from finite differences; {where}")


# -- lab 5 ---------------------------------------------------------------------------------------
def network(cls):
    """``cls(sizes)`` is the book's ``Network`` class, assembled from your lab 2-4 code: shapes,
    ``feedforward``, ``backprop``, ``update_mini_batch``, ``evaluate`` and ``SGD``."""
    name = "network"
    net = call(cls, name, f"{cls.__name__}([3, 5, 2])", list(SIZES))
    for attr in ("sizes", "weights", "biases", "feedforward", "backprop", "update_mini_batch", "SGD"):
        if not hasattr(net, attr):
            fail(name, f"{cls.__name__}([3, 5, 2])", None, None, f"the network has no `{attr}`")
    weights, biases = example_network()
    _check_layers(name, f"{cls.__name__}([3, 5, 2]).weights", net.weights, weights, "weights")
    _check_layers(name, f"{cls.__name__}([3, 5, 2]).biases", net.biases, biases, "biases")

    def with_params(W, B):
        net.weights, net.biases = [np.array(w, dtype=float) for w in W], [np.array(b, dtype=float) for b in B]
        return net

    feedforward(lambda a, W, B: with_params(W, B).feedforward(a))
    backprop(lambda x, y, W, B: with_params(W, B).backprop(x, y))

    def update(W, B, batch, eta, _backprop):
        out = with_params(W, B).update_mini_batch(batch, eta)
        return out if out is not None else (net.weights, net.biases)

    update_mini_batch(update)
    if hasattr(net, "evaluate"):
        with_params(*example_network())
        test = [(x, int(np.argmax(ref.feedforward(x, weights, biases)))) for x, _ in _mini_batch()]
        test[0] = (test[0][0], 1 - test[0][1])  # one wrong label: the count must be 2, not 3
        count = call(net.evaluate, name, "3 test pairs (x, label), 2 of them right", test)
        if count != 2:
            fail(name, "evaluate on 3 (x, label) pairs of which the network gets 2 right", 2, count,
                 "evaluate should count the examples whose most active output is the label")
    with_params(*example_network())
    before = _concat(net.weights, net.biases)
    data = [(x, y) for x, y in _mini_batch()] * 2
    with contextlib.redirect_stdout(io.StringIO()):  # the reader's "Epoch 0 complete" is noise here
        call(net.SGD, name, "SGD(6 examples, epochs=1, mini_batch_size=2, eta=1.0)", data, 1, 2, 1.0)
    after = _concat(net.weights, net.biases)
    if close(after, before) or not np.isfinite(after).all():
        fail(name, "SGD(6 examples, epochs=1, mini_batch_size=2, eta=1.0)", None, None,
             "SGD left the parameters unchanged (or not finite): it should call update_mini_batch "
             "on each mini-batch and keep the result")
    passed(name, "shapes, feedforward, backprop, update_mini_batch and SGD all right")


# -- lab 6 ---------------------------------------------------------------------------------------
X_ROWS = np.array([[0.5, -1.0, 2.0], [0.0, 1.0, -1.0], [1.5, 0.5, 0.0], [-2.0, 0.0, 1.0]])


def feedforward_batch(fn):
    r"""``fn(X, weights, biases)`` feeds every row of X (n, n_in) at once, biases of shape
    (n_out,): :math:`A \leftarrow \sigma(A w^T + b)`; returns (n, n_out)."""
    name = "feedforward_batch"
    weights, biases = example_network()
    flat_b = [b.reshape(-1) for b in biases]
    inputs = f"X = {show(X_ROWS)} (4 examples as rows), {NET_TEXT} with biases as (n_out,) vectors"
    got = as_array(call(fn, name, inputs, X_ROWS.copy(), [w.copy() for w in weights],
                        [b.copy() for b in flat_b]), name)
    s = ref.sigmoid

    def rows(step):
        A = X_ROWS
        for w, b in zip(weights, flat_b):
            A = step(A, w, b)
        return A

    diagnose(got, ref.feedforward_batch(X_ROWS, weights, flat_b), [
        ("the biases are missing: A = sigma(A @ w.T + b)", rows(lambda A, w, b: s(A @ w.T))),
        ("the bias is added after the sigmoid: A = sigma(A @ w.T + b)", rows(lambda A, w, b: s(A @ w.T) + b)),
        ("returned the last layer's z, not its activation (a and z swapped)",
         s(X_ROWS @ weights[0].T + flat_b[0]) @ weights[1].T + flat_b[1]),
        ("only the first example (row) was fed forward, the loop runs over the wrong axis or "
         "stops early: every row is an example", ref.feedforward_batch(X_ROWS[:1], weights, flat_b)),
    ], name, inputs, what="the output")
    passed(name, "right on 4 examples at once")
