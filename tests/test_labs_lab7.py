"""Lab 7's checks (the cost function) against typical wrong answers: each mistake gets its own
diagnosis, right variants (float32, clipping, another formulation) pass, and whatever the
reader's function returns or raises ends in a CheckFailed. A check that passes a wrong answer
is a defect."""

import numpy as np
import pytest
from _labs import fails_with, sigmoid

from nnwidgets.labs import CheckFailed, check


# -- cross_entropy_cost --------------------------------------------------------------------------
def ce_book(A, Y):
    """network2.py's CrossEntropyCost.fn, averaged over the rows."""
    return np.mean(np.sum(np.nan_to_num(-Y * np.log(A) - (1 - Y) * np.log(1 - A)), axis=1))


def ce_clipped(A, Y):
    A = np.clip(A, 1e-12, 1 - 1e-12)
    return -np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1))


def ce_where(A, Y):
    # The right class's term only where y = 1, the other's where y = 0: one-hot targets.
    with np.errstate(divide="ignore"):
        per_entry = np.where(Y == 1, -np.log(A), -np.log(1 - A))
    return per_entry.sum(axis=1).mean()


def ce_float32(A, Y):
    A, Y = A.astype(np.float32), Y.astype(np.float32)
    return ce_book(A, Y)


CE_RIGHT = {"book's nan_to_num": ce_book, "clip": ce_clipped, "where": ce_where, "f32": ce_float32}


def test_cross_entropy_passes_a_noisy_right_answer_and_says_how_to_quiet_it(capsys):
    # The book's nan_to_num alone is right, but NumPy warns on 0 ln 0 in every training cell.
    def ce_noisy(A, Y):
        with np.errstate(all="warn"):
            return ce_book(A, Y)

    check.cross_entropy_cost(ce_noisy)
    out = capsys.readouterr().out
    assert out.startswith("\u2713 cross_entropy_cost:") and "divide by zero" in out
    assert 'np.errstate(divide="ignore", invalid="ignore")' in out
    check.cross_entropy_cost(ce_where)  # quiet: no note
    assert "NumPy warns" not in capsys.readouterr().out


def ce_terms(A, Y, log=np.log):
    return np.nan_to_num(-Y * log(A) - (1 - Y) * log(1 - A))


CE_MISTAKES = {
    "log-likelihood only": (
        lambda A, Y: np.mean(np.sum(np.nan_to_num(-Y * np.log(A)), axis=1)),
        "(1 - y) ln(1 - a) term is missing",
    ),
    "NaN at a = y": (
        lambda A, Y: -np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1)),
        "0 * ln 0",
    ),
    "sign": (lambda A, Y: -ce_book(A, Y), "sign is wrong"),
    "sum over examples": (lambda A, Y: ce_terms(A, Y).sum(), "summed over the examples"),
    "mean over outputs too": (
        lambda A, Y: ce_terms(A, Y).mean(),
        "averaged over the 3 outputs too",
    ),
    "mean over outputs, not examples": (
        lambda A, Y: ce_terms(A, Y).sum(axis=0).mean(),
        "instead of the 4 examples",
    ),
    "log10": (lambda A, Y: np.mean(np.sum(ce_terms(A, Y, np.log10), axis=1)), "log10"),
    "log2": (lambda A, Y: np.mean(np.sum(ce_terms(A, Y, np.log2), axis=1)), "log2"),
    "per example": (lambda A, Y: ce_terms(A, Y).sum(axis=1), "one cost per example"),
    "per entry": (lambda A, Y: ce_terms(A, Y), "one number per output of each example"),
    "A and Y swapped": (lambda A, Y: ce_book(Y, A), "A and Y swapped"),
    "quadratic": (lambda A, Y: 0.5 * np.mean(np.sum((A - Y) ** 2, axis=1)), "quadratic cost"),
    "clipped too hard": (
        lambda A, Y: ce_clipped(np.clip(A, 0.01, 0.99), Y),
        "exactly right",
    ),
    "no return": (lambda A, Y: None, "forget the `return`"),
}


@pytest.mark.parametrize("variant", CE_RIGHT)
def test_cross_entropy_cost_passes_right_answers(variant, capsys):
    check.cross_entropy_cost(CE_RIGHT[variant])
    assert capsys.readouterr().out.startswith("\u2713 cross_entropy_cost")


@pytest.mark.parametrize("mistake", CE_MISTAKES)
def test_cross_entropy_cost_diagnoses(mistake):
    fn, phrase = CE_MISTAKES[mistake]
    fails_with(check.cross_entropy_cost, fn, phrase)


def test_cross_entropy_cost_check_is_silent_about_numpy_warnings(recwarn):
    # The naive formula warns (log of 0); the check's message is the one thing said.
    fails_with(check.cross_entropy_cost, CE_MISTAKES["NaN at a = y"][0], "0 * ln 0")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# -- delta_cross_entropy -------------------------------------------------------------------------
DELTA_RIGHT = {
    "a - y": lambda Z, A, Y: A - Y,
    "sigma(z) - y": lambda Z, A, Y: sigmoid(Z) - Y,
    "f32": lambda Z, A, Y: (A - Y).astype(np.float32),
}

DELTA_MISTAKES = {
    "quadratic delta": (
        lambda Z, A, Y: (A - Y) * sigmoid(Z) * (1 - sigmoid(Z)),
        "quadratic cost's delta",
    ),
    "dC/da": (lambda Z, A, Y: (A - Y) / (A * (1 - A)), "dC/da"),
    "y - a": (lambda Z, A, Y: Y - A, "sign is wrong"),
    "z for a": (lambda Z, A, Y: Z - Y, "used z where a belongs"),
    "sigmoid twice": (lambda Z, A, Y: sigmoid(A) - Y, "applied the sigmoid to A"),
    "divided by n": (lambda Z, A, Y: (A - Y) / len(A), "divided by the number of examples"),
    "y missing": (lambda Z, A, Y: A, "y is missing"),
    "sigma' of a": (
        lambda Z, A, Y: (A - Y) * sigmoid(A) * (1 - sigmoid(A)),
        "sigma'(a) instead of sigma'(z)",
    ),
    "transposed": (lambda Z, A, Y: (A - Y).T, "transpose"),
    "summed over examples": (lambda Z, A, Y: (A - Y).sum(axis=0), "do not sum or average"),
    "raises": (lambda Z, A, Y: Z @ A, "raised ValueError"),
}


@pytest.mark.parametrize("variant", DELTA_RIGHT)
def test_delta_cross_entropy_passes_right_answers(variant, capsys):
    check.delta_cross_entropy(DELTA_RIGHT[variant])
    assert capsys.readouterr().out.startswith("\u2713 delta_cross_entropy")


@pytest.mark.parametrize("mistake", DELTA_MISTAKES)
def test_delta_cross_entropy_diagnoses(mistake):
    fn, phrase = DELTA_MISTAKES[mistake]
    fails_with(check.delta_cross_entropy, fn, phrase)


# -- softmax -------------------------------------------------------------------------------------
def softmax_right(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_logsumexp(Z):
    m = Z.max(axis=1, keepdims=True)
    return np.exp(Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))


def softmax_loops(Z):
    out = []
    for row in Z:
        top = max(row)
        e = [float(np.exp(z - top)) for z in row]
        out.append([x / sum(e) for x in e])
    return out  # a list of lists


def softmax_in_place(Z):
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


SOFTMAX_RIGHT = {
    "max subtracted": softmax_right,
    "log-sum-exp": softmax_logsumexp,
    "f32": lambda Z: softmax_right(Z.astype(np.float32)),
    "loops, lists": softmax_loops,
    "in place": softmax_in_place,
}


def softmax_naive(Z):
    e = np.exp(Z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_global_max(Z):
    e = np.exp(Z - Z.max())
    return e / e.sum(axis=1, keepdims=True)


def softmax_column_max(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_axis0(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_axis0_rowmax(Z):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_no_keepdims(Z):
    e = np.exp(Z - Z.max(axis=1))
    return e / e.sum(axis=1)


def softmax_shifted_by(shift):
    """Softmax with ``shift(Z)`` (a column) subtracted from each row: right when it is the max."""

    def fn(Z):
        e = np.exp(Z - shift(Z))
        return e / e.sum(axis=1, keepdims=True)

    return fn


def softmax_log(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))


SOFTMAX_MISTAKES = {
    "no max subtraction": (softmax_naive, "e^1000 overflows"),
    "one max for the whole array": (softmax_global_max, "each row's own maximum"),
    "each column's max": (softmax_column_max, "each row's own maximum"),
    "normalised over examples": (softmax_axis0, "normalised over the examples"),
    "normalised over examples, row max": (softmax_axis0_rowmax, "normalised over the examples"),
    "no keepdims": (softmax_no_keepdims, "keepdims=True"),
    "no exp": (lambda Z: Z / Z.sum(axis=1, keepdims=True), "no exp"),
    "max subtracted above the line only": (
        lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)) / np.exp(Z).sum(axis=1, keepdims=True),
        "in the numerator only",
    ),
    "log-softmax": (softmax_log, "log-softmax"),
    "(n,) vector": (lambda Z: softmax_right(Z).max(axis=1), "one number per example"),
    "not normalised": (lambda Z: np.exp(Z - Z.max(axis=1, keepdims=True)), "without dividing"),
    "whole array normalised": (
        lambda Z: (
            np.exp(Z - Z.max(axis=1, keepdims=True))
            / np.exp(Z - Z.max(axis=1, keepdims=True)).sum()
        ),
        "every entry at once",
    ),
    "a string": (lambda Z: "softmax", "should be numbers"),
    "row min subtracted": (
        softmax_shifted_by(lambda Z: Z.min(axis=1, keepdims=True)),
        "the row's minimum",
    ),
    "row mean subtracted": (
        softmax_shifted_by(lambda Z: Z.mean(axis=1, keepdims=True)),
        "the row's mean",
    ),
}


@pytest.mark.parametrize("variant", SOFTMAX_RIGHT)
def test_softmax_passes_right_answers(variant, capsys):
    check.softmax(SOFTMAX_RIGHT[variant])
    assert capsys.readouterr().out.startswith("\u2713 softmax")


@pytest.mark.parametrize("mistake", SOFTMAX_MISTAKES)
def test_softmax_diagnoses(mistake):
    fn, phrase = SOFTMAX_MISTAKES[mistake]
    fails_with(check.softmax, fn, phrase)


@pytest.mark.parametrize("statistic", ["min", "mean"])
def test_softmax_shifted_by_the_row_min_or_mean_fails_on_a_wide_row(statistic):
    # Both are right on rows spanning 2, and overflow to nan on a row like (-1000, 0, 1000).
    fn = softmax_shifted_by(lambda Z: getattr(Z, statistic)(axis=1, keepdims=True))
    fails_with(check.softmax, fn, "-1000", "nan", "Z.max(axis=1, keepdims=True)", "e^0 = 1")


def test_an_unwritten_exercise_passes_its_not_implemented_error_through():
    def stub(*args):
        raise NotImplementedError("your code here: write softmax")

    for check_fn in (check.cross_entropy_cost, check.delta_cross_entropy, check.softmax):
        with pytest.raises(NotImplementedError):
            check_fn(stub)


JUNK = [None, "text", {"a": 1}, (i for i in range(3)), np.array([1 + 2j]), 10**400, [1, [2, 3]]]


@pytest.mark.parametrize("check_name", ["cross_entropy_cost", "delta_cross_entropy", "softmax"])
@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_whatever_comes_back_the_check_says_what_is_wrong(check_name, junk):
    with pytest.raises(CheckFailed):
        getattr(check, check_name)(lambda *args: junk)


@pytest.mark.parametrize("check_name", ["cross_entropy_cost", "delta_cross_entropy", "softmax"])
@pytest.mark.parametrize("error", [ZeroDivisionError, KeyError, TypeError])
def test_whatever_the_function_raises_the_check_names_it(check_name, error):
    def raises(*args):
        raise error("boom")

    with pytest.raises(CheckFailed, match=f"raised {error.__name__}"):
        getattr(check, check_name)(raises)
