"""Checks on what users pass in, shared by the network, the training loop, gradcheck and the
widgets: one rule each, in one place.

Each raises an error naming the parameter, what was expected and what arrived, in one style:
"<name> must be ...; got <value>". Here: inputs and the one label-to-target rule
(:func:`targets` for a batch, :func:`target_vector` for one example), integers and ranges
(:func:`check_range`, which the Trainer's live settings use), misspelt keyword arguments
(:func:`reject_unknown`) and unscaled pixels (:func:`raw_pixel_top`). Public to the package
(``Network.check_inputs`` and ``Network.targets`` wrap the first ones), private to users.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings

import numpy as np

__all__ = [
    "check_inputs",
    "check_labels",
    "check_outputs",
    "targets",
    "target_vector",
    "one_example_label",
    "positive_int",
    "check_range",
    "describe_range",
    "reject_unknown",
    "check_seed",
    "raw_pixel_top",
    "warn_if_raw_pixels",
]


def check_inputs(X, n_in, dtype, name="X"):
    """``X`` as a finite (n, n_in) array of ``dtype``; images (n, 28, 28) are flattened. ``name``
    is what the messages call it (``X_val`` for validation data)."""
    raw = X
    try:
        with np.errstate(over="ignore"):  # a value beyond dtype's range: named below
            X = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers; got {type(X).__name__}") from exc
    if X.ndim == 1 and X.size == n_in:
        X = X.reshape(1, n_in)
    elif X.ndim > 2 and int(np.prod(X.shape[1:])) == n_in:
        X = X.reshape(len(X), n_in)
    if X.ndim != 2 or X.shape[1] != n_in:
        # One example as a 28x28 image or a (784, 1) column: say how to make it a row.
        one = f" (one example? {name}.reshape(1, {n_in}))" if X.size == n_in else ""
        raise ValueError(
            f"{name} must have shape (n_samples, {n_in}) for this network's "
            f"{n_in} inputs; got shape {X.shape}{one}"
        )
    if len(X) == 0:
        raise ValueError(f"{name} is empty: expected at least one example")
    if not np.isfinite(X).all():
        _raise_beyond_dtype(raw, X.dtype, name)
        raise ValueError(f"{name} contains NaN or infinite values; inputs must be finite")
    return X


def _raise_beyond_dtype(raw, dtype, name):
    """Raise if ``raw`` is finite but became infinite as ``dtype`` (1e300 as float32)."""
    raw = np.asarray(raw)
    if raw.dtype.kind not in "biuf" or not np.isfinite(raw).all():
        return
    top = float(np.abs(raw).max())
    raise ValueError(
        f"{name} has values up to {top:.3g} in size, beyond what this network's {dtype} "
        f"holds (at most {float(np.finfo(dtype).max):.3g}); scale the inputs to around "
        f"0..1 (X / X.max(), or X / 255.0 for pixels)"
    )


def check_outputs(a, X, weights, name="X", what="outputs"):
    """``a``, the outputs of a forward pass of the checked inputs ``X``, or a ValueError
    naming the inputs' scale when finite inputs through finite weights gave NaN or infinite
    outputs: the arithmetic overflowed (1e30 pixels through a ReLU network), and a NaN row
    would otherwise be read as class 0 with only NumPy's warning.

    Outputs of non-finite weights (edited by hand) are returned as they are. ``what`` names
    ``a`` in the message (the logits, an input gradient)."""
    bad = ~np.isfinite(a).all(axis=1)
    if not bad.any() or not all(np.isfinite(w).all() for w in weights):
        return a
    rows = np.flatnonzero(bad)
    top = float(np.abs(X[rows]).max())
    wtop = max(float(np.abs(w).max()) for w in weights)
    # Whichever is far from its usual size is the one to change: inputs beyond HUGE_INPUT, or
    # else weights grown huge (a learning rate too large, or weights set by hand).
    if top >= HUGE_INPUT or wtop < HUGE_INPUT:
        remedy = "Scale the inputs to around 0..1 (X / X.max(), or X / 255.0 for pixels)"
    else:
        remedy = (
            "The weights are far too large: train again with a smaller learning rate, or set "
            "smaller ones"
        )
    raise ValueError(
        f"the network's {what} are NaN or infinite for {len(rows)} of {len(a)} examples "
        f"(the first is row {rows[0]}): {name}'s values there reach {top:.3g} in size and "
        f"the weights {wtop:.3g}, too large for the network's {a.dtype} arithmetic (at most "
        f"{float(np.finfo(a.dtype).max):.3g}). {remedy}"
    )


def check_labels(y, n, n_out, name="y"):
    """Integer labels (n,) in 0..n_out-1, or finite targets (n, n_out); ``name`` is what the
    messages call them.

    With one output, ``y`` holds the desired outputs themselves, (n,) or (n, 1): returned as
    (n, 1) targets (labels 0 and 1 of a yes/no network are such numbers).
    """
    y = np.asarray(y)
    if n_out == 1 and y.shape in ((n,), (n, 1)):
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"{name} must hold numbers (the desired output of the network's one "
                f"neuron); got dtype {y.dtype}"
            )
        y = y.reshape(n, 1)
    if y.ndim == 2 and y.shape == (n, n_out):
        if not np.isfinite(y).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        return y
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        if n_out == 1:
            raise ValueError(
                f"{name} must be the desired outputs of the network's one neuron, "
                f"shape ({n},) or ({n}, 1); got shape {y.shape}"
            )
        raise ValueError(
            f"{name} must be {n} integer labels (shape ({n},)) or targets of shape "
            f"({n}, {n_out}); got shape {y.shape}"
        )
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.isfinite(y).all() and (y == np.round(y)).all():
            y = y.astype(np.int64)
        elif y.dtype.kind == "b" and n_out == 2:  # y > 0.5: False and True are 0 and 1
            y = y.astype(np.int64)
        else:
            raise ValueError(
                f"{name} must hold integer class labels; got dtype {y.dtype}{_label_hint(y, n_out)}"
            )
    if y.min() < 0 or y.max() >= n_out:
        bad = y[(y < 0) | (y >= n_out)][0]
        raise ValueError(f"{name}: labels must be in 0..{n_out - 1} for {n_out} outputs; got {bad}")
    return y


def _label_hint(y, n_out):
    """Why labels of ``y``'s dtype are refused, when a learner's likely slip explains it."""
    if y.dtype.kind in "US":  # read from a CSV file as text: "3"
        return " (text: convert it first, y.astype(int))"
    if y.dtype.kind == "b":
        return f" (True/False name two classes; this network has {n_out} outputs)"
    if y.dtype.kind == "f":
        return " (numbers that are not whole: class labels are 0, 1, 2, ...)"
    return ""


def targets(y, n, n_out, dtype, name="y"):
    """The (n, n_out) target matrix of ``dtype`` for labels (one-hot) or targets ``y``.

    The one label-to-target rule of the package: for a batch here, for one example in
    :func:`target_vector`.
    """
    y = check_labels(y, n, n_out, name)
    if y.ndim == 2:
        return y.astype(dtype, copy=False)
    Y = np.zeros((n, n_out), dtype=dtype)
    Y[np.arange(n), y] = 1.0
    return Y


def target_vector(y, n_out, dtype=np.float64):
    """The desired output (n_out,) for one example's target ``y``, by the rule of
    :func:`targets`: an int label (one-hot), or ``n_out`` numbers as a vector, an (n_out, 1)
    column or a (1, n_out) row (a one-hot may be bool).

    With a single output neuron a number is the desired output itself (0 or 1 for a yes/no
    network): a one-hot over one neuron would turn the label 0 into the target 1.
    """
    t = np.asarray(y)
    label = t.ndim == 0 and t.dtype.kind in "iu" and n_out > 1  # 7, np.int64(7), y[7]
    shapes = {(n_out,), (n_out, 1), (1, n_out)} | ({()} if n_out == 1 else set())
    if not label and (t.dtype.kind not in "fiub" or t.shape not in shapes):
        raise ValueError(
            f"target must be a label in 0..{n_out - 1} or {n_out} numbers (a "
            f"vector or an ({n_out}, 1) column); got {_shorten(y)}"
        )
    try:
        row = targets(t.reshape(1) if label else t.reshape(1, n_out), 1, n_out, dtype)
    except ValueError as exc:
        if "NaN" in str(exc):
            raise ValueError("target contains NaN or infinite values") from None
        raise ValueError(
            f"target must be a label in 0..{n_out - 1} or {n_out} numbers; got {_shorten(y)}"
        ) from None
    return row[0]


def one_example_label(X, y):
    """``y`` as one label, shape (1,), when ``X`` is a single example given as a vector and
    ``y`` a lone number (3, ``np.int64(3)``), as :func:`check_inputs` takes the vector as one
    example, or as one row (1, n_out) when ``y`` is that example's one-hot vector; else ``y``
    as it came. A batch still needs a label per example."""
    if np.ndim(X) == 1 and np.ndim(y) == 0:
        return np.reshape(y, 1)
    if np.ndim(X) == 1 and np.ndim(y) == 1 and np.size(y) > 1:  # its one-hot (or targets) row
        return np.reshape(y, (1, -1))
    return y


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
        raise ValueError(
            f"{name} must be {describe_range(low, high, low_open, high_open)}; "
            f"got {_huge_int_text(value)}"
        ) from None
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if math.isnan(value) or math.isinf(value) or too_low or too_high:
        raise ValueError(
            f"{name} must be {describe_range(low, high, low_open, high_open)}; got {value}"
        )
    return value


def describe_range(low, high, low_open, high_open):
    """The range in words: "a finite number > 0" when unbounded above, else "in [0, 1)"."""
    if math.isinf(high):
        return f"a finite number {'>' if low_open else '>='} {low:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def reject_unknown(kwargs, allowed, where):
    """The one message for a misspelt keyword argument: a TypeError naming it and the allowed.

    ``where`` names the callable, as Python's own message does: "fit() got an unexpected
    keyword argument 'momentun'; expected one of: ... Check the spelling."
    """
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(
            f"{where}() got an unexpected keyword argument {unknown[0]!r}; "
            f"expected one of: {', '.join(sorted(allowed))}. Check the spelling."
        )


def _shorten(value, limit=60):
    """``repr(value)``, cut short: a value from a page or a typo may be arbitrarily long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _huge_int_text(value):
    """An integer too large for a float, written like one: 10**400 -> "1e+400"."""
    digits = str(abs(int(value)))
    mantissa = (digits[0] + "." + digits[1:4]).rstrip("0").rstrip(".")
    return f"{'-' if value < 0 else ''}{mantissa}e+{len(digits) - 1}"


def raw_pixel_top(X):
    """The largest input if ``X`` (n, features) looks like unscaled 0..255 pixels (whole numbers,
    none negative, the largest above 1.5 and at most 255), else 0.0."""
    if X.ndim != 2 or X.shape[1] < 64 or X.min() < 0:  # 8x8 is the smallest image anyone trains on
        return 0.0
    top = float(X.max())
    sample = X[:1000]
    return top if 1.5 < top <= 255 and np.array_equal(sample, np.round(sample)) else 0.0


#: Training inputs this large (in size) get a warning: a ReLU network diverges on inputs of
#: 100 at the default learning rate, and a sigmoid one saturates and stays near chance.
HUGE_INPUT = 1e3


def warn_if_raw_pixels(X):
    """Warn when training inputs look like unscaled 0..255 pixels, which train to chance, or
    are otherwise far from 0..1 (:data:`HUGE_INPUT`): the divergence that follows would only
    name the learning rate."""
    top = raw_pixel_top(X)
    if top:
        warnings.warn(
            f"X looks like raw pixel values (whole numbers from 0 to {top:g}): unscaled inputs "
            f"saturate the neurons and training stays near chance. Divide by 255 (X / 255.0), "
            f"or load with normalize=True.",
            UserWarning,
            stacklevel=_caller_outside_package(),
        )
        return
    # max and min, not abs(X).max(): no copy of a training set of 60,000 digits
    size = max(abs(float(X.max())), abs(float(X.min()))) if X.size else 0.0
    if size >= HUGE_INPUT:
        warnings.warn(
            f"X's values reach {size:.3g} in size: inputs this far from 0..1 saturate sigmoid "
            f"neurons and make ReLU training diverge, whatever the learning rate says. "
            f"Scale them first: X / abs(X).max(), or (X - X.mean(0)) / X.std(0).",
            UserWarning,
            stacklevel=_caller_outside_package(),
        )


def cores():
    """The CPUs this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def warn_if_more_threads_than_cores(threads):
    """Warn when ``threads`` BLAS threads exceed the cores: they take turns on the same cores,
    and each small product waits for all of them (an epoch took 50 times as long with
    threads=100000 on 2 cores)."""
    if threads is not None and threads > cores():
        warnings.warn(
            f"threads={threads} is more than the {cores()} CPUs this process may use: the "
            f"threads would take turns on them, which makes training far slower. Use at most "
            f"{cores()}, or threads=None to let the Trainer choose.",
            UserWarning,
            stacklevel=_caller_outside_package(),
        )


def _caller_outside_package():
    """The warnings stacklevel of the first caller outside nnwidgets (fit or Trainer user)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def check_seed(seed):
    """A seed ``np.random.default_rng`` accepts: None, an int >= 0, or a Generator."""
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer; got {seed!r}")
    return int(seed)
