r"""Checks for lab 7 (the cost function): ``check.cross_entropy_cost``,
``check.delta_cross_entropy`` and ``check.softmax``.

One example per **row**, as in lab 6: ``A`` and ``Y`` are (n, n_out). The fixed inputs have 4
examples of 3 outputs, so an average over the wrong axis or a transposed answer shows. The
cross-entropy input holds an output that is exactly 1 where the target is 1, and one exactly 0
where the target is 0: there the book's formula meets :math:`0 \cdot \ln 0`, which must count
as 0. The softmax input holds the row (1000, 1001, 1002), where :math:`e^{1000}` overflows;
then rows spanning 2000, like (-1000, 0, 1000), where a shift by the row's min or mean still
overflows and only the shift by its max is safe.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._report import (
    CheckFailed,
    Text,
    as_array,
    call,
    close,
    diagnose,
    fail,
    numpy_warnings,
    passed,
    shape_problem,
    show,
)

__all__ = ["cross_entropy_cost", "delta_cross_entropy", "softmax"]

# 4 examples (rows) of 3 outputs. A[0, 0] = Y[0, 0] = 1 and A[1, 2] = Y[1, 2] = 0 exactly.
A_CE = np.array(
    [
        [1.0, 0.2, 0.1],
        [0.3, 0.6, 0.0],
        [0.1, 0.2, 0.7],
        [0.5, 0.4, 0.9],
    ]
)
Y_CE = np.array(
    [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
    ]
)
# The same targets with every output strictly inside (0, 1): no logarithm of 0 anywhere.
A_SAFE = np.array(
    [
        [0.8, 0.2, 0.1],
        [0.3, 0.6, 0.05],
        [0.1, 0.2, 0.7],
        [0.5, 0.4, 0.9],
    ]
)
# Weighted inputs of 4 examples, 3 output neurons: sigma'(z) differs from entry to entry.
Z_OUT = np.array(
    [
        [2.0, -1.0, 0.5],
        [-3.0, 1.5, 0.0],
        [0.3, -0.7, 4.0],
        [-1.2, 2.5, -2.0],
    ]
)
# Softmax: the first row overflows exp() unless each row's largest z is subtracted first. No
# row sums to 0, so z / sum z (no exp) stays finite and is recognised.
Z_SOFT = np.array(
    [
        [1000.0, 1001.0, 1002.0],
        [1.0, 2.0, 3.0],
        [-2.0, 0.0, 3.0],
        [0.5, 0.5, -2.0],
    ]
)

# Rows with a wide spread, tried once the rows above pass: shifting by each row's min or mean
# is right on rows spanning 2, but still overflows here. The min shift leaves e^2000 in the
# first row and e^1000 in the second; the mean shift e^1000 in the first only.
Z_WIDE = np.array(
    [
        [-1000.0, 0.0, 1000.0],
        [0.0, 500.0, 1000.0],
    ]
)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def _xlogy(x, y, log=np.log):
    """``x * log(y)``, taken as 0 where x is 0 (the limit of x ln x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * log(np.where(x == 0, 1.0, y)))


def _terms(A, Y, log=np.log):
    """Each entry's cross-entropy, -[y ln a + (1 - y) ln(1 - a)], with 0 ln 0 = 0."""
    return -(_xlogy(Y, A, log) + _xlogy(1 - Y, 1 - A, log))


def _cross_entropy(A, Y):
    r""":math:`C = -\frac1n \sum_x \sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]`."""
    return float(_terms(A, Y).sum(axis=1).mean())


def _softmax(Z):
    # e^(z - max): the same ratios, no overflow
    return _shifted_softmax(Z, Z.max(axis=1, keepdims=True))


def _shifted_softmax(Z, shift):
    """softmax of each row with ``shift`` subtracted before exp (a learner's shift may overflow:
    quietly, since the check reports it in words)."""
    with np.errstate(all="ignore"):
        e = np.exp(Z - shift)
        return e / e.sum(axis=1, keepdims=True)


def _quietly(fn, *args):
    """``fn(*args)`` with NumPy's warnings off: the check's message says what went wrong."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args)


def _quiet_call(fn, name, inputs, *args, expect):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return call(fn, name, inputs, *args, expect=expect)


def _nonfinite(got):
    with np.errstate(all="ignore"):
        return not np.isfinite(got).all()


# -- cross-entropy -------------------------------------------------------------------------------
def _cost_number(raw, name, inputs, expected, A, Y):
    """The reader's cost as one float, or a CheckFailed saying why it is not one number."""
    got = as_array(raw, name, inputs, expected, what="the cost")
    if got.size == 1:
        return got.reshape(())
    n, k = A.shape
    terms = _terms(A, Y)
    if close(got.reshape(-1), terms.sum(axis=1)):
        which = f"one cost per example: average them over the {n} examples (axis 0)"
    elif got.shape == terms.shape:
        which = (
            f"one number per output of each example: sum over the {k} outputs (axis 1), "
            f"then average over the {n} examples (axis 0)"
        )
    elif got.size == k:
        which = (
            f"one number per output: sum over the {k} outputs (axis 1) too; only the "
            f"examples are averaged"
        )
    else:
        which = "the cost is one number for all the examples"
    fail(name, inputs, expected, got, f"returned {got.size} numbers, not one: {which}")


def _cost_mistakes(A, Y):
    n, k = A.shape
    expected = _cross_entropy(A, Y)
    total = float(_terms(A, Y).sum())
    return [
        (
            "the (1 - y) ln(1 - a) term is missing: -sum y ln a is the log-likelihood of a "
            "softmax output, which only looks at the right class. With sigmoid outputs each "
            "output neuron answers its own yes/no question, and a wrong 'yes' (a near 1 where "
            "y = 0) must cost too",
            float(-_xlogy(Y, A).sum(axis=1).mean()),
        ),
        ("the sign is wrong: C = -[y ln a + (1 - y) ln(1 - a)] is >= 0", -expected),
        (
            f"summed over the examples instead of averaging: {n} times too large; "
            f"divide by n = {n}",
            total,
        ),
        (
            f"averaged over the {k} outputs too (divided by n*{k} = {n * k}): sum over "
            f"each example's outputs (axis 1), average over the {n} examples (axis 0) only",
            total / (n * k),
        ),
        (
            f"averaged over the {k} outputs instead of the {n} examples: the mean runs "
            f"over axis 0 (the examples), the sum over axis 1",
            total / k,
        ),
        (
            "used log10: the cost uses the natural logarithm, np.log",
            float(_terms(A, Y, np.log10).sum(axis=1).mean()),
        ),
        (
            "used log2: the cost uses the natural logarithm, np.log",
            float(_terms(A, Y, np.log2).sum(axis=1).mean()),
        ),
        (
            "that is the quadratic cost, 1/(2n) sum ||a - y||^2, not the cross-entropy",
            float(0.5 * ((A - Y) ** 2).sum(axis=1).mean()),
        ),
    ]


def cross_entropy_cost(fn):
    r"""``fn(A, Y)`` is the cross-entropy cost averaged over the examples (rows):
    :math:`C = -\frac1n \sum_x \sum_j \big[y_j \ln a_j + (1 - y_j)\ln(1 - a_j)\big]`,
    one number, with :math:`0 \ln 0` taken as 0.

    Two inputs: one whose outputs all lie strictly between 0 and 1 (it tells the formula's
    mistakes apart), then one with an output exactly 1 where its target is 1 and one exactly 0
    where its target is 0 (the book's ``nan_to_num`` case).
    """
    name = "cross_entropy_cost"
    n, k = A_CE.shape
    # First the formula, on outputs strictly inside (0, 1): no log of 0 anywhere.
    inputs = f"A = {show(A_SAFE)}, Y = {show(Y_CE)} ({n} examples as rows, {k} outputs)"
    expected = _cross_entropy(A_SAFE, Y_CE)
    raw = _quiet_call(fn, name, inputs, A_SAFE.copy(), Y_CE.copy(), expect=show(expected))
    got = _cost_number(raw, name, inputs, expected, A_SAFE, Y_CE)
    if _nonfinite(got) or abs(float(got)) > 1e100:
        fail(
            name,
            inputs,
            expected,
            got,
            "infinite (or NaN) although every a lies strictly between 0 and 1: the logarithms "
            "must be of a and 1 - a, never of y (which is 0 or 1). Are A and Y swapped?",
        )
    diagnose(got, expected, _cost_mistakes(A_SAFE, Y_CE), name, inputs, "the cost", raw)

    # Then outputs that are exactly right: 0 ln 0 must count as its limit, 0.
    inputs = (
        f"A = {show(A_CE)}, Y = {show(Y_CE)} ({n} examples as rows, {k} outputs; "
        f"A[0, 0] = Y[0, 0] = 1 and A[1, 2] = Y[1, 2] = 0 exactly)"
    )
    expected = _cross_entropy(A_CE, Y_CE)
    raw = _quiet_call(fn, name, inputs, A_CE.copy(), Y_CE.copy(), expect=show(expected))
    got = _cost_number(raw, name, inputs, expected, A_CE, Y_CE)
    if _nonfinite(got):
        fail(
            name,
            inputs,
            expected,
            got,
            "the cost is NaN or infinite where an output is exactly right: at a = y = 1, "
            "(1 - y) ln(1 - a) is 0 * ln 0 = 0 * (-inf), which NumPy makes nan (and so is "
            "y ln a at a = y = 0). Its limit is 0: wrap the terms in np.nan_to_num, as the "
            "book does, or clip a into [eps, 1 - eps] with a tiny eps before taking logs",
        )
    if not close(got, expected):
        fail(
            name,
            inputs,
            expected,
            got,
            "right when every a lies strictly between 0 and 1, but not when an output is "
            "exactly right (a = y = 1, a = y = 0): there each term is 0 ln 0, whose limit is "
            "0, so they add nothing. Clipping a into [eps, 1 - eps] is fine with a tiny eps "
            "(1e-12); a large one changes the cost",
        )
    said = f"C = {float(got):.6g} for {n} examples of {k} outputs, 0 ln 0 taken as 0"
    noisy = numpy_warnings(fn, A_CE.copy(), Y_CE.copy())
    if noisy:
        said += (
            f". NumPy warns on the way ({'; '.join(noisy)}): the cost is right, since "
            f"np.nan_to_num turns the nan into 0, but the warnings will print in every cell "
            f"that trains with it. Compute the terms inside "
            f'`with np.errstate(divide="ignore", invalid="ignore"):` to keep them quiet'
        )
    passed(name, said)


# -- BP1 for cross-entropy -----------------------------------------------------------------------
def delta_cross_entropy(fn):
    r"""``fn(Z, A, Y)`` is BP1 for sigmoid outputs and the cross-entropy cost, one example per
    row: :math:`\delta^L = a^L - y`, shape (n, n_out), for each example (not divided by n)."""
    name = "delta_cross_entropy"
    A = _sigmoid(Z_OUT)
    Y = Y_CE
    n, k = A.shape
    inputs = f"Z = {show(Z_OUT)}, A = sigmoid(Z), Y = {show(Y)} ({n} examples as rows, {k} outputs)"
    expected = A - Y
    raw = _quiet_call(fn, name, inputs, Z_OUT.copy(), A.copy(), Y.copy(), expect=show(expected))
    got = as_array(raw, name, inputs, expected, what="delta")
    problem = shape_problem(got, expected, "delta")
    if problem:
        if got.size == k or got.size == n or got.size == 1:
            problem += (
                ": delta^L is one row per example, one column per output neuron; do not sum "
                "or average it (the gradients' 1/n comes later, from the mean cost)"
            )
        fail(name, inputs, expected, got, problem)
    sp = A * (1 - A)
    diagnose(
        got,
        expected,
        [
            (
                "still multiplied by sigma'(z): (a - y) * sigma'(z) is the quadratic cost's "
                "delta. With cross-entropy, dC/da = (a - y) / (a (1 - a)), and a (1 - a) is "
                "sigma'(z): it cancels, leaving delta = a - y",
                (A - Y) * sp,
            ),
            (
                "that is dC/da = (a - y) / (a (1 - a)), the cost's derivative with respect to "
                "the output; BP1 multiplies it by sigma'(z) = a (1 - a), which cancels the "
                "denominator: delta = a - y",
                (A - Y) / sp,
            ),
            ("the sign is wrong: delta = a - y, not y - a", Y - A),
            ("used z where a belongs: delta = a - y with a = sigma(z)", Z_OUT - Y),
            (
                "applied the sigmoid to A, which is already sigma(Z): delta = A - Y",
                _sigmoid(A) - Y,
            ),
            (
                f"divided by the number of examples n = {n}: delta is each example's own "
                f"dC_x/dz; the mean over the mini-batch is taken later, in the gradients",
                (A - Y) / n,
            ),
            ("y is missing: delta = a - y", A),
            (
                "multiplied by sigma'(a) instead of sigma'(z), and the sigma' factor does not "
                "belong at all with cross-entropy: delta = a - y",
                (A - Y) * _sigmoid(A) * (1 - _sigmoid(A)),
            ),
        ],
        name,
        inputs,
        what="delta",
        raw=raw,
    )
    passed(name, f"delta = a - y for {n} examples of {k} outputs")


# -- softmax -------------------------------------------------------------------------------------
def softmax(fn):
    r"""``fn(Z)`` is the softmax of each row of ``Z`` (n, n_out):
    :math:`a_j = e^{z_j} / \sum_k e^{z_k}`, computed without overflow (subtract each row's
    largest z first); returns (n, n_out), each row summing to 1."""
    name = "softmax"
    n, k = Z_SOFT.shape
    inputs = f"Z = {show(Z_SOFT)} ({n} examples as rows, {k} outputs)"
    expected = _softmax(Z_SOFT)
    try:
        raw = _quiet_call(fn, name, inputs, Z_SOFT.copy(), expect=show(expected))
    except CheckFailed as exc:
        cause = exc.__cause__
        if isinstance(cause, ValueError) and "broadcast" in str(cause):
            fail(
                name,
                inputs,
                expected,
                Text(f"ValueError: {cause}"),
                f"Z.max(axis=1) has shape ({n},), which does not line up with Z's ({n}, {k}) "
                f"rows: keep the axis, Z.max(axis=1, keepdims=True) (shape ({n}, 1)), and the "
                f"same for the sum",
            )
        raise
    got = as_array(raw, name, inputs, expected, what="the output")
    if got.shape == (n,):
        fail(
            name,
            inputs,
            expected,
            got,
            f"returned one number per example, shape ({n},): softmax returns a whole row of "
            f"{k} probabilities per example, shape ({n}, {k}), each row summing to 1",
        )
    if got.shape == expected.shape and _nonfinite(got):
        bad_rows = sorted({int(i) for i in np.argwhere(~np.isfinite(got))[:, 0]})
        if bad_rows == [0]:
            diagnosis = (
                "NaN or inf in the first row only, the one with z = 1000: e^1000 overflows to "
                "inf, and inf / inf is nan. Subtract each row's largest z before exp, "
                "Z - Z.max(axis=1, keepdims=True): the ratios are unchanged (the factor "
                "e^(-max) cancels) and the largest exponent is e^0 = 1"
            )
        elif 0 not in bad_rows:
            diagnosis = (
                f"NaN in rows {bad_rows} but not in the first: one maximum was subtracted from "
                f"every row (the whole array's, or each column's), so rows far below it "
                f"underflow to e^(-1000) = 0 and give 0 / 0. Subtract each row's own maximum, "
                f"Z.max(axis=1, keepdims=True)"
            )
        else:
            diagnosis = (
                "the output contains NaN or inf: subtract each row's largest z before exp, "
                "Z - Z.max(axis=1, keepdims=True)"
            )
        fail(name, inputs, expected, got, diagnosis)
    e_rows = np.exp(Z_SOFT - Z_SOFT.max(axis=1, keepdims=True))
    e_cols = np.exp(Z_SOFT - Z_SOFT.max(axis=0, keepdims=True))
    with np.errstate(all="ignore"):
        no_exp = Z_SOFT / Z_SOFT.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        top_only = e_rows / np.exp(Z_SOFT).sum(axis=1, keepdims=True)  # e^1000 = inf below
    shifted = Z_SOFT - Z_SOFT.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(e_rows.sum(axis=1, keepdims=True))
    diagnose(
        got,
        expected,
        [
            (
                "normalised over the examples (axis 0, down each column) instead of over each "
                "example's outputs: every row must sum to 1, so sum with axis=1, keepdims=True",
                e_cols / e_cols.sum(axis=0, keepdims=True),
            ),
            (
                "normalised over the examples (axis 0) instead of each row's outputs (axis 1): "
                "every row must sum to 1",
                e_rows / e_rows.sum(axis=0, keepdims=True),
            ),
            (
                "normalised over every entry at once: each row (example) is its own "
                "distribution, so sum with axis=1, keepdims=True",
                e_rows / e_rows.sum(),
            ),
            (
                "no exp: softmax is e^z / sum e^z, not z / sum z (which breaks for negative z)",
                no_exp,
            ),
            (
                "subtracted each row's maximum in the numerator only: the sum below still has "
                "e^z, which overflows for z = 1000 (so the first row is 0) and no longer "
                "matches the shifted numerator. Compute e = np.exp(Z - Z.max(axis=1, "
                "keepdims=True)) once and divide it by e.sum(axis=1, keepdims=True)",
                top_only,
            ),
            (
                "returned the log-softmax, z - max - ln sum e^(z - max): exponentiate it, or "
                "return e^(z - max) / sum e^(z - max)",
                log_softmax,
            ),
            (
                "returned e^(z - max) without dividing by the row's sum: the outputs must sum to 1",
                e_rows,
            ),
            (
                "returned Z minus each row's maximum: apply exp and divide by the row's sum",
                shifted,
            ),
        ],
        name,
        inputs,
        what="the output",
        raw=raw,
    )
    _check_wide_rows(fn, name)
    passed(
        name,
        f"right on {n} rows, including (1000, 1001, 1002) without overflow, and on rows "
        f"spanning 2000",
    )


def _check_wide_rows(fn, name):
    """``fn`` on rows spanning 1000 and 2000, where only the shift by the row's max is safe."""
    n, k = Z_WIDE.shape
    inputs = f"Z = {show(Z_WIDE)} ({n} examples as rows, {k} outputs)"
    expected = _softmax(Z_WIDE)
    raw = _quiet_call(fn, name, inputs, Z_WIDE.copy(), expect=show(expected))
    got = as_array(raw, name, inputs, expected, what="the output")
    if got.shape == expected.shape and _nonfinite(got):
        bad = ~np.isfinite(got)
        fix = (
            "shift by each row's max, Z - Z.max(axis=1, keepdims=True), so that the largest "
            "exponent is e^0 = 1 and nothing overflows, however wide the row"
        )
        shifts = {
            "minimum": Z_WIDE.min(axis=1, keepdims=True),
            "mean": Z_WIDE.mean(axis=1, keepdims=True),
        }
        for statistic, shift in shifts.items():
            if np.array_equal(bad, ~np.isfinite(_shifted_softmax(Z_WIDE, shift))):
                fail(
                    name,
                    inputs,
                    expected,
                    got,
                    f"nan on the row (-1000, 0, 1000): this looks like the row's {statistic} "
                    f"subtracted before exp. That is fine on rows spanning 2, but on a row "
                    f"with a wide spread z minus the {statistic} still reaches 1000 or more, and "
                    f"e^1000 overflows to inf (inf / inf is nan): {fix}",
                )
        fail(
            name,
            inputs,
            expected,
            got,
            f"NaN or inf on rows with a wide spread, like (-1000, 0, 1000): {fix}",
        )
    if not close(got, expected):
        fail(
            name,
            inputs,
            expected,
            got,
            "right on the first rows but not on rows with a wide spread, like (-1000, 0, 1000): "
            "shift by each row's max, Z - Z.max(axis=1, keepdims=True), then exp, then divide "
            "by the row's sum",
        )
