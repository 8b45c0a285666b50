"""How a check reports: one line on success, a precise diagnosis on failure.

A failure names the input used, the expected and the actual result (with enough digits to see
that they differ), and what the difference means. The diagnosis comes from comparing the
answer with what each typical mistake would have produced on the same input. Whatever the
reader's function returns or raises, the check ends in a :class:`CheckFailed`: its own code
never fails on a strange answer.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

RTOL, ATOL = 1e-5, 1e-7


class CheckFailed(AssertionError):
    """A lab check found a mistake; the message says which and how to fix it."""


class Text(str):
    """A description shown as it is in the expected/got lines (not rendered as a value)."""


def show(a, digits=4):
    """A short one-line rendering of an array or a number."""
    if isinstance(a, Text):
        return str(a)
    if isinstance(a, (list, tuple)):
        try:
            a = np.asarray(a, dtype=float)
        except Exception:
            return _short_repr(a)
    if isinstance(a, np.ndarray) and a.dtype.kind in "biuf" and a.ndim == 0:
        a = a.item()
    if isinstance(a, np.ndarray) and a.dtype.kind in "biuf":
        text = np.array2string(
            np.asarray(a, dtype=float),
            precision=digits,
            separator=", ",
            suppress_small=True,
            max_line_width=10_000,
            threshold=12,
            edgeitems=3,
            floatmode="maxprec",
        )
        dtype = "" if a.dtype in (np.float64, np.int64) else f", {a.dtype}"
        return f"{' '.join(text.split())} (shape {a.shape}{dtype})"
    if isinstance(a, (bool, np.bool_)):
        return repr(bool(a))
    if isinstance(a, (int, float, np.integer, np.floating)):
        try:
            return f"{float(a):.{digits + 2}g}"
        except OverflowError:  # a Python int beyond any float
            return _short_repr(a)
    return _short_repr(a)


def _short_repr(value):
    if inspect.isgenerator(value):
        return "a generator object"
    try:
        text = " ".join(repr(value).split())
    except Exception:
        text = f"a {type(value).__name__} object"
    return f"{text[:117]}..." if len(text) > 120 else text


def describe(value):
    """What a value is, in words: its type, and its shape for arrays and lists of numbers."""
    if value is None:
        return Text("None")
    if inspect.isgenerator(value):
        return Text("a generator (written with ( ) where a list [ ] or an array belongs?)")
    if isinstance(value, np.ndarray):
        return Text(f"an array of shape {value.shape} ({value.dtype})")
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, np.ndarray) for v in value):
            return Text(
                f"a {type(value).__name__} of {len(value)} arrays of shapes "
                f"{[v.shape for v in value]}"
            )
        return Text(f"a {type(value).__name__} of {len(value)}: {_short_repr(value)}")
    return Text(f"{type(value).__name__}: {_short_repr(value)}")


def close(actual, expected):
    """Same shape and values equal to the checks' tolerance (False for anything non-numeric)."""
    try:
        actual = np.asarray(actual, dtype=float)
        expected = np.asarray(expected, dtype=float)
        return actual.shape == expected.shape and bool(
            np.allclose(actual, expected, rtol=RTOL, atol=ATOL)
        )
    except Exception:
        return False


def numbers(value):
    """``value`` as a float64 array, or None when it is not plain real numbers.

    Refused: None, strings, generators, dicts and sets, complex numbers, ragged lists and
    objects NumPy can only hold as ``object``.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)) or inspect.isgenerator(value):
        return None
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            return None
        return array.astype(float)
    except Exception:
        return None


def as_array(value, name, inputs, expected, what="the result"):
    """``value`` as a float array, or a CheckFailed saying what arrived instead."""
    array = numbers(value)
    if array is not None:
        return array
    if value is None:
        diagnosis = f"{what} is None: did you forget the `return` statement?"
    elif inspect.isgenerator(value):
        diagnosis = (
            f"{what} is a generator, not numbers: build a list with [ ... ] (or an "
            f"array), not ( ... )"
        )
    else:
        diagnosis = f"{what} should be numbers; got {type(value).__name__}"
    fail(name, inputs, expected, describe(value), diagnosis)


def shape_problem(actual, expected, what, *, values=True):
    """A sentence about a shape mismatch (naming the transpose or reshape that fixes it), or None.

    With ``values=False`` only ``expected``'s shape counts (its values are not the answer).
    """
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual.shape == expected.shape:
        return None
    head = f"{what} has shape {actual.shape}, expected {expected.shape}"
    if actual.ndim == 2 and actual.T.shape == expected.shape and not values:
        return (
            f"{head}: transposed ((n_in, n_out) where (n_out, n_in) belongs, or a row for a "
            f"column); swap the factors of the product (delta @ a.T, not a @ delta.T) or "
            f"transpose"
        )
    if not values:
        return head
    if actual.ndim == 2 and actual.T.shape == expected.shape:
        if np.allclose(actual.T, expected, rtol=RTOL, atol=ATOL):
            return (
                f"{head}: the values are right but transposed (a row where a column "
                f"belongs, or (n_in, n_out) for (n_out, n_in)); transpose it (`.T`) or swap "
                f"the order of the product"
            )
        return f"{head}: transposed, and the values differ too"
    if actual.size == expected.size and np.allclose(
        actual.reshape(expected.shape), expected, rtol=RTOL, atol=ATOL
    ):
        keep = (
            "column vectors (n, 1)" if expected.ndim == 2 and expected.shape[1] == 1 else "reshape"
        )
        return f"{head}: the values are right; keep the shape ({keep})"
    return head


def fail(name, inputs, expected, actual, diagnosis):
    """Raise CheckFailed with the check's standard message.

    ``expected`` and ``actual`` are values (shown with enough digits to tell them apart) or
    :class:`Text` descriptions.
    """
    shown_e, shown_a = _distinct(expected, actual)
    lines = [
        f"{name}: {diagnosis}",
        f"  input:    {inputs}",
        f"  expected: {shown_e}",
        f"  got:      {shown_a}",
    ]
    difference = _largest_difference(expected, actual)
    if difference:
        lines.append(f"  largest difference: {difference}")
    raise CheckFailed("\n".join(lines))


def _distinct(expected, actual):
    """``show`` of both, with digits enough to see the largest difference (up to 15)."""
    start = 4
    e, a = numbers(expected), numbers(actual)
    if e is not None and a is not None and e.shape == a.shape and e.size:
        with np.errstate(all="ignore"):
            relative = np.max(np.abs(a - e)) / max(float(np.max(np.abs(e))), 1e-300)
        if np.isfinite(relative) and relative > 0:
            start = int(min(max(np.ceil(-np.log10(relative)) + 1, 4), 15))
    for digits in (start, 6, 8, 10, 12, 15):
        if digits < start:
            continue
        e, a = show(expected, digits), show(actual, digits)
        if e != a:
            break
    return e, a


def _largest_difference(expected, actual):
    if isinstance(expected, Text) or isinstance(actual, Text):
        return None
    e, a = numbers(expected), numbers(actual)
    if e is None or a is None or e.shape != a.shape or e.size < 2:
        return None
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
    if not np.isfinite(diff).all():
        return None
    index = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return f"{diff[index]:.3g} at index {tuple(int(i) for i in index)}"


def diagnose(actual, expected, mistakes, name, inputs, what="the result", raw=None):
    """Fail with the diagnosis of the first mistake ``actual`` reproduces, or a generic one.

    ``mistakes`` is a list of ``(diagnosis, value_that_mistake_gives)``; ``raw`` is what the
    function returned, before conversion to float64 (for its precision). Returns quietly if
    ``actual`` is right.
    """
    if close(actual, expected):
        return
    for diagnosis, wrong in mistakes:
        if wrong is not None and close(actual, wrong):
            fail(name, inputs, expected, actual, diagnosis)
    fail(name, inputs, expected, actual, generic_problem(actual, expected, what, raw))


def generic_problem(actual, expected, what, raw=None):
    """What is wrong with a result that matches no known mistake, as well as can be said."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if not np.isfinite(actual).all():
        return (
            f"{what} contains NaN or infinite values (an overflow, a division by zero, or "
            f"np.nan somewhere?)"
        )
    problem = shape_problem(actual, expected, what)
    if problem:
        return problem
    precision = getattr(raw, "dtype", None)
    if np.allclose(actual, expected, rtol=1e-2, atol=1e-3):
        if precision is not None and precision.kind == "f" and precision.itemsize < 8:
            return (
                f"{what} is close but has too little precision: it was computed in "
                f"{precision} ({np.finfo(precision).precision} digits); compute in float64, "
                f"NumPy's default"
            )
        return (
            f"{what} is close but not equal to {-int(np.log10(RTOL))} significant digits: "
            f"something rounds, or a small term is missing"
        )
    return f"{what} has the right shape but wrong values (not a mistake these checks recognise)"


def call(fn, name, inputs, *args, expect="a result"):
    """``fn(*args)``, turning an exception into a CheckFailed that names the input.

    NotImplementedError passes through: an unfinished exercise stops there, and IPython shows
    the reader two lines naming the function to write instead of a traceback through the
    checks' own frames (it prints what an exception's ``_render_traceback_`` returns).
    """
    try:
        return fn(*args)
    except NotImplementedError as exc:
        lines = [
            f"NotImplementedError: {exc}",
            f"{name} is not written yet: replace the raise NotImplementedError(...) in it "
            f"with your code, run its cell, then this check again",
        ]
        exc._render_traceback_ = lambda: lines  # not `exc`: unbound once the except ends
        raise
    except Exception as exc:  # the reader's code can raise anything; say what and where
        hint = ""
        text = str(exc)
        if isinstance(exc, ValueError) and ("matmul" in text or "aligned" in text):
            hint = (
                "\n  the inner dimensions of a matrix product do not match: weights[l] has "
                "shape (n_out, n_in), so it is `w @ a` for a column a of shape (n_in, 1) "
                "(and `A @ w.T` for examples as rows); `w.T @ a` is the other orientation"
            )
        elif isinstance(exc, ValueError) and "broadcast" in text:
            hint = (
                "\n  two arrays of incompatible shapes were combined element-wise: check "
                "that biases and weighted inputs are both columns (n, 1), or both rows"
            )
        elif isinstance(exc, TypeError) and ("Python scalar" in text or "math" in text):
            hint = (
                "\n  a `math` function got an array: use NumPy's (np.exp), which works element-wise"
            )
        raise CheckFailed(
            f"{name} raised {type(exc).__name__}: {text}\n  input:    {inputs}\n"
            f"  expected: {expect}\n  got:      the {type(exc).__name__} above"
            f"{hint}"
        ) from exc


def numpy_warnings(fn, *args):
    """The RuntimeWarnings NumPy prints while ``fn(*args)`` runs (its default settings), each
    once: a right answer may still print them in every cell that uses it. An exception counts
    as none (the check has judged the answer already)."""
    with warnings.catch_warnings(record=True) as seen, np.errstate(all="warn"):
        warnings.simplefilter("always", RuntimeWarning)
        try:
            fn(*args)
        except Exception:
            return []
    return sorted({str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)})


def passed(name, what):
    print(f"\u2713 {name}: {what}")
