r"""Where a classifier's confidence fails: calibration, temperature scaling and adversarial nudges.

NumPy only, as the network is.

- :func:`reliability`: the reliability diagram's numbers and the expected calibration error
  :math:`\mathrm{ECE} = \sum_m \frac{|B_m|}{n} |\mathrm{acc}(B_m) - \mathrm{conf}(B_m)|` over
  equal confidence bins :math:`B_m = (\frac{m-1}{M}, \frac{m}{M}]` (Guo et al. 2017, "On
  Calibration of Modern Neural Networks", with M = 15 as in their code);
- :func:`fit_temperature`: the T for which :math:`\mathrm{softmax}(z^L / T)` has the smallest
  negative log-likelihood on held-out examples (temperature scaling, the same paper);
- :func:`fgsm`: the fast gradient sign method, :math:`x' = \mathrm{clip}(x + \epsilon\,
  \mathrm{sign}\,\nabla_x C, 0, 1)` (Goodfellow et al. 2015, "Explaining and Harnessing
  Adversarial Examples").
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _checks

__all__ = ["Reliability", "fgsm", "fit_temperature", "reliability", "softmax"]


class Reliability(NamedTuple):
    """What :func:`reliability` measures. Bin m covers the confidences ``(edges[m],
    edges[m + 1]]`` (the first bin takes a confidence of exactly 0 too)."""

    ece: float
    """Expected calibration error: the bins' gaps |accuracy - confidence|, weighted by the
    share of examples in each bin."""
    mce: float
    """Maximum calibration error: the largest gap over the bins that hold examples."""
    edges: np.ndarray
    """(n_bins + 1,) bin edges from 0 to 1."""
    counts: np.ndarray
    """(n_bins,) examples per bin."""
    accuracy: np.ndarray
    """(n_bins,) fraction classified correctly in each bin; NaN for an empty bin."""
    confidence: np.ndarray
    """(n_bins,) mean confidence (top probability) in each bin; NaN for an empty bin."""


#: The most bins :func:`reliability` makes (Guo et al. use 15): beyond, most hold no example.
MAX_BINS = 10_000

#: The most steps of :func:`fit_temperature`'s search: each keeps 0.618 of the bracket, so
#: 200 reach any tol a float can tell (a tol of 1e-300 would otherwise loop for ever).
MAX_STEPS = 200


def reliability(P, y, n_bins=15):
    """Calibration of the probabilities ``P`` (n, n_classes) for the true classes ``y``.

    Each example's confidence is its top probability and its prediction that class. The
    examples are binned by confidence into ``n_bins`` equal bins (edges ``m / n_bins``, the
    right edge included, so a confidence of exactly 1.0 lands in the last bin); per bin the
    accuracy and the mean confidence are compared. ``y`` holds integer labels (n,) or one-hot
    targets (n, n_classes). Returns a :class:`Reliability`.

    A calibrated classifier is right 80% of the time when it says 0.8: every bin's accuracy
    equals its confidence and the ECE is 0. An overconfident one has confidence above
    accuracy.
    """
    P = _probabilities(P)
    truth = _labels(y, P)
    n_bins = _checks.positive_int(n_bins, "n_bins")
    if n_bins > MAX_BINS:  # 10**9 bins would take the kernel's memory, each bin empty
        raise ValueError(f"n_bins must be at most {MAX_BINS:,}; got {n_bins:,}")
    confidence = P.max(axis=1)
    correct = P.argmax(axis=1) == truth
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # searchsorted(..., "left") finds m with edges[m - 1] < c <= edges[m]: bin m - 1, right edge
    # included. A confidence of 0 (never the top of a probability row) would be bin -1.
    bins = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    filled = counts > 0
    with np.errstate(invalid="ignore", divide="ignore"):  # empty bins: 0 / 0 is NaN, on purpose
        accuracy = np.bincount(bins, weights=correct, minlength=n_bins) / counts
        mean_confidence = np.bincount(bins, weights=confidence, minlength=n_bins) / counts
    gaps = np.abs(accuracy[filled] - mean_confidence[filled])
    ece = float(np.sum(counts[filled] / len(P) * gaps))
    return Reliability(
        ece=ece,
        mce=float(gaps.max()),
        edges=edges,
        counts=counts,
        accuracy=accuracy,
        confidence=mean_confidence,
    )


def softmax(logits, temperature=1.0):
    r""":math:`\mathrm{softmax}(z / T)` of each row of ``logits`` (n, n_classes).

    A temperature above 1 flattens the probabilities (less confident), below 1 sharpens them;
    the most probable class never changes, so neither does the accuracy.
    """
    Z = _logits(logits)
    T = _checks.check_range(temperature, "temperature", 0.0, math.inf, low_open=True)
    # Shifted first, so z / T only goes towards -inf (exp 0): a tiny T or a wide row gave NaN.
    with np.errstate(over="ignore"):
        shifted = (Z - Z.max(axis=1, keepdims=True)) / T
    return _log_softmax(shifted, exp=True)


def fit_temperature(logits, y, *, bounds=(0.05, 20.0), tol=1e-5):
    r"""The temperature T minimising the mean negative log-likelihood of
    :math:`\mathrm{softmax}(z / T)` for the true classes ``y``; a float.

    ``logits`` are the output layer's weighted inputs :math:`z^L` (n, n_classes), as
    :meth:`~nnwidgets.network.Network.logits` gives them, never probabilities (rows in [0, 1]
    that sum to 1 are refused as such); ``y`` integer
    labels or one-hot targets. Fit on held-out examples the network never trained on (not on
    the test examples the calibration is then measured on). T > 1 says the network was
    overconfident.

    The negative log-likelihood is convex in 1/T (a log-sum-exp of terms linear in 1/T, minus
    a linear term), so it has a single minimum along log T too, and a golden-section search
    over log T in ``bounds`` finds it to a relative precision of ``tol`` (no SciPy). When the
    minimum lies beyond the bounds, the nearer bound is returned: a network right on every
    example wants T towards 0.
    """
    Z = _logits(logits)
    if _look_like_probabilities(Z):
        # T fitted to probabilities is meaningless (0.2 where the logits give 1.7), silently.
        raise ValueError(
            f"fit_temperature needs logits (net.logits(X)), not probabilities: got {len(Z)} "
            f"rows of values in [0, 1], each summing to 1 (softmax outputs, as "
            f"net.predict_proba gives them)"
        )
    return fitted_temperature(Z, y, bounds=bounds, tol=tol)


def fitted_temperature(Z, y, *, bounds=(0.05, 20.0), tol=1e-5):
    """:func:`fit_temperature` without its refusal of probabilities: lab 13's check works out
    the T a learner who fed them would get, to name that mistake."""
    Z = _logits(Z)
    Y = _checks.targets(_target_rows(y, "y"), len(Z), Z.shape[1], np.float64)
    low, high = _bounds(bounds)
    tol = _checks.check_range(tol, "tol", 0.0, 1.0, low_open=True, high_open=True)

    # -sum_j y_j ln softmax(z / T)_j = (sum_j y_j) logsumexp(z / T) - (sum_j y_j z_j) / T
    target_z, weight = np.einsum("ij,ij->i", Y, Z), Y.sum(axis=1)
    shift = Z.max(axis=1, keepdims=True)  # z - max z <= 0: exp cannot overflow at any T

    def nll(log_t):
        t = math.exp(log_t)
        with np.errstate(over="ignore"):  # (z - max z) / t towards -inf only: exp gives 0
            lse = np.log(np.exp((Z - shift) / t).sum(axis=1))
        # -sum_j y_j ln softmax_j, the shift added back as the difference it makes
        return float(np.dot(weight, lse) - (target_z - weight * shift[:, 0]).sum() / t) / len(Z)

    # Golden-section search: keep a bracket [a, b] with two inner points, drop the worse end.
    inv_phi = (math.sqrt(5.0) - 1.0) / 2.0  # 1/phi = 0.618...
    a, b = math.log(low), math.log(high)
    c, d = b - inv_phi * (b - a), a + inv_phi * (b - a)
    fc, fd = nll(c), nll(d)
    for _ in range(MAX_STEPS):
        if b - a <= tol:
            break
        if fc <= fd:  # the minimum is left of d
            b, d, fd = d, c, fc
            c = b - inv_phi * (b - a)
            fc = nll(c)
        else:  # the minimum is right of c
            a, c, fc = c, d, fd
            d = a + inv_phi * (b - a)
            fd = nll(d)
    return math.exp((a + b) / 2.0)


def fgsm(net, X, y, eps):
    r"""The fast gradient sign method: each example nudged by ``eps`` per pixel in the direction
    that raises its cost most, :math:`x' = \mathrm{clip}(x + \epsilon\,\mathrm{sign}
    \nabla_x C_x, 0, 1)`.

    ``net`` is a :class:`~nnwidgets.network.Network`, ``X`` (n, n_in) inputs in [0, 1] (images
    are flattened; one example may be a vector, with one label), ``y`` their true labels or
    targets and ``eps`` >= 0 the size of the nudge.
    Returns the nudged inputs, (n, n_in) of the network's dtype. A pixel whose gradient is
    exactly 0 does not move. Compare ``net.score(fgsm(net, X, y, eps), y)`` with
    ``net.score(X, y)``.
    """
    eps = _checks.check_range(eps, "eps", 0.0, math.inf)
    if not callable(getattr(net, "input_gradient", None)):
        raise TypeError(f"net must be a Network (with input_gradient); got {type(net).__name__}")
    y = _checks.one_example_label(X, y)  # one example as a vector, with its one label
    X = net.check_inputs(X)
    if X.min() < 0 or X.max() > 1:
        raise ValueError(
            f"X must hold pixels in [0, 1] (the nudged copy is clipped to it); "
            f"got values from {X.min():g} to {X.max():g}"
        )
    step = np.sign(net.input_gradient(X, y))  # up the cost: the direction that hurts most
    # Pixels lie in [0, 1]: any eps >= 1 already takes each to 0 or 1 (and 1e300 as float32
    # is inf, whose product with a zero gradient is NaN).
    return np.clip(X + X.dtype.type(min(eps, 1.0)) * step, 0.0, 1.0)


# -- checks and helpers -------------------------------------------------------------------------
def _log_softmax(Z, *, exp=False):
    """ln softmax of each row (or softmax itself with ``exp``), without overflow."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return np.exp(log_p) if exp else log_p


def _matrix(values, name, what):
    try:
        M = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of numbers ({what}); got {type(values).__name__}"
        ) from None
    if M.ndim != 2 or M.shape[1] < 2 or len(M) == 0:
        raise ValueError(
            f"{name} must have shape (n_samples, n_classes) with at least one "
            f"example and two classes ({what}); got shape {M.shape}"
        )
    if not np.isfinite(M).all():
        raise ValueError(f"{name} must be finite; got NaN or infinite values")
    return M


def _look_like_probabilities(M):
    """Whether every row of ``M`` is in [0, 1] and sums to 1 (to 1e-3, float32's softmax)."""
    return M.min() >= 0 and M.max() <= 1 and np.allclose(M.sum(axis=1), 1.0, atol=1e-3)


def _probabilities(P):
    P = _matrix(P, "P", "one row of class probabilities per example")
    if not _look_like_probabilities(P):
        worst = int(np.argmax(np.abs(P.sum(axis=1) - 1.0)))
        raise ValueError(
            f"P must hold probabilities in [0, 1], each row summing to 1 (softmax "
            f"outputs; for logits use softmax(logits)); got row {worst} summing "
            f"to {P[worst].sum():g}, values from {P.min():g} to {P.max():g}"
        )
    return P


def _logits(Z):
    return _matrix(Z, "logits", "the output layer's weighted inputs z, one row per example")


def _labels(y, P):
    """Integer class labels (n,) for ``y``: labels, or one-hot targets whose hot position is
    taken."""
    truth = _checks.check_labels(_target_rows(y, "y"), len(P), P.shape[1])
    if truth.ndim == 2 and not ((truth == 0) | (truth == 1)).all():
        raise ValueError(
            "y must be integer labels or one-hot targets (one 1 per row, zeros elsewhere); "
            "got targets with other values"
        )
    return truth.argmax(axis=1) if truth.ndim == 2 else truth


def _target_rows(y, name):
    """``y`` unchanged, unless it is a matrix of targets that is not a distribution per row:
    -1 for the truth, or rows of zeros, would be read as another class (or none) silently."""
    Y = np.asarray(y)
    if Y.ndim == 2 and Y.shape[1] > 1 and Y.dtype.kind in "biuf":
        sums = Y.sum(axis=1, dtype=np.float64)
        if Y.min() < 0 or not np.allclose(sums, 1.0, atol=1e-6):
            worst = int(np.argmax(np.abs(sums - 1.0))) if Y.min() >= 0 else int(Y.min(1).argmin())
            raise ValueError(
                f"{name} as targets must hold one row per example of numbers >= 0 summing to 1 "
                f"(one-hot); got row {worst}: {_checks._shorten(Y[worst].tolist())}"
            )
    return y


def _bounds(bounds):
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds must be a pair (low, high) of temperatures; got {bounds!r}"
        ) from None
    low = _checks.check_range(low, "bounds[0]", 0.0, math.inf, low_open=True)
    high = _checks.check_range(high, "bounds[1]", 0.0, math.inf, low_open=True)
    if not low < high:
        raise ValueError(f"bounds must be (low, high) with low < high; got {bounds!r}")
    return low, high
