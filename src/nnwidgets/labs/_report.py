"""How a check reports: one line on success, a precise diagnosis on failure.

A failure names the input used, the expected and the actual values (briefly), and what the
difference means. The diagnosis comes from comparing the answer with what each typical mistake
would have produced on the same input.
"""

from __future__ import annotations

import numpy as np

RTOL, ATOL = 1e-5, 1e-7


class CheckFailed(AssertionError):
    """A lab check found a mistake; the message says which and how to fix it."""


def show(a, digits=4):
    """A short one-line rendering of an array or a number."""
    if isinstance(a, (list, tuple)) and not isinstance(a, np.ndarray):
        try:
            a = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            return repr(a)[:120]
    if isinstance(a, np.ndarray):
        text = np.array2string(np.asarray(a, dtype=float), precision=digits, separator=", ",
                               suppress_small=True, max_line_width=10_000, threshold=12,
                               edgeitems=3)
        return f"{' '.join(text.split())} (shape {a.shape})"
    if isinstance(a, (float, np.floating)):
        return f"{float(a):.{digits + 2}g}"
    return repr(a)[:120]


def close(actual, expected):
    """Same shape and values equal to the checks' tolerance (False for anything non-numeric)."""
    try:
        actual = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=float)
    return actual.shape == expected.shape and bool(np.allclose(actual, expected, rtol=RTOL, atol=ATOL))


def as_array(value, what):
    """``value`` as a float array, or a CheckFailed saying what arrived instead."""
    if value is None:
        raise CheckFailed(f"{what} returned None: did you forget the `return` statement?")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should return numbers; got {type(value).__name__}: "
                          f"{show(value)}") from None


def shape_problem(actual, expected, what, *, values=True):
    """A sentence about a shape mismatch (naming the transpose or reshape that fixes it), or None.

    With ``values=False`` only ``expected``'s shape counts (its values are not the answer).
    """
    if actual.shape == expected.shape:
        return None
    head = f"{what} has shape {actual.shape}, expected {expected.shape}"
    if actual.ndim == 2 and actual.T.shape == expected.shape and not values:
        return (f"{head}: transposed ((n_in, n_out) where (n_out, n_in) belongs, or a row for a "
                f"column); swap the factors of the product (delta @ a.T, not a @ delta.T) or transpose")
    if not values:
        return head
    if actual.ndim == 2 and actual.T.shape == expected.shape:
        if np.allclose(actual.T, expected, rtol=RTOL, atol=ATOL):
            return f"{head}: the values are right but transposed (a row where a column belongs, or (n_in, n_out) for (n_out, n_in)); transpose it (`.T`) or swap the order of the product"
        return f"{head}: transposed, and the values differ too"
    if actual.size == expected.size and np.allclose(actual.reshape(expected.shape), expected,
                                                    rtol=RTOL, atol=ATOL):
        return f"{head}: the values are right; keep the shape ({'column vectors (n, 1)' if expected.ndim == 2 and expected.shape[1] == 1 else 'reshape'})"
    return head


def fail(name, inputs, expected, actual, diagnosis):
    """Raise CheckFailed with the check's standard message."""
    lines = [f"{name}: {diagnosis}", f"  input:    {inputs}"]
    if expected is not None:
        lines.append(f"  expected: {show(expected)}")
    if actual is not None:
        lines.append(f"  got:      {show(actual)}")
    raise CheckFailed("\n".join(lines))


def diagnose(actual, expected, mistakes, name, inputs, what="the result"):
    """Fail with the diagnosis of the first mistake ``actual`` reproduces, or a generic one.

    ``mistakes`` is a list of ``(diagnosis, value_that_mistake_gives)``. Returns quietly if
    ``actual`` is right.
    """
    if close(actual, expected):
        return
    for diagnosis, wrong in mistakes:
        if wrong is not None and close(actual, wrong):
            fail(name, inputs, expected, actual, diagnosis)
    problem = shape_problem(actual, np.asarray(expected, dtype=float), what)
    if problem:
        fail(name, inputs, expected, actual, problem)
    fail(name, inputs, expected, actual,
         f"{what} has the right shape but wrong values (not a mistake these checks recognise)")


def call(fn, name, inputs, *args):
    """``fn(*args)``, turning an exception into a CheckFailed that names the input.

    NotImplementedError passes through unchanged: an unfinished exercise stops there.
    """
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the reader's code can raise anything; say what and where
        hint = ""
        text = str(exc)
        if isinstance(exc, ValueError) and ("matmul" in text or "aligned" in text):
            hint = ("\n  the inner dimensions of a matrix product do not match: weights[l] has shape "
                    "(n_out, n_in), so it is `w @ a` for a column a of shape (n_in, 1) (and "
                    "`A @ w.T` for examples as rows); `w.T @ a` is the other orientation")
        elif isinstance(exc, ValueError) and "broadcast" in text:
            hint = ("\n  two arrays of incompatible shapes were combined element-wise: check "
                    "that biases and weighted inputs are both columns (n, 1), or both rows")
        elif isinstance(exc, TypeError) and ("Python scalar" in text or "math" in text):
            hint = "\n  a `math` function got an array: use NumPy's (np.exp), which works element-wise"
        raise CheckFailed(f"{name} raised {type(exc).__name__}: {text}\n  input: {inputs}{hint}") from exc


def passed(name, what):
    print(f"\u2713 {name}: {what}")
