r"""Checks for the Section 1 lab exercises: ``check.sigmoid(sigmoid)`` and so on.

Each check runs your function on a small fixed input, compares with the right answer and,
when they differ, says what went wrong: a shape that a transpose would fix, a sign error, a
gradient off by the mini-batch size, ``a`` and ``z`` swapped, the derivative of the wrong
function, biases left out, a sum over the wrong axis. It prints one line when all is well and
raises :class:`CheckFailed` otherwise, whatever your function returned or raised. An
unfinished exercise's ``NotImplementedError`` passes through unchanged.

The test network has sizes [3, 5, 6, 2] (:func:`example_network`): two hidden layers, so code
that only works for one (a loop stopped a layer early, a layer hard-coded) shows, and no
matrix with as many rows as columns, so a transposed one cannot go unnoticed.
"""

from __future__ import annotations

import contextlib
import inspect
import io

import numpy as np

from . import reference as ref
from ._report import (
    CheckFailed,
    Text,
    as_array,
    call,
    close,
    describe,
    diagnose,
    fail,
    generic_problem,
    numbers,
    passed,
    shape_problem,
    show,
)

__all__ = [
    "CheckFailed",
    "example_network",
    "perceptron",
    "nand",
    "sigmoid",
    "feedforward",
    "quadratic_cost",
    "update_mini_batch",
    "sigmoid_prime",
    "backprop",
    "network",
    "feedforward_batch",
    "numerical_gradient",
]

SIZES = [3, 5, 6, 2]
X = np.array([[0.5], [-1.0], [2.0]])
Y = np.array([[1.0], [0.0]])
Z = np.array([[-3.0, -0.5], [0.0, 2.0], [1.0, 4.0]])  # 3x2: a transposed answer shows
NET_TEXT = "the [3, 5, 6, 2] network of nnwidgets.labs.check.example_network()"


def example_network():
    """``(weights, biases)`` of the checks' [3, 5, 6, 2] network, in the book's shapes."""
    rng = np.random.default_rng(2024)
    weights = [rng.normal(0.0, 1.0, (n_out, n_in)) for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]
    biases = [rng.normal(0.0, 1.0, (n_out, 1)) for n_out in SIZES[1:]]
    return weights, biases


def _copies(weights, biases):
    return [w.copy() for w in weights], [b.copy() for b in biases]


def _layer_outputs(x, weights, biases):
    """Every layer's activation for input ``x``, output last (the input not included)."""
    outputs, a = [], x
    for w, b in zip(weights, biases):
        a = ref.sigmoid(w @ a + b)
        outputs.append(a)
    return outputs


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
    sums = np.array([w @ x + b for x, w, b in cases])
    expected = (sums > 0).astype(float)
    got = []
    for k, (x, w, b) in enumerate(cases):
        case = f"x={list(x)}, w={list(w)}, b={b}"
        out = call(fn, name, case, x.copy(), w.copy(), b, expect="1 or 0")
        value = as_array(out, name, case, Text("one number, 1 or 0"))
        if value.size != 1:
            fail(
                name,
                case,
                expected[k],
                out,
                f"returned {value.size} numbers for one input: a "
                f"perceptron outputs one number, 1 or 0",
            )
        got.append(float(value.reshape(-1)[0]))
    got = np.array(got)
    diagnose(
        got,
        expected,
        [
            (
                "returned the weighted sum w.x + b itself; "
                "a perceptron outputs 1 if it is > 0, else 0",
                sums,
            ),
            (
                "outputs 1 when w.x + b is exactly 0; the book's rule is 1 only if w.x + b > 0 "
                "(third "
                "input)",
                (sums >= 0).astype(float),
            ),
            (
                "outputs are inverted (1 where 0 belongs): the rule is 1 if w.x + b > 0",
                (sums <= 0).astype(float),
            ),
            (
                "the bias has the wrong sign: the rule uses w.x + b, not w.x - b",
                np.array([float(w @ x - b > 0) for x, w, b in cases]),
            ),
        ],
        name,
        inputs,
        what="the outputs (one per input)",
    )
    passed(name, f"right on {len(cases)} inputs, including w.x + b = 0 exactly")


_GATES = {
    (1, 1, 1, 0): "NAND",
    (0, 0, 0, 1): "AND",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (0, 0, 0, 0): "always 0",
    (1, 1, 1, 1): "always 1",
}


def nand(w, b):
    """The weights ``w`` (two numbers) and bias ``b`` make a perceptron compute NAND."""
    name = "nand"
    given = f"w={show(w)}, b={show(b)}"
    w_array = numbers(w)
    if w_array is None or w_array.size != 2 or not np.isfinite(w_array).all():
        fail(
            name,
            given,
            Text("two finite numbers, one weight per input, e.g. [-2, -2]"),
            describe(w),
            "w must hold two weights, one per input"
            + ("" if w_array is None or w_array.size != 2 else " (finite numbers)"),
        )
    b_array = numbers(b)
    if b_array is None or b_array.size != 1 or not np.isfinite(b_array).all():
        fail(name, given, Text("one finite number, e.g. 3"), describe(b), "b must be one number")
    w, b = w_array.reshape(-1), float(b_array.reshape(-1)[0])
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    with np.errstate(over="ignore", invalid="ignore"):  # huge weights are the reader's
        table = tuple(int(w @ np.array(x) + b > 0) for x in inputs)
    if table == (1, 1, 1, 0):
        passed(name, f"w={w.tolist()}, b={b:g} gives 1, 1, 1, 0 on inputs 00, 01, 10, 11")
        return
    gate = _GATES.get(table, "no named gate")
    advice = {
        "AND": "exactly the opposite: negate the weights and the bias",
        "always 1": "the bias is too large for both inputs on to switch it off",
    }.get(
        gate,
        "NAND is 0 only when both inputs are 1, so each weight must be negative and the "
        "bias larger than either weight's size but smaller than their sum",
    )
    fail(
        name,
        f"w={w.tolist()}, b={b:g}, on inputs 00, 01, 10, 11",
        np.array([1, 1, 1, 0]),
        np.array(table),
        f"this perceptron computes {gate}: {advice}",
    )


# -- lab 2 ---------------------------------------------------------------------------------------
def sigmoid(fn):
    r"""``fn(z)`` is :math:`1 / (1 + e^{-z})` element-wise, for arrays of any shape."""
    name = "sigmoid"
    inputs = f"z = {show(Z)}"
    expected = ref.sigmoid(Z)
    raw = call(fn, name, inputs, Z.copy(), expect=show(expected))
    got = as_array(raw, name, inputs, expected)
    e = np.exp(-Z)
    diagnose(
        got,
        expected,
        [
            (
                "sign error in the exponent: that is 1/(1 + e^z) = sigma(-z); "
                "sigma(z) = 1/(1 + e^(-z))",
                ref.sigmoid(-Z),
            ),
            ("the 1 is missing: 1/e^(-z) is e^z; sigma(z) = 1/(1 + e^(-z))", np.exp(Z)),
            ("the reciprocal is missing: sigma(z) = 1/(1 + e^(-z)), not 1 + e^(-z)", 1 + e),
            ("that is tanh(z), which runs from -1 to 1; sigma runs from 0 to 1", np.tanh(Z)),
            ("returned z unchanged: apply the function", Z),
            (
                "that is sigma's derivative sigma(z)(1 - sigma(z)), not sigma itself",
                ref.sigmoid_prime(Z),
            ),
            (
                "sign error: 1/(1 - e^(-z)) should be 1/(1 + e^(-z))",
                np.divide(1.0, 1 - e, out=np.full_like(e, np.inf), where=e != 1),
            ),
        ],
        name,
        inputs,
        raw=raw,
    )
    passed(name, "right on a 3x2 array, element-wise")


def _list_of_layers(raw, expected, name, inputs, last_is_output=True):
    """Fail with "return only the last activation" when ``raw`` is a list of every layer's."""
    if not isinstance(raw, (list, tuple)) or len(raw) < 2:
        return
    items = [numbers(a) for a in raw]
    if any(a is None for a in items) or len({a.shape for a in items}) == 1:
        return  # a list of numbers or of one shape converts to one array: judged as such
    last = "and the last one is the right output" if close(items[-1], expected) else ""
    fail(
        name,
        inputs,
        expected,
        describe(raw),
        f"returned a {type(raw).__name__} of {len(raw)} arrays (every layer's activation?) "
        f"{last}: return only the last activation, the output a^L"
        if last_is_output
        else f"returned a list of {len(raw)} arrays, not one",
    )


def feedforward(fn):
    r"""``fn(a, weights, biases)`` feeds a column ``a`` (n_in, 1) through every layer:
    :math:`a \leftarrow \sigma(w a + b)`; returns the output column (n_out, 1)."""
    name = "feedforward"
    weights, biases = example_network()
    inputs = f"a = {show(X)}, {NET_TEXT}"
    expected = ref.feedforward(X, weights, biases)
    W, B = _copies(weights, biases)
    raw = call(fn, name, inputs, X.copy(), W, B, expect=show(expected))
    _list_of_layers(raw, expected, name, inputs)
    got = as_array(raw, name, inputs, expected, what="the output")
    diagnose(
        got,
        expected,
        _feedforward_mistakes(X, weights, biases),
        name,
        inputs,
        what="the output",
        raw=raw,
    )
    passed(name, f"right output {show(got)} for a [3, 5, 6, 2] network")


def _feedforward_mistakes(x, weights, biases):
    s = ref.sigmoid
    L = len(weights)

    def layers(step, last=None):
        a = x
        for l, (w, b) in enumerate(zip(weights, biases)):
            a = (last if last and l == L - 1 else step)(w, a, b)
        return a

    outputs = _layer_outputs(x, weights, biases)
    return [
        (
            "returned the last layer's weighted input z = w a + b, not its activation a = sigma(z) "
            "(a and z swapped): apply sigmoid on the last layer too",
            layers(lambda w, a, b: s(w @ a + b), last=lambda w, a, b: w @ a + b),
        ),
        (
            "no sigmoid anywhere: every layer is a = sigma(w a + b)",
            layers(lambda w, a, b: w @ a + b),
        ),
        (
            "sigmoid applied only once, at the end: every layer is a = sigma(w a + b)",
            s(layers(lambda w, a, b: w @ a + b)),
        ),
        ("the biases are missing: a = sigma(w a + b)", layers(lambda w, a, b: s(w @ a))),
        (
            "the bias is added after the sigmoid: it belongs inside, a = sigma(w a + b)",
            layers(lambda w, a, b: s(w @ a) + b),
        ),
        ("returned after the first layer: the `return` belongs after the loop", outputs[0]),
        (
            f"stopped one layer short: that is layer {L - 1}'s activation, not the output layer's. "
            f"Loop over every layer, `for w, b in zip(weights, biases)` (not weights[:-1], and not "
            f"a fixed number of layers)",
            outputs[-2],
        ),
    ]


# -- lab 3 ---------------------------------------------------------------------------------------
A_OUT = np.array([[0.9, 0.2, 0.1], [0.3, 0.6, 0.2], [0.0, 0.1, 0.8], [0.5, 0.5, 0.5]])
Y_OUT = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


def quadratic_cost(fn):
    r"""``fn(A, Y)`` is :math:`\frac{1}{2n}\sum_x \lVert y(x) - a(x)\rVert^2`, one example per
    row."""
    name = "quadratic_cost"
    inputs = f"A = {show(A_OUT)}, Y = {show(Y_OUT)} (4 examples as rows, 3 outputs)"
    sq = (A_OUT - Y_OUT) ** 2
    n, k = A_OUT.shape
    expected = ref.quadratic_cost(A_OUT, Y_OUT)
    raw = call(fn, name, inputs, A_OUT.copy(), Y_OUT.copy(), expect=show(expected))
    got = as_array(raw, name, inputs, expected, what="the cost")
    if got.size != 1:
        per_example = 0.5 * sq.sum(axis=1)
        which = (
            "one cost per example: average them over the examples (axis 0)"
            if close(got, per_example) or close(got, 2 * per_example)
            else "one number per output: sum over the outputs (axis 1), then average over the "
            "examples"
            if got.size == k
            else "the cost is one number for all the examples"
        )
        fail(name, inputs, expected, got, f"returned {got.size} numbers, not one: {which}")
    got = got.reshape(())  # one number, whatever its shape ((), (1,), (1, 1))
    diagnose(
        got,
        expected,
        [
            (
                f"averaged over the outputs too (divided by n*{k} = {n * k}): "
                "sum the squares over each "
                f"example's outputs (axis 1) and average over the {n} examples (axis 0) only",
                sq.mean() / 2,
            ),
            (
                f"averaged over the {k} outputs instead of the {n} examples: "
                "the mean runs over axis 0 "
                "(the examples), the sum over axis 1",
                sq.sum(axis=0).mean() / 2,
            ),
            (
                f"summed over the examples instead of averaging: {n} times too large; divide by n",
                sq.sum() / 2,
            ),
            ("the factor 1/2 is missing: C = 1/(2n) sum ||y - a||^2", sq.sum(axis=1).mean()),
            ("took the norm ||y - a|| without squaring it", 0.5 * np.sqrt(sq.sum(axis=1)).mean()),
            (
                "the difference is not squared: use (y - a)**2",
                0.5 * (A_OUT - Y_OUT).sum(axis=1).mean(),
            ),
            (
                "took the absolute difference |y - a| where its square (y - a)**2 belongs",
                0.5 * np.abs(A_OUT - Y_OUT).sum(axis=1).mean(),
            ),
            (
                "operator precedence: `total / 2 * n` is (total / 2) * n, "
                f"{n * n} times too large; "
                f"write total / (2 * n)",
                sq.sum() / 2 * n,
            ),
        ],
        name,
        inputs,
        what="the cost",
        raw=raw,
    )
    passed(name, f"C = {float(got):.6g} for 4 examples of 3 outputs")


def _mini_batch():
    rng = np.random.default_rng(3)
    return [(rng.uniform(-1, 1, (3, 1)), np.eye(2)[:, [k % 2]]) for k in range(3)]


def _update_variant(
    weights,
    biases,
    batch,
    eta,
    *,
    scale=None,
    use=None,
    sign=-1,
    update_b=True,
    update_w=True,
    per_example=False,
):
    """What ``update_mini_batch`` gives with one typical mistake (the defaults are right)."""
    m = len(batch)
    scale = eta / m if scale is None else scale
    if per_example:  # a step after each example, each gradient taken at the moved weights
        new_w, new_b = _copies(weights, biases)
        for x, y in batch:
            gb, gw = ref.backprop(x, y, new_w, new_b)
            new_w = [w + sign * scale * g for w, g in zip(new_w, gw)]
            new_b = [b + sign * scale * g for b, g in zip(new_b, gb)]
        return new_w, new_b
    grads = [ref.backprop(x, y, weights, biases) for x, y in batch]
    if use is not None:
        grads = [grads[use]]
    gb = [sum(g[0][l] for g in grads) for l in range(len(biases))]
    gw = [sum(g[1][l] for g in grads) for l in range(len(weights))]
    new_w = [w + sign * scale * g if update_w else w.copy() for w, g in zip(weights, gw)]
    new_b = [b + sign * scale * g if update_b else b.copy() for b, g in zip(biases, gb)]
    return new_w, new_b


def _listed(value):
    """``value``'s items as a list, or None where it is not a sequence of items (a string, a
    dict, an array, a number, or an iterable whose iteration raises)."""
    if isinstance(value, (str, bytes, dict, np.ndarray)):
        return None
    try:
        return list(value)
    except Exception:
        return None


def _pair(out, name, inputs, what):
    """``out`` as a pair of two things (lists, we hope), or a CheckFailed."""
    expected = Text(f"a pair {what}, each a list of arrays, one per layer")
    if inspect.isgenerator(out):
        fail(
            name,
            inputs,
            expected,
            describe(out),
            f"should return the pair {what}, not a generator: return a tuple",
        )
    items = _listed(out)
    if items is None or len(items) != 2:
        fail(name, inputs, expected, describe(out), f"should return the pair {what}")
    return items


def update_mini_batch(fn):
    r"""``fn(weights, biases, mini_batch, eta, backprop)`` takes one gradient-descent step,
    :math:`w \to w - \frac{\eta}{m}\sum_x \nabla_w C_x` (and the same for b), and returns the new
    ``(weights, biases)`` (or updates the lists in place and returns None, as the book's method
    does). ``backprop(x, y, weights, biases)`` gives one example's ``(nabla_b, nabla_w)``."""
    name = "update_mini_batch"
    weights, biases = example_network()
    batch = _mini_batch()
    eta, m = 0.5, len(batch)
    inputs = (
        f"{NET_TEXT}, a mini-batch of m = {m} examples (columns x of shape (3, 1)), eta = {eta}"
    )
    W, B = _copies(weights, biases)
    out = call(
        fn,
        name,
        inputs,
        W,
        B,
        [(x.copy(), y.copy()) for x, y in batch],
        eta,
        ref.backprop,
        expect="the new (weights, biases), or None after an in-place update",
    )
    if out is None:
        new_w, new_b = W, B  # updated in place, as the book's method does
    else:
        new_w, new_b = _pair(out, name, inputs, "(weights, biases)")
    new_w = _layers(name, inputs, new_w, weights, "weights", swapped=(new_b, biases, "biases"))
    new_b = _layers(name, inputs, new_b, biases, "biases")
    mistakes = [
        ("sign error: the step went uphill; subtract eta/m times the gradient", dict(sign=+1)),
        (
            f"the step is m = {m} times too large (the gradient is off by the mini-batch size): "
            f"divide the summed gradient by len(mini_batch)",
            dict(scale=eta),
        ),
        (
            f"the step is m = {m} times too small: divide the sum by m once, not twice",
            dict(scale=eta / m**2),
        ),
        ("eta is missing from the step: w - (eta/m) * nabla_w", dict(scale=1.0 / m)),
        (
            "only the last example's gradient was used: add every example's nabla_b and nabla_w "
            "into running sums (the sum is overwritten instead of accumulated)",
            dict(use=-1),
        ),
        (
            "only the first example's gradient was used: add up the gradients of every example "
            "in the mini-batch",
            dict(use=0),
        ),
        ("the biases were not updated: b - (eta/m) * nabla_b too", dict(update_b=False)),
        ("the weights were not updated, only the biases", dict(update_w=False)),
        (
            "nothing changed: the new weights and biases must be returned (or the lists updated "
            "in place)",
            dict(update_b=False, update_w=False),
        ),
        (
            "the update is inside the loop over the examples: each example moved the weights "
            "before the next one's gradient was taken. Add up the gradients in the loop and "
            "update once, after it (dedent the update)",
            dict(per_example=True),
        ),
        (
            "the update is inside the loop over the examples, each a full step of eta: add up "
            "the gradients in the loop, then update once after it by eta/m times their sum",
            dict(per_example=True, scale=eta),
        ),
    ]
    exp_w, exp_b = ref.update_mini_batch(weights, biases, batch, eta)
    labels = [f"weights[{l}]" for l in range(len(weights))] + [
        f"biases[{l}]" for l in range(len(biases))
    ]
    _diagnose_layers(
        name,
        inputs,
        [*new_w, *new_b],
        [*exp_w, *exp_b],
        labels,
        [(d, _concat(*_update_variant(weights, biases, batch, eta, **kw))) for d, kw in mistakes],
    )
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
    if not np.isfinite(flat_got).all():
        bad = [labels[l] for l, g in enumerate(got) if not np.isfinite(g).all()]
        fail(
            name,
            where,
            expected[first],
            got[first],
            f"{', '.join(bad)} contain NaN or infinite values",
        )
    problem = generic_problem(got[first], expected[first], labels[first])
    if "not a mistake" not in problem:
        fail(name, where, expected[first], got[first], problem)
    fail(
        name,
        where,
        expected[first],
        got[first],
        generic or "the values differ (not a mistake these checks recognise)",
    )


def _concat(weights, biases):
    return np.concatenate([np.ravel(p) for p in [*weights, *biases]])


def _layers(name, inputs, got, like, what, swapped=None):
    """``got`` as a list of float arrays shaped like ``like``, or a CheckFailed naming the layer.

    ``swapped=(other, other_like, other_what)`` names the pair's order when the two lists
    came back the other way round.
    """
    shapes = Text(f"a list of {len(like)} arrays of shapes {[np.shape(e) for e in like]}")
    if inspect.isgenerator(got):
        fail(
            name,
            inputs,
            shapes,
            describe(got),
            f"{what} is a generator: build a list, [... for ...], not (... for ...)",
        )
    items = _listed(got)
    if items is None:
        fail(
            name, inputs, shapes, describe(got), f"{what} should be a list of arrays, one per layer"
        )
    if swapped is not None:
        other, other_like, other_what = swapped
        try:
            order_swapped = [np.shape(g) for g in items] == [np.shape(e) for e in other_like] and [
                np.shape(g) for g in other
            ] == [np.shape(e) for e in like]
        except Exception:
            order_swapped = False
        if order_swapped:
            fail(
                name,
                inputs,
                Text(f"({what}, {other_what})"),
                Text(f"({other_what}, {what})"),
                f"returned ({other_what}, {what}): the book's order is ({what}, {other_what})",
            )
    if len(items) != len(like):
        fail(
            name,
            inputs,
            shapes,
            describe(got),
            f"{what} should have {len(like)} arrays, one per layer; got {len(items)}",
        )
    missing = [l for l, g in enumerate(items) if g is None]
    if missing:
        entries = ", ".join(f"{what}[{l}]" for l in missing)
        fail(
            name,
            inputs,
            shapes,
            Text(f"None in {entries}"),
            f"{entries} {'is' if len(missing) == 1 else 'are'} None: never filled in. Does the "
            f"loop reach every layer? With l = 1 for the last layer, the backward loop runs "
            f"over range(1, len(weights) + 1)",
        )
    arrays = []
    for l, (g, e) in enumerate(zip(items, like)):
        g = as_array(g, name, inputs, Text(f"an array of shape {np.shape(e)}"), what=f"{what}[{l}]")
        problem = shape_problem(g, np.asarray(e), f"{what}[{l}]", values=False)
        if problem:
            fail(
                name,
                inputs,
                Text(f"shape {np.shape(e)}"),
                Text(f"shape {g.shape}"),
                problem + _bp4_hint(what, l, g.shape, like),
            )
        arrays.append(g)
    return arrays


def _bp4_hint(what, l, shape, like):
    """Why a gradient of the weights can have the wrong number of columns."""
    if what != "nabla_w" or len(shape) != 2 or shape[0] != like[l].shape[0]:
        return ""
    if l > 0 and shape[1] == like[0].shape[1]:
        return (
            f". Its {shape[1]} columns are the input x's entries: BP4 multiplies delta by "
            f"the activation of the layer before, activations[-l-1] (not x for every layer)"
        )
    return ". BP4 multiplies delta by the activation of the layer before, activations[-l-1]"


# -- lab 4 ---------------------------------------------------------------------------------------
def sigmoid_prime(fn):
    r"""``fn(z)`` is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, element-wise."""
    name = "sigmoid_prime"
    inputs = f"z = {show(Z)}"
    expected = ref.sigmoid_prime(Z)
    raw = call(fn, name, inputs, Z.copy(), expect=show(expected))
    got = as_array(raw, name, inputs, expected)
    s = ref.sigmoid(Z)
    diagnose(
        got,
        expected,
        [
            (
                "computed z(1 - z): the formula a(1 - a) takes the activation a = sigma(z), not z "
                "(a and z swapped); use sigmoid(z) * (1 - sigmoid(z))",
                Z * (1 - Z),
            ),
            ("returned sigma(z) itself, not its derivative", s),
            ("sign error: sigma(z)(1 + sigma(z)) should be sigma(z)(1 - sigma(z))", s * (1 + s)),
            (
                "sign error: the derivative of sigma is positive everywhere; "
                "sigma(z)(1 - sigma(z))",
                -s * (1 - s),
            ),
            (
                "that is the derivative of tanh, 1 - tanh(z)^2: the wrong function's derivative",
                1 - np.tanh(Z) ** 2,
            ),
            (
                "that is 1 - sigma(z)^2, the tanh formula with sigma put in: sigma' = sigma(z)(1 - "
                "sigma(z))",
                1 - s**2,
            ),
            (
                "sigma applied twice: sigma'(z) = s(1 - s) with s = sigma(z), computed once",
                ref.sigmoid(s) * (1 - ref.sigmoid(s)),
            ),
        ],
        name,
        inputs,
        raw=raw,
    )
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


def _backprop_variant(
    x,
    y,
    weights,
    biases,
    *,
    sign=1,
    output_prime=True,
    hidden_prime=True,
    bp1_prime_of="z",
    bp2_prime_of="z",
    prime=ref.sigmoid_prime,
    bp4_input="a",
    zero_b=False,
    stop_short=False,
):
    """What ``backprop`` gives with one typical mistake (the defaults are right)."""
    activations, zs = [x], []
    for w, b in zip(weights, biases):
        zs.append(w @ activations[-1] + b)
        activations.append(ref.sigmoid(zs[-1]))

    def sp(l, of):  # sigma' for layer -l, at z (right) or at a (a and z swapped)
        return prime(zs[-l] if of == "z" else activations[-l])

    L = len(weights)
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    delta = sign * (activations[-1] - y) * (sp(1, bp1_prime_of) if output_prime else 1.0)
    for l in range(1, L if stop_short else L + 1):
        if l > 1:
            delta = (weights[-l + 1].T @ delta) * (sp(l, bp2_prime_of) if hidden_prime else 1.0)
        before = activations[-l - 1] if bp4_input == "a" or l == L else zs[-l - 1]
        nabla_b[-l] = np.zeros_like(delta) if zero_b else delta
        nabla_w[-l] = delta @ before.T
    return nabla_b, nabla_w


_BACKPROP_MISTAKES = [
    (
        "sign error: the output error is delta^L = (a^L - y) * sigma'(z^L); (y - a^L) makes every "
        "gradient point uphill",
        dict(sign=-1),
    ),
    (
        "BP1 is missing the factor sigma'(z^L): for the quadratic cost delta^L = (a^L - y) * "
        "sigma'(z^L)",
        dict(output_prime=False),
    ),
    (
        "BP2 is missing the factor sigma'(z^l): delta^l = (w^(l+1).T @ delta^(l+1)) * sigma'(z^l)",
        dict(hidden_prime=False),
    ),
    (
        "sigma' was evaluated at the activations a instead of the weighted inputs z (a and z "
        "swapped): use sigmoid_prime(zs[-l])",
        dict(bp1_prime_of="a", bp2_prime_of="a"),
    ),
    (
        "BP2 evaluates sigma' at the activation a^l instead of the weighted input z^l (a and z "
        "swapped; BP1 has it right): use sigmoid_prime(zs[-l])",
        dict(bp2_prime_of="a"),
    ),
    (
        "BP1 evaluates sigma' at the output activation a^L instead of the weighted input z^L (a "
        "and z swapped; BP2 has it right): use sigmoid_prime(zs[-1])",
        dict(bp1_prime_of="a"),
    ),
    (
        "used sigma(z) where its derivative sigma'(z) belongs (the derivative of the wrong "
        "function)",
        dict(prime=ref.sigmoid),
    ),
    (
        "used the derivative of tanh, not of sigma (the derivative of the wrong function)",
        dict(prime=lambda z: 1 - np.tanh(z) ** 2),
    ),
    (
        "computed sigma'(z) as z(1 - z): that formula takes the activation a = sigma(z), not z "
        "(a and z swapped)",
        dict(prime=lambda z: z * (1 - z)),
    ),
    (
        "BP4 multiplies delta by the previous layer's weighted input z instead of its activation "
        "a (a and z swapped): nabla_w = delta @ activations[-l-1].T",
        dict(bp4_input="z"),
    ),
    ("the biases' gradients are zero: nabla_b[-l] = delta (BP3)", dict(zero_b=True)),
    (
        "the first layer's gradients are all zero: the backward loop stops one layer short. With "
        "l = 1 for the last layer it runs over range(1, len(weights) + 1)",
        dict(stop_short=True),
    ),
]


def backprop(fn):
    r"""``fn(x, y, weights, biases)`` returns ``(nabla_b, nabla_w)`` for one example and the
    quadratic cost :math:`\tfrac12\lVert a^L - y\rVert^2`, shaped like ``biases`` and ``weights``;
    compared with finite differences."""
    name = "backprop"
    weights, biases = example_network()
    inputs = f"x = {show(X)}, y = {show(Y)}, {NET_TEXT}"
    W, B = _copies(weights, biases)
    out = call(
        fn,
        name,
        inputs,
        X.copy(),
        Y.copy(),
        W,
        B,
        expect="the pair (nabla_b, nabla_w), each a list of arrays, one per layer",
    )
    _check_gradients(
        name,
        inputs,
        out,
        weights,
        biases,
        *numerical_gradient(X, Y, *_copies(weights, biases)),
        [(d, _backprop_variant(X, Y, weights, biases, **kw)) for d, kw in _BACKPROP_MISTAKES],
    )
    passed(name, "matches finite differences on every weight and bias of a [3, 5, 6, 2] network")


def _check_gradients(name, inputs, out, weights, biases, exp_b, exp_w, mistakes):
    nabla_b, nabla_w = _pair(out, name, inputs, "(nabla_b, nabla_w)")
    nabla_b = _layers(
        name, inputs, nabla_b, biases, "nabla_b", swapped=(nabla_w, weights, "nabla_w")
    )
    nabla_w = _layers(name, inputs, nabla_w, weights, "nabla_w")
    if close(_concat(nabla_w, nabla_b), _concat(exp_w, exp_b)):
        return
    wrong = [
        f"nabla_{kind}[{l}]"
        for l in range(len(weights))
        for kind, g, e in (("w", nabla_w, exp_w), ("b", nabla_b, exp_b))
        if not close(g[l], e[l])
    ]
    last = len(weights) - 1
    where = (
        "the output layer is wrong: look at BP1 (delta^L) and BP3/BP4 for the last layer"
        if any(w.endswith(f"[{last}]") for w in wrong)
        else "the output layer is right and an earlier one is not: look at BP2 (delta moving back "
        "through weights[-l+1].T) and at which activations BP4 uses"
    )
    L = len(weights)
    labels = [f"nabla_w[{l}]" for l in range(L)] + [f"nabla_b[{l}]" for l in range(L)]
    _diagnose_layers(
        name,
        inputs,
        [*nabla_w, *nabla_b],
        [*exp_w, *exp_b],
        labels,
        [(d, _concat(mw, mb)) for d, (mb, mw) in mistakes],
        generic=f"{', '.join(wrong)} differ from finite differences; {where}",
    )


# -- lab 5 ---------------------------------------------------------------------------------------
def _class_name(cls):
    """What to call the reader's class (or factory) in a message."""
    for candidate in (cls, getattr(cls, "func", None)):  # a functools.partial has .func
        label = getattr(candidate, "__name__", None)
        if isinstance(label, str):
            return label
    return type(cls).__name__


def network(cls):
    """``cls(sizes)`` is the book's ``Network`` class, assembled from your lab 2-4 code: shapes,
    ``feedforward``, ``backprop``, ``update_mini_batch``, ``evaluate`` and ``SGD``."""
    name = "network"
    wanted = Text("your Network class itself: check.network(Network)")
    if cls is None or not callable(cls):
        is_instance = all(hasattr(cls, a) for a in ("sizes", "weights", "biases"))
        fail(
            name,
            f"check.network({show(cls)})",
            wanted,
            describe(cls),
            "pass the class itself, not an instance of it: check.network(Network), not "
            "check.network(Network([...]))"
            if is_instance
            else "check.network needs your Network class (what you call as Network(sizes))",
        )
    made = f"{_class_name(cls)}({SIZES})"
    net = call(cls, name, made, list(SIZES), expect="a network with sizes, weights and biases")
    for attr in (
        "sizes",
        "weights",
        "biases",
        "feedforward",
        "backprop",
        "update_mini_batch",
        "SGD",
    ):
        if not hasattr(net, attr):
            fail(
                name,
                made,
                Text(f"an object with `{attr}`"),
                describe(net),
                f"the network has no `{attr}`",
            )
    weights, biases = example_network()
    _layers(name, f"{made}.weights", net.weights, weights, "weights")
    _layers(name, f"{made}.biases", net.biases, biases, "biases")

    def with_params(W, B):
        net.weights = [np.array(w, dtype=float) for w in W]
        net.biases = [np.array(b, dtype=float) for b in B]
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
        where = "evaluate on 3 (x, label) pairs of which the network gets 2 right"
        count = call(net.evaluate, name, where, test, expect="2")
        if _count(count) != 2:
            fail(
                name,
                where,
                2,
                describe(count) if _count(count) is None else count,
                "evaluate should count the examples whose most active output is the label "
                "(one whole number)",
            )
    _check_sgd(name, net, with_params)
    passed(name, "shapes, feedforward, backprop, update_mini_batch, evaluate and SGD all right")


def _count(value):
    """``value`` as an int if it is one whole number, else None."""
    array = numbers(value)
    if array is None or array.size != 1 or not np.isfinite(array).all():
        return None
    number = float(array.reshape(-1)[0])
    return int(number) if number == int(number) else None


SGD_EXAMPLES, SGD_EPOCHS, SGD_BATCH, SGD_ETA = 6, 2, 2, 0.75


def _check_sgd(name, net, with_params):
    """SGD is checked by the calls it makes: a spy stands in for ``net.update_mini_batch``."""
    rng = np.random.default_rng(11)
    xs = [rng.uniform(-1, 1, (3, 1)) for _ in range(SGD_EXAMPLES)]
    data = [(x, np.eye(2)[:, [k % 2]]) for k, x in enumerate(xs)]
    n, epochs, size, eta = SGD_EXAMPLES, SGD_EPOCHS, SGD_BATCH, SGD_ETA
    where = f"SGD({n} examples, epochs={epochs}, mini_batch_size={size}, eta={eta})"
    per_epoch = -(-n // size)
    calls = []  # (indices of the examples, eta) per call of update_mini_batch
    original = net.update_mini_batch

    def spy(mini_batch, eta_given, *args, **kwargs):
        mini_batch = list(mini_batch)
        calls.append(([_which(pair, xs) for pair in mini_batch], eta_given))
        return original(mini_batch, eta_given, *args, **kwargs)

    with_params(*example_network())
    before = _concat(net.weights, net.biases)
    try:
        net.update_mini_batch = spy
    except Exception as exc:
        fail(
            name,
            where,
            Text("a network whose update_mini_batch can be watched"),
            Text(f"{type(exc).__name__}: {exc}"),
            "could not watch update_mini_batch",
        )
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the reader's "Epoch 0 complete"
            call(
                net.SGD,
                name,
                where,
                list(data),
                epochs,
                size,
                eta,
                expect=f"{epochs * per_epoch} calls of update_mini_batch",
            )
    finally:
        try:
            del net.update_mini_batch
        except Exception:
            pass
    expected = Text(
        f"{epochs * per_epoch} calls of update_mini_batch ({epochs} epochs of "
        f"{per_epoch} mini-batches), each with {size} examples and eta = {eta}"
    )
    got = Text(
        f"{len(calls)} calls"
        + (
            ": " + "; ".join(f"{len(batch)} examples, eta = {e}" for batch, e in calls[:8])
            if calls
            else ""
        )
    )
    if not calls:
        after = _concat(net.weights, net.biases)
        fail(
            name,
            where,
            expected,
            got,
            "SGD left the parameters unchanged: it never called update_mini_batch"
            if close(after, before)
            else "SGD changed the parameters without calling self.update_mini_batch(mini_batch, "
            "eta): let update_mini_batch take each step",
        )
    etas = [e for _, e in calls]
    if any(not _same_number(e, eta) for e in etas):
        bad = next(e for e in etas if not _same_number(e, eta))
        if _same_number(bad, eta * size):
            why = (
                "passed eta * mini_batch_size: pass eta unchanged; update_mini_batch divides "
                "by the mini-batch's size itself"
            )
        elif _same_number(bad, eta / size):
            why = (
                "passed eta / mini_batch_size: pass eta unchanged; update_mini_batch divides "
                "by the mini-batch's size itself"
            )
        else:
            why = f"update_mini_batch got eta = {show(bad)}: pass SGD's eta = {eta} unchanged"
        fail(name, where, expected, got, why)
    if any(None in batch for batch, _ in calls):
        fail(
            name,
            where,
            Text("mini-batches of (x, y) pairs taken from training_data"),
            got,
            "update_mini_batch got something that is not one of the training examples (x, y)",
        )
    sizes = [len(batch) for batch, _ in calls]
    if all(s == n for s in sizes):
        fail(
            name,
            where,
            expected,
            got,
            f"every call got all {n} examples: mini_batch_size was ignored. Slice the shuffled "
            f"data into mini-batches, training_data[k:k + mini_batch_size]",
        )
    if any(s != size for s in sizes):
        fail(
            name,
            where,
            expected,
            got,
            f"mini-batches of {sizes} examples, expected {size} each: training_data[k:k + "
            f"mini_batch_size] for k in range(0, n, mini_batch_size)",
        )
    if len(calls) == epochs:
        fail(
            name,
            where,
            expected,
            got,
            "update_mini_batch ran once per epoch (on the last mini-batch only): the call "
            "belongs inside the loop over the mini-batches (indent it)",
        )
    if len(calls) == per_epoch:
        fail(
            name,
            where,
            expected,
            got,
            f"SGD ran one epoch; it was asked for {epochs}: loop `for j in range(epochs)`",
        )
    if len(calls) != epochs * per_epoch:
        fail(
            name,
            where,
            expected,
            got,
            f"update_mini_batch ran {len(calls)} times; expected {epochs * per_epoch} = "
            f"{epochs} epochs x {per_epoch} mini-batches",
        )
    for epoch in range(epochs):
        used = sorted(
            i for batch, _ in calls[epoch * per_epoch : (epoch + 1) * per_epoch] for i in batch
        )
        if used != list(range(n)):
            fail(
                name,
                where,
                Text(f"every example once per epoch: {list(range(n))}"),
                Text(f"examples {used} in epoch {epoch}"),
                "each epoch must use every training example exactly once: shuffle the list, "
                "then slice it into mini-batches",
            )
    after = _concat(net.weights, net.biases)
    if close(after, before) or not np.isfinite(after).all():
        fail(
            name,
            where,
            Text("new, finite parameters"),
            Text("unchanged or not finite"),
            "SGD left the parameters unchanged (or not finite): keep what update_mini_batch "
            "computes",
        )


def _which(pair, xs):
    """The index of the training example ``pair`` holds, or None."""
    try:
        x = numbers(pair[0])
    except Exception:
        return None
    for i, candidate in enumerate(xs):
        if x is not None and x.shape == candidate.shape and np.array_equal(x, candidate):
            return i
    return None


def _same_number(value, target):
    array = numbers(value)
    return (
        array is not None
        and array.size == 1
        and bool(np.isclose(float(array.reshape(-1)[0]), target, rtol=1e-12, atol=0))
    )


# -- lab 6 ---------------------------------------------------------------------------------------
X_ROWS = np.array([[0.5, -1.0, 2.0], [0.0, 1.0, -1.0], [1.5, 0.5, 0.0], [-2.0, 0.0, 1.0]])


def feedforward_batch(fn):
    r"""``fn(X, weights, biases)`` feeds every row of X (n, n_in) at once, biases of shape
    (n_out,): :math:`A \leftarrow \sigma(A w^T + b)`; returns (n, n_out)."""
    name = "feedforward_batch"
    weights, biases = example_network()
    flat_b = [b.reshape(-1) for b in biases]
    inputs = f"X = {show(X_ROWS)} (4 examples as rows), {NET_TEXT} with biases as (n_out,) vectors"
    expected = ref.feedforward_batch(X_ROWS, weights, flat_b)
    raw = call(
        fn,
        name,
        inputs,
        X_ROWS.copy(),
        [w.copy() for w in weights],
        [b.copy() for b in flat_b],
        expect=show(expected),
    )
    _list_of_layers(raw, expected, name, inputs)
    got = as_array(raw, name, inputs, expected, what="the output")
    s = ref.sigmoid

    def rows(step, last=None):
        A = X_ROWS
        for l, (w, b) in enumerate(zip(weights, flat_b)):
            A = (last if last and l == len(weights) - 1 else step)(A, w, b)
        return A

    diagnose(
        got,
        expected,
        [
            ("the biases are missing: A = sigma(A @ w.T + b)", rows(lambda A, w, b: s(A @ w.T))),
            (
                "the bias is added after the sigmoid: A = sigma(A @ w.T + b)",
                rows(lambda A, w, b: s(A @ w.T) + b),
            ),
            (
                "returned the last layer's z, not its activation (a and z swapped)",
                rows(lambda A, w, b: s(A @ w.T + b), last=lambda A, w, b: A @ w.T + b),
            ),
            (
                "only the first example (row) was fed forward, "
                "the loop runs over the wrong axis or "
                "stops early: every row is an example",
                ref.feedforward_batch(X_ROWS[:1], weights, flat_b),
            ),
            (
                "stopped one layer short "
                "(the loop over weights[:-1], or a fixed number of layers): "
                "loop over every layer, zip(weights, biases)",
                ref.feedforward_batch(X_ROWS, weights[:-1], flat_b[:-1]),
            ),
        ],
        name,
        inputs,
        what="the output",
        raw=raw,
    )
    passed(name, "right on 4 examples at once")


# Section 2: one module of checks per lab, re-exported so that every check is `check.<name>`.
from . import (  # noqa: E402
    check_capstone,
    check_cost,
    check_depth,
    check_hyper,
    check_init,
    check_limits,
    check_regularisation,
    check_universality,
)
from .check_capstone import *  # noqa: E402,F403  (lab 14)
from .check_cost import *  # noqa: E402,F403  (lab 7)
from .check_depth import *  # noqa: E402,F403  (lab 12)
from .check_hyper import *  # noqa: E402,F403  (lab 10)
from .check_init import *  # noqa: E402,F403  (lab 8)
from .check_limits import *  # noqa: E402,F403  (lab 13)
from .check_regularisation import *  # noqa: E402,F403  (lab 9)
from .check_universality import *  # noqa: E402,F403  (lab 11)

for _module in (
    check_cost,
    check_init,
    check_regularisation,
    check_hyper,
    check_universality,
    check_depth,
    check_limits,
    check_capstone,
):
    __all__ += _module.__all__
del _module
