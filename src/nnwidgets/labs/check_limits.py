r"""Checks for lab 13 (where networks fail): ``check.ece``, ``check.fit_temperature``,
``check.input_gradient`` and ``check.fgsm``.

One example per **row**, as in lab 6. The fixed inputs are shaped so a transposed answer shows:

- ``ece``: 40 examples of 4 classes whose confidences spread over most of the 15 bins, three of
  them exactly 1.0 (the last bin's right edge) and none on another edge, where two correct
  formulations could bin differently;
- ``fit_temperature``: logits of 200 examples of 4 classes, once overconfident (the fitted T is
  near 3) and once underconfident (near 0.5), so a T that does not depend on the logits shows;
- ``input_gradient``: a [7, 5, 4, 3] ReLU network with a softmax output, 6 examples: two hidden
  layers (depth matters), some of whose neurons are off for each example (ReLU's slope is
  then 0), and no square matrix;
- ``fgsm``: 4 digits of 9 pixels with pixels at 0, at 1 and just inside, and gradients with
  zeros and both signs.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import metrics
from ._report import (
    CheckFailed,
    Text,
    as_array,
    call,
    close,
    diagnose,
    fail,
    numbers,
    passed,
    shape_problem,
    show,
)

__all__ = ["ece", "fit_temperature", "input_gradient", "fgsm"]


def _quiet_call(fn, name, inputs, *args, expect):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return call(fn, name, inputs, *args, expect=expect)


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# -- ece -----------------------------------------------------------------------------------------
def _ece_example():
    """``(P, y)``: 40 examples of 4 classes; rows 0-2 have a top probability of exactly 1.0."""
    rng = np.random.default_rng(13)
    scale = np.linspace(0.2, 4.0, 37)[:, None]  # from unsure to sure: confidences across bins
    P = _softmax(rng.normal(0.0, 1.0, (37, 4)) * scale)
    ones = np.eye(4)[[2, 0, 1]]  # confidence exactly 1.0
    P = np.vstack([ones, P])
    top = P.argmax(axis=1)
    y = top.copy()
    wrong = np.r_[1, np.arange(4, 40, 3)]  # a one-hot row among the wrong ones, a gap at 1.0
    y[wrong] = (top[wrong] + 1 + rng.integers(0, 3, len(wrong))) % 4
    return P, y


ECE_P, ECE_Y = _ece_example()


def _bin_of(confidence, n_bins):
    """Bin m - 1 (from 0) for a confidence in ((m - 1)/M, m/M]; 0 goes to the first bin."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)


def _table(groups, correct, confidence, n_groups):
    """Per group: count, accuracy and mean confidence (0 where a group is empty)."""
    counts = np.bincount(groups, minlength=n_groups).astype(float)
    safe = np.maximum(counts, 1)
    accuracy = np.bincount(groups, weights=correct, minlength=n_groups) / safe
    mean_conf = np.bincount(groups, weights=confidence, minlength=n_groups) / safe
    return np.column_stack([counts, accuracy, mean_conf])


def _ece_of(table, n, *, signed=0, weighted=True, accuracy=None):
    counts, acc, conf = table.T
    filled = counts > 0
    acc = acc if accuracy is None else np.full_like(acc, accuracy)
    gap = (acc - conf) if signed >= 0 else (conf - acc)
    if not signed:
        gap = np.abs(gap)
    if not weighted:
        return float(gap[filled].mean())
    return float(np.sum(counts[filled] / n * gap[filled]))


def _ece_reference(P, y, n_bins=15):
    confidence, correct = P.max(axis=1), (P.argmax(axis=1) == y).astype(float)
    table = _table(_bin_of(confidence, n_bins), correct, confidence, n_bins)
    return _ece_of(table, len(P)), table


def _ece_mistakes(P, y, n_bins):
    n = len(P)
    confidence, correct = P.max(axis=1), (P.argmax(axis=1) == y).astype(float)
    right, table = _ece_reference(P, y, n_bins)
    ones = confidence >= 1.0
    kept = _table(_bin_of(confidence[~ones], n_bins), correct[~ones], confidence[~ones], n_bins)
    by_class = _table(P.argmax(axis=1), correct, confidence, P.shape[1])
    true_p = P[np.arange(n), y]
    by_true = _table(_bin_of(true_p, n_bins), correct, true_p, n_bins)
    short = _table(_bin_of(confidence, n_bins - 1), correct, confidence, n_bins - 1)
    fifteen = _table(_bin_of(confidence, 15), correct, confidence, 15)
    return [
        (
            "the plain mean of the bins' gaps |acc - conf|: each gap must be weighted by the "
            "share of examples in its bin, |B_m| / n (a bin of 1 example counts as little as "
            "that example)",
            _ece_of(table, n, weighted=False),
        ),
        (
            "signed gaps acc - conf: over- and under-confident bins cancel; the ECE adds "
            "|acc(B_m) - conf(B_m)|",
            _ece_of(table, n, signed=1),
        ),
        (
            "signed gaps conf - acc: over- and under-confident bins cancel; the ECE adds "
            "|acc(B_m) - conf(B_m)|",
            _ece_of(table, n, signed=-1),
        ),
        (
            f"the {int(ones.sum())} examples with a confidence of exactly 1.0 are left out: "
            f"bins are ((m-1)/M, m/M], right edge included, so 1.0 belongs to the last bin. "
            f"np.floor(conf * M) puts it in a bin M that does not exist; use "
            f"np.ceil(conf * M) - 1 (clipped to 0) or np.searchsorted",
            _ece_of(kept, n),
        ),
        (
            f"the {int(ones.sum())} examples with a confidence of exactly 1.0 are left out "
            f"(and n shrank with them): bins are ((m-1)/M, m/M], right edge included, so 1.0 "
            f"belongs to the last bin",
            _ece_of(kept, n - int(ones.sum())),
        ),
        (
            "binned by the predicted class: the bins group examples by their confidence (the "
            "top probability), whatever class it is for",
            _ece_of(by_class, n),
        ),
        (
            "the overall accuracy used in every bin: each bin compares its own examples' "
            "accuracy with their mean confidence",
            _ece_of(table, n, accuracy=correct.mean()),
        ),
        (
            "the true class's probability used as the confidence: the confidence is the "
            "top probability, P.max(axis=1), the probability of the class predicted",
            _ece_of(by_true, n),
        ),
        (
            f"{n_bins - 1} bins instead of {n_bins}: np.linspace(0, 1, n_bins) gives "
            f"n_bins - 1 bins; the edges are np.linspace(0, 1, n_bins + 1)",
            _ece_of(short, n),
        ),
        (
            f"n_bins ignored: {n_bins} bins were asked for, 15 used",
            _ece_of(fifteen, n) if n_bins != 15 else None,
        ),
        ("in percent: the ECE is a fraction between 0 and 1", 100 * right),
        (
            f"each gap weighted by its bin's count |B_m|, not its share |B_m| / n: divide by "
            f"the number of examples, n = {n}",
            n * right,
        ),
        (
            "squared gaps: the ECE adds |acc(B_m) - conf(B_m)|, each weighted by |B_m| / n, "
            "not their squares",
            float(np.sum(table[:, 0] / n * (table[:, 1] - table[:, 2]) ** 2)),
        ),
    ]


def _ece_pair(raw, name, inputs, expected):
    """The reader's ``(ece, bins)``, or a CheckFailed saying what arrived instead."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        return raw
    single = numbers(raw)
    if single is not None and single.size == 1:
        why = "returned one number: return the pair (ece, bins), bins the per-bin table"
    else:
        why = "should return the pair (ece, bins)"
    fail(name, inputs, Text(f"(ece, bins) with ece = {expected:.6g}"), raw, why)


def _check_bins(got, table, name, inputs, n_bins):
    """``got`` is the per-bin table (count, accuracy, confidence); empty bins may hold 0 or NaN."""
    expected_text = Text(f"an ({n_bins}, 3) array: per bin its count, accuracy and mean confidence")
    bins = as_array(got, name, inputs, expected_text, what="bins")
    if bins.shape == (3, n_bins):
        fail(
            name,
            inputs,
            expected_text,
            Text(f"an array of shape {bins.shape}"),
            "bins is transposed: one row per bin, its columns count, accuracy, confidence",
        )
    if bins.shape != (n_bins, 3):
        fail(
            name,
            inputs,
            expected_text,
            Text(f"an array of shape {bins.shape}"),
            f"bins must have one row per bin ({n_bins}) and three columns: count, accuracy, "
            f"mean confidence",
        )
    filled = table[:, 0] > 0
    counts = bins[:, 0]
    if not close(counts, table[:, 0]):
        fail(
            name,
            inputs,
            table[:, 0],
            counts,
            "the bins' counts (column 0) differ, although the ECE is right",
        )
    empty = bins[~filled, 1:]
    with np.errstate(invalid="ignore"):
        empty_ok = np.all(np.isnan(empty) | (empty == 0))
    for column, what in ((1, "accuracy"), (2, "mean confidence")):
        if not close(bins[filled, column], table[filled, column]):
            fail(
                name,
                inputs,
                table[:, column],
                bins[:, column],
                f"the bins' {what} (column {column}) differs, although the ECE is right",
            )
    if not empty_ok:
        fail(
            name,
            inputs,
            table[:, 1:],
            bins[:, 1:],
            "an empty bin holds an accuracy or confidence other than 0 or NaN",
        )


def ece(fn):
    r"""``fn(P, y, n_bins=15)`` returns ``(ece, bins)``: the expected calibration error
    :math:`\sum_m \frac{|B_m|}{n}|\mathrm{acc}(B_m) - \mathrm{conf}(B_m)|` over bins
    :math:`B_m = (\frac{m-1}{M}, \frac{m}{M}]` of the confidence (each example's top
    probability), and ``bins``, an (n_bins, 3) array: each bin's count, accuracy and mean
    confidence (an empty bin: count 0, the others 0 or NaN).

    Called with the default ``n_bins``, then with ``n_bins=10``.
    """
    name = "ece"
    P, y = ECE_P, ECE_Y
    n, k = P.shape
    for n_bins in (None, 10):
        M = 15 if n_bins is None else n_bins
        args = (P.copy(), y.copy()) if n_bins is None else (P.copy(), y.copy(), n_bins)
        inputs = (
            f"P = {show(P)} ({n} examples as rows, {k} classes; rows 0-2 one-hot, a "
            f"confidence of exactly 1.0), y = {show(y)}"
            + ("" if n_bins is None else f", n_bins = {n_bins}")
        )
        expected, table = _ece_reference(P, y, M)
        raw = _quiet_call(fn, name, inputs, *args, expect=f"(ece, bins) with ece = {expected:.6g}")
        value, bins = _ece_pair(raw, name, inputs, expected)
        got = as_array(value, name, inputs, expected, what="the ECE")
        if got.size != 1:
            fail(
                name,
                inputs,
                expected,
                got,
                f"the ECE is one number; got {got.size} (one per bin? weight each bin's gap "
                f"by |B_m| / n and add them up)",
            )
        diagnose(got.reshape(()), expected, _ece_mistakes(P, y, M), name, inputs, "the ECE")
        _check_bins(bins, table, name, inputs, M)
    passed(name, f"ECE = {expected:.4f} on {n} examples in 10 bins (and 15), 1.0 in the last bin")


# -- fit_temperature -----------------------------------------------------------------------------
def _temperature_example():
    """Logits of 200 examples of 4 classes, labels drawn from softmax(Z); returned as
    ``(Z * 3, Z / 2, y)``: an overconfident network and an underconfident one."""
    rng = np.random.default_rng(2017)
    Z = rng.normal(0.0, 1.5, (200, 4))
    P = _softmax(Z)
    y = (rng.random((200, 1)) > P.cumsum(axis=1)).sum(axis=1)
    return Z * 3.0, Z / 2.0, np.minimum(y, 3)


Z_OVER, Z_UNDER, T_Y = _temperature_example()


def _best_temperature(Z, y):
    # fitted_temperature: also for probabilities, to name the mistake of fitting T to them
    return metrics.fitted_temperature(Z, y, bounds=(1e-3, 1e3), tol=1e-10)


def _temperature(raw, name, inputs, expected):
    got = as_array(raw, name, inputs, expected, what="the temperature")
    if got.size != 1:
        fail(
            name,
            inputs,
            expected,
            got,
            f"returned {got.size} numbers: the temperature is one number T, the same for "
            f"every example (all the logits are divided by it)",
        )
    T = float(got.reshape(()))
    if not np.isfinite(T):
        fail(name, inputs, expected, T, "a temperature is a finite positive number")
    return T


def _near(T, target, rel=0.01):
    return abs(T - target) <= rel * target


def fit_temperature(fn, *, fitted=None, held_out=None, evaluation=None):
    r"""``fn(Z, y)`` returns the temperature T minimising the mean negative log-likelihood
    :math:`-\frac1n\sum_x \ln \mathrm{softmax}(z_x / T)_{y_x}` of logits ``Z`` (n, n_classes)
    for labels ``y`` (n,), within 1% (any 1-D search: golden section, a fine grid, ...).

    Given ``fitted`` (the T the notebook uses), ``held_out`` and ``evaluation`` (two
    ``(Z, y)`` pairs), it also checks that T was fitted on the held-out examples and not on
    the evaluation (test) examples it is then judged on.
    """
    name = "fit_temperature"
    found = {}
    for label, Z in (("overconfident", Z_OVER), ("underconfident", Z_UNDER)):
        n, k = Z.shape
        inputs = f"Z = {show(Z)} ({n} examples as rows, {k} classes; {label}), y = {show(T_Y)}"
        best = _best_temperature(Z, T_Y)
        raw = _quiet_call(fn, name, inputs, Z.copy(), T_Y.copy(), expect=f"T = {best:.6g}")
        found[label] = (_temperature(raw, name, inputs, best), best, inputs)
    (t_over, best_over, in_over), (t_under, best_under, in_under) = found.values()
    if abs(t_over - t_under) <= 1e-9 * max(t_over, 1.0):
        fail(
            name,
            f"{in_over}\n  and       {in_under}",
            Text(f"T = {best_over:.4g} for the first, {best_under:.4g} for the second"),
            Text(f"T = {t_over:.6g} for both"),
            "T does not depend on the logits: the temperature divides the logits before the "
            "softmax, softmax(Z / T). Dividing the probabilities by T (renormalised or not) "
            "leaves the ranking and, renormalised, the very same probabilities, so the "
            "likelihood cannot pick a T (or always prefers the end of your search). Also "
            "check that the function uses its arguments Z and y, not the notebook's "
            "variables",
        )
    for (T, best, inputs), Z in zip(found.values(), (Z_OVER, Z_UNDER)):
        if _near(T, best):
            continue
        if abs(T - np.log(best)) <= 0.01 * abs(np.log(best)):
            why = "returned ln T: the search may run over ln T, but return T itself"
        elif T <= 0:
            why = "a temperature is a positive number"
        elif _near(T, _best_temperature(_softmax(Z), T_Y), 0.02):
            why = (
                "T divides the probabilities, softmax(P / T) with P = softmax(Z): temperature "
                "scaling divides the logits z^L themselves, softmax(Z / T)"
            )
        elif _near(T, 1.0 / best):
            why = (
                "the logits are multiplied by T: temperature scaling divides them, "
                "softmax(Z / T), so T > 1 makes the network less confident"
            )
        elif _near(T, best, 0.1):
            why = (
                "close, but not within 1% of the best T: make the search finer (a "
                "golden-section search, or a grid refined around its best point), and check "
                "that it minimises the negative log-likelihood (not the ECE, not accuracy)"
            )
        elif T >= 0.5 * best and T <= 2 * best:
            why = (
                "not the T with the smallest negative log-likelihood: minimise "
                "-mean(log softmax(Z / T)[range(n), y]) over T (not the ECE, not accuracy)"
            )
        else:
            why = (
                "far from the T with the smallest negative log-likelihood: does the search "
                "cover it? (T from about 0.05 to 20 is enough here)"
            )
        fail(name, inputs, best, T, why)
    # held_out or evaluation given means the notebook's T is to be checked, even if None
    if fitted is not None or held_out is not None or evaluation is not None:
        _check_fitted(fn, name, fitted, held_out, evaluation)
        return
    passed(
        name,
        f"T = {t_over:.3f} for overconfident logits and {t_under:.3f} for underconfident ones",
    )


def _check_fitted(fn, name, fitted, held_out, evaluation):
    """``fitted`` is ``fn`` on the held-out pair, not on the evaluation pair nor on both."""
    missing = [
        arg
        for arg, value in (
            ("held_out=(Z_val, y_val)", held_out),
            ("evaluation=(Z_test, y_test)", evaluation),
        )
        if value is None
    ]
    if missing:  # a mistake in calling the check, not in the exercise
        raise TypeError(
            f"check.fit_temperature(fn, fitted=T) is missing {' and '.join(missing)}: to check "
            f"T it needs the examples T may be fitted on, held_out=(Z_val, y_val), and the ones "
            f"it is judged on, evaluation=(Z_test, y_test)"
        )
    (Z_h, y_h), (Z_e, y_e) = held_out, evaluation
    if fitted is None:
        fail(
            name,
            f"T = None; held-out examples {len(Z_h)}, evaluation (test) examples {len(Z_e)}",
            Text("T = fit_temperature(Z_val, y_val), a number"),
            Text("None"),
            "T is None: set T = fit_temperature(Z_val, y_val) first (on the held-out "
            "examples), run that cell, then this check again",
        )
    inputs = (
        f"T = {show(fitted)}; held-out examples {len(Z_h)}, evaluation (test) examples {len(Z_e)}"
    )
    T_h = _temperature(_quiet_call(fn, name, inputs, Z_h, y_h, expect="T"), name, inputs, 1.0)
    T = _temperature(fitted, name, inputs, T_h)
    if close(T, T_h):
        passed(name, f"T = {T:.3f}, fitted on the {len(Z_h)} held-out examples")
        return
    T_e = _temperature(_quiet_call(fn, name, inputs, Z_e, y_e, expect="T"), name, inputs, T_h)
    both = (np.concatenate([Z_h, Z_e]), np.concatenate([y_h, y_e]))
    T_b = _temperature(_quiet_call(fn, name, inputs, *both, expect="T"), name, inputs, T_h)
    if close(T, T_e):
        why = (
            "T was fitted on the evaluation (test) examples: the ECE measured on them then "
            "flatters the method. Fit T on the held-out training examples the network never "
            "trained on, and only measure on the test examples"
        )
    elif close(T, T_b):
        why = (
            "T was fitted on the held-out and the test examples together: fit it on the "
            "held-out examples only, and only measure on the test examples"
        )
    else:
        why = "T is not your fit_temperature on the held-out examples"
    fail(name, inputs, T_h, T, why)


# -- input_gradient ------------------------------------------------------------------------------
GRAD_SIZES = [7, 5, 4, 3]


def gradient_example():
    """``(X, Y, weights, biases)`` of the input_gradient check: a [7, 5, 4, 3] network (ReLU
    hidden layers, softmax output), 6 examples as rows, one-hot targets."""
    rng = np.random.default_rng(412)
    weights = [
        rng.normal(0.0, 1.0, (n_out, n_in)) for n_in, n_out in zip(GRAD_SIZES[:-1], GRAD_SIZES[1:])
    ]
    biases = [rng.normal(0.0, 0.5, n_out) for n_out in GRAD_SIZES[1:]]
    X = rng.random((6, 7))
    Y = np.eye(3)[[0, 2, 1, 1, 0, 2]]
    return X, Y, weights, biases


def _relu_forward(X, weights, biases, hidden=lambda z: np.maximum(z, 0.0)):
    zs, a = [], X
    for l, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w.T + b
        zs.append(z)
        a = _softmax(z) if l == len(weights) - 1 else hidden(z)
    return zs, a


def _cost_per_example(X, Y, weights, biases):
    """-ln softmax(z^L)_y of each example: the log-likelihood cost, (n,)."""
    zs, _ = _relu_forward(X, weights, biases)
    z = zs[-1]
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return -(Y * log_p).sum(axis=1)


def numerical_input_gradient(X, Y, weights, biases, h=1e-6):
    """Central differences of each example's cost with respect to each of its inputs."""
    G = np.zeros_like(X, dtype=float)
    for j in range(X.shape[1]):
        step = np.zeros_like(X, dtype=float)
        step[:, j] = h
        up = _cost_per_example(X + step, Y, weights, biases)
        down = _cost_per_example(X - step, Y, weights, biases)
        G[:, j] = (up - down) / (2 * h)
    return G


def _backward(X, Y, weights, biases, *, primes=None, hidden="relu", out="softmax", last=True):
    """The input gradient with switches for the typical mistakes."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    act = sig if hidden == "sigmoid" else (lambda z: np.maximum(z, 0.0))
    zs, a = _relu_forward(X, weights, biases, hidden=act)
    delta = {"softmax": a, "z": zs[-1], "sigmoid": sig(zs[-1])}[out] - Y  # BP1
    L = len(weights)
    for l in range(L - 2, -1, -1):  # BP2, down to the first hidden layer
        delta = delta @ weights[l + 1]
        z = zs[l]
        if primes is None or l in primes:
            delta = delta * (sig(z) * (1 - sig(z)) if hidden == "sigmoid" else (z > 0))
    return delta @ weights[0] if last else delta


def _gradient_mistakes(X, Y, weights, biases):
    n = len(X)
    right = _backward(X, Y, weights, biases)
    return [
        ("the sign is wrong: delta^L = a^L - y, not y - a^L", -right),
        (
            f"divided by the number of examples ({n}): that is the gradient of the mean "
            f"cost over the batch, as backprop averages for a mini-batch. Here every row is "
            f"its own example's gradient, of its own cost",
            right / n,
        ),
        (
            "averaged over the batch: each example needs its own gradient (FGSM nudges each "
            "digit along its own); keep one row per example",
            np.broadcast_to(right.mean(axis=0), right.shape),
        ),
        (
            "summed over the batch: each example needs its own gradient, of its own cost "
            "(FGSM nudges each digit along its own); keep one row per example",
            np.broadcast_to(right.sum(axis=0), right.shape),
        ),
        (
            "delta^L from a sigmoid output: this network's output layer is a softmax, so "
            "delta^L = softmax(z^L) - y",
            _backward(X, Y, weights, biases, out="sigmoid"),
        ),
        (
            "the first hidden layer's ReLU slope is missing: delta^2 = (delta^3 w^3) * "
            "relu'(z^2), where relu'(z) is 1 for z > 0 and 0 otherwise, before the last "
            "step to the inputs",
            _backward(X, Y, weights, biases, primes={len(weights) - 2}),
        ),
        (
            "no ReLU slope anywhere: BP2 multiplies by relu'(z^l) (1 where z > 0, else 0) "
            "at every hidden layer",
            _backward(X, Y, weights, biases, primes=set()),
        ),
        (
            "a ReLU slope is missing at a hidden layer: BP2 multiplies by relu'(z^l) at "
            "every hidden layer, the first one included",
            _backward(X, Y, weights, biases, primes={0}),
        ),
        (
            "the output's softmax is missing: delta^L = a^L - y with a^L = softmax(z^L), "
            "not z^L - y",
            _backward(X, Y, weights, biases, out="z"),
        ),
        (
            "computed with sigmoid hidden neurons: this network's hidden layers are ReLU, "
            "a = max(z, 0), with slope 1 where z > 0 and 0 elsewhere",
            _backward(X, Y, weights, biases, hidden="sigmoid"),
        ),
    ]


_MATMUL_HINT = (
    "\n  with examples as rows, the error goes back a layer as delta^l = (delta^(l+1) @ "
    "w^(l+1)) * relu'(z^l): (n, n_out) @ (n_out, n_in) gives (n, n_in); and the last step is "
    "delta^2 @ w^2, with no transpose (`@ w.T` is the forward direction)"
)


def input_gradient(fn):
    r"""``fn(X, Y, weights, biases)`` returns each example's :math:`\nabla_x C_x`, shape
    (n, n_in), for a network of ReLU hidden layers and a softmax output with the
    log-likelihood cost :math:`C_x = -\ln a^L_y`: backpropagation carried one step past the
    first hidden layer, :math:`\nabla_x C = \delta^2 w^2` in rows (the book's
    :math:`(w^2)^T \delta^2`).

    The expected answer is the finite-difference gradient of each example's cost.
    """
    name = "input_gradient"
    X, Y, weights, biases = gradient_example()
    inputs = (
        f"X = {show(X)} ({len(X)} examples as rows), Y = {show(Y)}, and the {GRAD_SIZES} "
        f"network of nnwidgets.labs.check_limits.gradient_example() (ReLU hidden layers, "
        f"softmax output; weights[l] (n_out, n_in), biases[l] (n_out,))"
    )
    expected = numerical_input_gradient(X, Y, weights, biases)
    args = (X.copy(), Y.copy(), [w.copy() for w in weights], [b.copy() for b in biases])
    try:
        raw = _quiet_call(fn, name, inputs, *args, expect=f"an array of shape {expected.shape}")
    except CheckFailed as exc:
        text = str(exc)
        if "matmul" in text or "aligned" in text or "mismatch in its core dimension" in text:
            raise CheckFailed(text.split("\n  the inner dimensions")[0] + _MATMUL_HINT) from exc
        raise
    got = as_array(raw, name, inputs, expected, what="the input gradient")
    delta2 = _backward(X, Y, weights, biases, last=False)
    if got.shape == delta2.shape and close(got, delta2):
        fail(
            name,
            inputs,
            expected,
            got,
            f"that is delta^2, the error of the first hidden layer ({delta2.shape[1]} neurons "
            f"per example), not the gradient with respect to the {X.shape[1]} inputs: one more "
            f"step, since z^2 = w^2 x + b^2, gives dC/dx = delta^2 @ w^2 (rows)",
        )
    mean = expected.mean(axis=0)
    if got.size == mean.size and close(got.reshape(-1), mean):
        fail(
            name,
            inputs,
            expected,
            got,
            "averaged over the batch: each example needs its own gradient (FGSM nudges each "
            "digit along its own); keep one row per example, shape (n, n_in)",
        )
    if got.size == mean.size and close(got.reshape(-1), expected.sum(axis=0)):
        fail(
            name,
            inputs,
            expected,
            got,
            "summed over the batch: each example needs its own gradient; keep one row per "
            "example, shape (n, n_in)",
        )
    problem = shape_problem(got, expected, "the input gradient")
    if problem:
        fail(name, inputs, expected, got, problem + ": one row per example, one column per input")
    diagnose(got, expected, _gradient_mistakes(X, Y, weights, biases), name, inputs, raw=raw)
    passed(
        name,
        f"matches the finite differences of each example's cost ({X.shape[0]} examples, "
        f"{GRAD_SIZES} network)",
    )


# -- fgsm ----------------------------------------------------------------------------------------
FGSM_X = np.array(
    [
        [0.0, 0.0, 0.5, 1.0, 1.0, 0.3, 0.98, 0.02, 0.7],
        [0.2, 1.0, 0.0, 0.6, 0.97, 0.0, 0.5, 0.4, 0.03],
        [1.0, 0.1, 0.8, 0.0, 0.5, 0.99, 0.25, 0.0, 0.6],
        [0.45, 0.9, 0.0, 0.3, 1.0, 0.55, 0.01, 0.85, 0.15],
    ]
)
FGSM_G = np.array(
    [
        [-0.3, 0.02, 1.5, 0.4, -0.001, 0.0, 0.2, -0.6, 3.0],
        [0.05, -2.0, -0.4, 0.0, 0.7, 0.3, -0.08, 0.9, -0.2],
        [0.6, -0.01, 0.0, -0.5, 2.2, 0.1, -1.1, 0.35, 0.04],
        [-0.9, 0.3, 0.25, -0.05, 0.0, -1.4, -0.6, 0.02, 0.5],
    ]
)


def _fgsm_mistakes(X, G, eps):
    s = np.sign(G)
    step = eps * s
    unit = G / np.linalg.norm(G, axis=1, keepdims=True)
    return [
        (
            "stepped against the gradient (x - eps sign G): that lowers the cost and makes "
            "the network more sure of the right answer. FGSM goes up the cost: x + eps sign G",
            np.clip(X - step, 0, 1),
        ),
        (
            "stepped against the gradient and not clipped: FGSM goes up the cost, "
            "x + eps sign G, then clips to [0, 1]",
            X - step,
        ),
        (
            "not clipped to [0, 1]: a pixel is ink between 0 and 1, so clip the nudged copy "
            "(np.clip(..., 0, 1))",
            X + step,
        ),
        (
            "clipped only at 1: pixels below 0 are not ink either; np.clip(..., 0, 1)",
            np.minimum(X + step, 1),
        ),
        (
            "clipped only at 0: pixels above 1 are not ink either; np.clip(..., 0, 1)",
            np.maximum(X + step, 0),
        ),
        (
            "eps * G in place of eps * sign(G): FGSM moves every pixel by the same eps, in "
            "the direction its gradient's sign gives (the largest change of the cost allowed "
            "when no pixel may move more than eps)",
            np.clip(X + eps * G, 0, 1),
        ),
        (
            "eps * G in place of eps * sign(G), and not clipped: FGSM moves every pixel by "
            "eps, along sign(G), then clips to [0, 1]",
            X + eps * G,
        ),
        (
            "a step along G / ||G|| (the steepest step of a given length): FGSM moves every "
            "pixel by eps along sign(G)",
            np.clip(X + eps * unit, 0, 1),
        ),
        (
            "a step along G / max|G| (each row scaled so its largest entry moves by eps): "
            "FGSM moves every pixel by exactly eps, along sign(G)",
            np.clip(X + eps * G / np.abs(G).max(axis=1, keepdims=True), 0, 1),
        ),
        (
            "the sign of the batch's mean gradient: each example moves along its own "
            "gradient's sign",
            np.clip(X + eps * np.sign(G.mean(axis=0)), 0, 1),
        ),
        ("returned the nudge itself, not the nudged copy: x' = clip(x + eps sign G)", step),
    ]


def fgsm(fn):
    r"""``fn(X, G, eps)`` returns the nudged copy
    :math:`x' = \mathrm{clip}(x + \epsilon\,\mathrm{sign}\,G, 0, 1)` of each row of ``X``, ``G``
    being each example's input gradient; ``X`` itself must not change.

    Called with eps = 0.1, then 0.25 (a hard-coded eps shows).
    """
    name = "fgsm"
    X, G = FGSM_X, FGSM_G
    for eps in (0.1, 0.25):
        inputs = f"X = {show(X)}, G = {show(G)} (4 examples as rows), eps = {eps}"
        expected = np.clip(X + eps * np.sign(G), 0, 1)
        given = X.copy()
        raw = _quiet_call(fn, name, inputs, given, G.copy(), eps, expect=show(expected))
        got = as_array(raw, name, inputs, expected, what="the nudged copy")
        if got.shape == expected.shape:
            other = 0.35 - eps  # 0.25 then 0.1: the eps of the other call
            if close(got, np.clip(X + other * np.sign(G), 0, 1)):
                fail(
                    name,
                    inputs,
                    expected,
                    got,
                    f"eps is ignored (the nudge is {other:g}): use the eps passed in",
                )
        diagnose(got, expected, _fgsm_mistakes(X, G, eps), name, inputs, "the nudged copy", raw)
        if not np.array_equal(given, X):
            fail(
                name,
                inputs,
                Text("X unchanged"),
                Text("X changed"),
                "the result is right, but X was changed in place (X += ... or np.clip(..., "
                "out=X)): the original digits are still needed; build a new array, "
                "np.clip(X + eps * np.sign(G), 0, 1)",
            )
    passed(name, "x + eps sign G, clipped to [0, 1], for eps = 0.1 and 0.25")
