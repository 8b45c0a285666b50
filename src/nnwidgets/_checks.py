"""Checks on what users pass in, shared by the network, the training loop and gradcheck.

Each raises an error naming the parameter, what was expected and what arrived. Public to the
package (``Network.check_inputs`` and ``Network.targets`` wrap the first three), private to
users.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_inputs", "check_labels", "targets", "positive_int", "check_range",
           "describe_range", "check_seed"]


def check_inputs(X, n_in, dtype):
    """``X`` as a finite (n, n_in) array of ``dtype``; images (n, 28, 28) are flattened."""
    try:
        X = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"X must be an array of numbers; got {type(X).__name__}") from exc
    if X.ndim == 1 and X.size == n_in:
        X = X.reshape(1, n_in)
    elif X.ndim > 2 and int(np.prod(X.shape[1:])) == n_in:
        X = X.reshape(len(X), n_in)
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must have shape (n_samples, {n_in}) for this network's "
                         f"{n_in} inputs; got shape {X.shape}")
    if len(X) == 0:
        raise ValueError("X is empty: expected at least one example")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; inputs must be finite")
    return X


def check_labels(y, n, n_out):
    """Integer labels (n,) in 0..n_out-1, or finite targets (n, n_out)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape == (n, n_out):
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinite values")
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"y must be {n} integer labels (shape ({n},)) or targets of shape "
                         f"({n}, {n_out}); got shape {y.shape}")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.isfinite(y).all() and (y == np.round(y)).all():
            y = y.astype(np.int64)
        else:
            raise ValueError(f"y must hold integer class labels; got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= n_out:
        bad = y[(y < 0) | (y >= n_out)][0]
        raise ValueError(f"labels must be in 0..{n_out - 1} for {n_out} outputs; got {bad}")
    return y


def targets(y, n, n_out, dtype):
    """The (n, n_out) target matrix of ``dtype`` for labels (one-hot) or targets ``y``."""
    y = check_labels(y, n, n_out)
    if y.ndim == 2:
        return y.astype(dtype, copy=False)
    Y = np.zeros((n, n_out), dtype=dtype)
    Y[np.arange(n), y] = 1.0
    return Y


def positive_int(value, name, *, allow_none=False):
    """``value`` as an int > 0 (or None when allowed); bools are not integers here."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        also = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a positive integer{also}; got {value!r}")
    return int(value)


def check_range(value, name, low, high, *, low_open=False, high_open=False):
    """``value`` as a finite float between ``low`` and ``high``; strings are refused.

    An infinite bound is always open (no finite number reaches it), so the message never says
    "in (0, inf]" and then refuses inf.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_shorten(value)} ({type(value).__name__})")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float's range, 10**400: a number, out of range
        raise ValueError(f"{name} must be {describe_range(low, high, low_open, high_open)}; "
                         f"got {_huge_int_text(value)}") from None
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if math.isnan(value) or math.isinf(value) or too_low or too_high:
        raise ValueError(f"{name} must be {describe_range(low, high, low_open, high_open)}; "
                         f"got {value}")
    return value


def describe_range(low, high, low_open, high_open):
    """The range in words: "a finite number > 0" when unbounded above, else "in [0, 1)"."""
    if math.isinf(high):
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def _shorten(value, limit=60):
    """``repr(value)``, cut short: a value from a page or a typo may be arbitrarily long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _huge_int_text(value):
    """An integer too large for a float, written like one: 10**400 -> "1e+400"."""
    digits = str(abs(int(value)))
    mantissa = (digits[0] + "." + digits[1:4]).rstrip("0").rstrip(".")
    return f"{'-' if value < 0 else ''}{mantissa}e+{len(digits) - 1}"


def check_seed(seed):
    """A seed ``np.random.default_rng`` accepts: None, an int >= 0, or a Generator."""
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer; got {seed!r}")
    return int(seed)
