"""Lab 13's checks against typical wrong answers: each mistake SECTION2.md lists (and a few
more) gets its own diagnosis, and right answers in other valid forms (float32, another search,
NaN for empty bins) pass. A check that passes a wrong answer is a defect."""

import numpy as np
import pytest
from _labs import fails_with

from nnwidgets import metrics
from nnwidgets.labs import CheckFailed, check
from nnwidgets.labs import check_limits as lab13


# -- ece -----------------------------------------------------------------------------------------
def _bins(conf, n_bins, *, floor=False):
    if floor:  # [ ) bins: 1.0 lands in a bin n_bins that does not exist
        return np.floor(conf * n_bins).astype(int)
    return np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)


def _table(groups, correct, conf, n_groups, empty=0.0):
    bins = np.full((n_groups, 3), empty)
    bins[:, 0] = 0
    for m in range(n_groups):
        s = groups == m
        if s.any():
            bins[m] = s.sum(), correct[s].mean(), conf[s].mean()
    return bins


def _ece(bins, n, gap=lambda acc, conf: np.abs(acc - conf)):
    filled = bins[:, 0] > 0
    return float(np.sum(bins[filled, 0] / n * gap(bins[filled, 1], bins[filled, 2])))


def ece_right(P, y, n_bins=15):
    conf, correct = P.max(axis=1), P.argmax(axis=1) == y
    bins = _table(_bins(conf, n_bins), correct, conf, n_bins)
    return _ece(bins, len(P)), bins


def ece_searchsorted_nan(P, y, n_bins=15):
    # another valid formulation: searchsorted on the edges, NaN in empty bins, float32
    P = P.astype(np.float32)
    conf, correct = P.max(axis=1), P.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    groups = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    bins = _table(groups, correct, conf, n_bins, empty=np.nan)
    return np.float32(_ece(bins, len(P))), bins


def _ece_variant(kind):
    def fn(P, y, n_bins=15):
        conf, correct = P.max(axis=1), P.argmax(axis=1) == y
        n = len(P)
        if kind == "per class":
            bins = _table(P.argmax(axis=1), correct, conf, P.shape[1])
            return _ece(bins, n), _table(_bins(conf, n_bins), correct, conf, n_bins)
        if kind == "true class":
            true_p = P[np.arange(n), y]
            bins = _table(_bins(true_p, n_bins), correct, true_p, n_bins)
            return _ece(bins, n), bins
        if kind in ("dropped", "dropped, n shrinks"):
            groups = _bins(conf, n_bins, floor=True)
            bins = _table(groups, correct, conf, n_bins)  # bin n_bins never looked at
            return _ece(bins, n if kind == "dropped" else int(bins[:, 0].sum())), bins
        if kind == "fifteen":
            bins = _table(_bins(conf, 15), correct, conf, 15)
            return _ece(bins, n), bins
        if kind == "linspace":
            bins = _table(_bins(conf, n_bins - 1), correct, conf, n_bins - 1)
            return _ece(bins, n), bins
        bins = _table(_bins(conf, n_bins), correct, conf, n_bins)
        if kind == "unweighted":
            filled = bins[:, 0] > 0
            return float(np.abs(bins[filled, 1] - bins[filled, 2]).mean()), bins
        if kind == "signed":
            return _ece(bins, n, gap=lambda a, c: a - c), bins
        if kind == "signed other way":
            return _ece(bins, n, gap=lambda a, c: c - a), bins
        if kind == "overall accuracy":
            return _ece(bins, n, gap=lambda a, c: np.abs(correct.mean() - c)), bins
        if kind == "percent":
            return 100 * _ece(bins, n), bins
        if kind == "count weighted":
            return n * _ece(bins, n), bins
        if kind == "squared":
            return _ece(bins, n, gap=lambda a, c: (a - c) ** 2), bins
        if kind == "only ece":
            return _ece(bins, n)
        if kind == "bins transposed":
            return _ece(bins, n), bins.T
        if kind == "bins wrong accuracy":
            wrong = bins.copy()
            wrong[:, 1] = correct.mean()
            return _ece(bins, n), wrong
        raise AssertionError(kind)

    return fn


ECE_MISTAKES = {
    "unweighted": "plain mean of the bins' gaps",
    "signed": "signed gaps acc - conf",
    "signed other way": "signed gaps conf - acc",
    "dropped": "exactly 1.0 are left out",
    "dropped, n shrinks": "and n shrank with them",
    "per class": "binned by the predicted class",
    "overall accuracy": "overall accuracy used in every bin",
    "true class": "true class's probability used as the confidence",
    "fifteen": "n_bins ignored",
    "linspace": "14 bins instead of 15",
    "percent": "in percent",
    "count weighted": "weighted by its bin's count |B_m|, not its share",
    "squared": "squared gaps",
    "only ece": "returned one number",
    "bins transposed": "bins is transposed",
    "bins wrong accuracy": "accuracy (column 1) differs",
}


@pytest.mark.parametrize("fn", [ece_right, ece_searchsorted_nan])
def test_ece_passes_right_answers(fn, capsys):
    check.ece(fn)
    assert capsys.readouterr().out.startswith("\u2713 ece")


@pytest.mark.parametrize("mistake", ECE_MISTAKES)
def test_ece_diagnoses(mistake):
    fails_with(check.ece, _ece_variant(mistake), ECE_MISTAKES[mistake], "input:", "expected:")


def test_the_checks_ece_is_the_packages():
    # the reference the check compares with is metrics.reliability's ECE, for both bin counts
    for n_bins in (15, 10):
        ece, table = lab13._ece_reference(lab13.ECE_P, lab13.ECE_Y, n_bins)
        rel = metrics.reliability(lab13.ECE_P, lab13.ECE_Y, n_bins)
        assert ece == pytest.approx(rel.ece, abs=1e-12)
        np.testing.assert_array_equal(table[:, 0], rel.counts)


def test_the_ece_input_has_no_confidence_on_an_inner_edge():
    # there two right formulations (ceil(c M) - 1, searchsorted) could bin differently
    conf = lab13.ECE_P.max(axis=1)
    assert (conf == 1.0).sum() == 3
    for n_bins in (15, 10):
        inner = np.linspace(0, 1, n_bins + 1)[1:-1]
        assert np.abs(conf[:, None] - inner).min() > 1e-4


# -- fit_temperature -----------------------------------------------------------------------------
def _nll(Z, y, T):
    z = Z / T
    z = z - z.max(axis=1, keepdims=True)
    return -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(axis=1))).mean()


def temperature_golden(Z, y):
    a, b = np.log(0.05), np.log(20.0)
    for _ in range(80):
        c, d = a + 0.382 * (b - a), a + 0.618 * (b - a)
        if _nll(Z, y, np.exp(c)) < _nll(Z, y, np.exp(d)):
            b = d
        else:
            a = c
    return float(np.exp((a + b) / 2))


def temperature_grid(Z, y):
    # another valid search: a grid, then a finer grid around its best point, in float32
    Z = Z.astype(np.float32)
    grid = np.linspace(0.05, 10, 200)
    best = grid[np.argmin([_nll(Z, y, t) for t in grid])]
    fine = np.linspace(best - 0.05, best + 0.05, 201)
    return np.float32(fine[np.argmin([_nll(Z, y, t) for t in fine])])


def _search(f):
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 4001))
    return float(grid[np.argmin([f(t) for t in grid])])


def _probabilities_divided(Z, y):
    P = metrics.softmax(Z)
    return _search(lambda t: -np.log((P / t)[np.arange(len(y)), y]).mean())


def _probabilities_renormalised(Z, y):
    P = metrics.softmax(Z)

    def nll(t):
        Q = (P / t) / (P / t).sum(axis=1, keepdims=True)
        return -np.log(Q[np.arange(len(y)), y]).mean() + 0.0 * t

    return _search(nll)


TEMPERATURE_MISTAKES = {
    "multiplied": (lambda Z, y: temperature_golden(Z * 1.0, y) ** -1, "multiplied by T"),
    "multiplied in the softmax": (
        lambda Z, y: _search(lambda t: _nll(Z * t * t, y, t)),
        "multiplied by T",
    ),
    "probabilities divided": (_probabilities_divided, "T does not depend on the logits"),
    "probabilities renormalised": (
        _probabilities_renormalised,
        "T does not depend on the logits",
    ),
    "probabilities as logits": (
        lambda Z, y: temperature_golden(metrics.softmax(Z), y),
        "T divides the probabilities, softmax(P / T)",
    ),
    "log T": (lambda Z, y: np.log(temperature_golden(Z, y)), "returned ln T"),
    "coarse": (lambda Z, y: round(temperature_golden(Z, y) * 1.04, 3), "make the search finer"),
    "vector": (lambda Z, y: np.full(len(Z), temperature_golden(Z, y)), "one number T"),
    "minimises the ECE": (
        lambda Z, y: _search(lambda t: metrics.reliability(metrics.softmax(Z, t), y).ece),
        "minimises the negative log-likelihood (not the ECE",
    ),
    "part of the examples": (
        lambda Z, y: temperature_golden(Z[:50], y[:50]),
        "not the T with the smallest negative log-likelihood",
    ),
    "search range too short": (
        lambda Z, y: float(np.clip(temperature_golden(Z, y), 0.8, 1.25)),
        "does the search cover it?",
    ),
}


@pytest.mark.parametrize("fn", [temperature_golden, temperature_grid])
def test_fit_temperature_passes_right_answers(fn, capsys):
    check.fit_temperature(fn)
    assert capsys.readouterr().out.startswith("\u2713 fit_temperature")


@pytest.mark.parametrize("mistake", TEMPERATURE_MISTAKES)
def test_fit_temperature_diagnoses(mistake):
    fn, phrase = TEMPERATURE_MISTAKES[mistake]
    fails_with(check.fit_temperature, fn, phrase, "input:", "expected:")


def _split():
    rng = np.random.default_rng(5)
    Z = rng.normal(0, 4, (300, 4))
    y = rng.integers(0, 4, 300)
    y[:150] = Z[:150].argmax(axis=1)  # the two halves want different temperatures
    return (Z[:150], y[:150]), (Z[150:], y[150:])


def test_fit_temperature_passes_a_T_fitted_on_the_held_out_examples(capsys):
    held_out, evaluation = _split()
    T = temperature_golden(*held_out)
    check.fit_temperature(temperature_golden, fitted=T, held_out=held_out, evaluation=evaluation)
    assert "fitted on the 150 held-out examples" in capsys.readouterr().out


@pytest.mark.parametrize(
    "which, phrase",
    [
        ("evaluation", "fitted on the evaluation (test) examples"),
        ("both", "held-out and the test examples together"),
    ],
)
def test_fit_temperature_diagnoses_fitting_on_the_evaluation_examples(which, phrase):
    held_out, evaluation = _split()
    if which == "evaluation":
        T = temperature_golden(*evaluation)
    else:
        T = temperature_golden(*(np.concatenate(pair) for pair in zip(held_out, evaluation)))
    fails_with(
        check.fit_temperature,
        temperature_golden,
        phrase,
        fitted=T,
        held_out=held_out,
        evaluation=evaluation,
    )


def test_fit_temperature_fails_a_T_left_at_none():
    held_out, evaluation = _split()  # the exercise stub's `T = None`, never replaced
    fails_with(
        check.fit_temperature,
        temperature_golden,
        "T is None: set T = fit_temperature(Z_val, y_val) first",
        fitted=None,
        held_out=held_out,
        evaluation=evaluation,
    )


@pytest.mark.parametrize(
    "given, missing",
    [
        ((), "held_out=(Z_val, y_val) and evaluation=(Z_test, y_test)"),
        (("held_out",), "evaluation=(Z_test, y_test)"),
        (("evaluation",), "held_out=(Z_val, y_val)"),
    ],
    ids=["neither", "no evaluation", "no held_out"],
)
def test_fit_temperature_names_the_arguments_fitted_needs(given, missing):
    held_out, evaluation = _split()
    pairs = {"held_out": held_out, "evaluation": evaluation}
    with pytest.raises(TypeError) as info:
        check.fit_temperature(temperature_golden, fitted=1.0, **{k: pairs[k] for k in given})
    assert f"is missing {missing}:" in str(info.value)


# -- input_gradient ------------------------------------------------------------------------------
def _forward(X, weights, biases, hidden=lambda z: np.maximum(z, 0)):
    zs, a = [], X
    for w, b in zip(weights, biases):
        z = a @ w.T + b
        zs.append(z)
        a = hidden(z)
    e = np.exp(zs[-1] - zs[-1].max(axis=1, keepdims=True))
    return zs, e / e.sum(axis=1, keepdims=True)


def gradient_right(X, Y, weights, biases):
    zs, a = _forward(X, weights, biases)
    delta = a - Y  # BP1 for softmax and the log-likelihood
    for l in range(len(weights) - 2, -1, -1):
        delta = (delta @ weights[l + 1]) * (zs[l] > 0)  # BP2
    return delta @ weights[0]


def gradient_float32_columns(X, Y, weights, biases):
    # the book's columns inside, float32: (w^2)^T delta^2, transposed back to rows at the end
    A = X.T.astype(np.float32)
    ws = [w.astype(np.float32) for w in weights]
    zs = []
    for w, b in zip(ws, biases):
        z = w @ A + b.astype(np.float32)[:, None]
        zs.append(z)
        A = np.maximum(z, 0)
    e = np.exp(zs[-1] - zs[-1].max(axis=0))
    delta = e / e.sum(axis=0) - Y.T
    for l in range(len(ws) - 2, -1, -1):
        delta = (ws[l + 1].T @ delta) * (zs[l] > 0)
    return (ws[0].T @ delta).T


def _gradient_variant(kind):
    def fn(X, Y, weights, biases):
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        hidden = sig if kind == "sigmoid" else (lambda z: np.maximum(z, 0))
        zs, a = _forward(X, weights, biases, hidden)
        delta = {"sign": Y - a, "no softmax": zs[-1] - Y, "sigmoid output": sig(zs[-1]) - Y}.get(
            kind, a - Y
        )
        for l in range(len(weights) - 2, -1, -1):
            if kind == "w not transposed":
                delta = delta @ weights[l + 1].T
            else:
                delta = delta @ weights[l + 1]
            if kind == "sigmoid":
                delta = delta * sig(zs[l]) * (1 - sig(zs[l]))
            elif kind == "no slope" or (kind == "first slope" and l == 0):
                pass
            elif kind == "second slope" and l == 1:
                pass
            else:
                delta = delta * (zs[l] > 0)
        if kind == "no last w":
            return delta
        G = delta @ weights[0]
        return {
            "transposed": G.T,
            "averaged": G.mean(axis=0),
            "averaged, kept rows": np.tile(G.mean(axis=0), (len(G), 1)),
            "summed": G.sum(axis=0, keepdims=True),
            "summed, kept rows": np.tile(G.sum(axis=0), (len(G), 1)),
            "divided by n": G / len(G),
        }.get(kind, G)

    return fn


GRADIENT_MISTAKES = {
    "no last w": "that is delta^2",
    "w not transposed": "`@ w.T` is the forward direction",
    "transposed": "transposed",
    "first slope": "first hidden layer's ReLU slope is missing",
    "second slope": "a ReLU slope is missing at a hidden layer",
    "no slope": "no ReLU slope anywhere",
    "averaged": "averaged over the batch",
    "averaged, kept rows": "averaged over the batch",
    "summed": "summed over the batch",
    "summed, kept rows": "summed over the batch",
    "sigmoid output": "delta^L from a sigmoid output",
    "divided by n": "divided by the number of examples (6)",
    "sign": "the sign is wrong",
    "no softmax": "softmax is missing",
    "sigmoid": "sigmoid hidden neurons",
}


@pytest.mark.parametrize("fn", [gradient_right, gradient_float32_columns])
def test_input_gradient_passes_right_answers(fn, capsys):
    check.input_gradient(fn)
    assert capsys.readouterr().out.startswith("\u2713 input_gradient")


@pytest.mark.parametrize("mistake", GRADIENT_MISTAKES)
def test_input_gradient_diagnoses(mistake):
    fails_with(check.input_gradient, _gradient_variant(mistake), GRADIENT_MISTAKES[mistake])


def test_the_checks_gradient_is_the_networks():
    # the finite differences the check expects agree with backpropagation (Network.input_gradient
    # on the same parameters), and the example has neurons off in both hidden layers
    from nnwidgets import Network

    X, Y, weights, biases = lab13.gradient_example()
    net = Network(lab13.GRAD_SIZES, dtype="float64")
    net.set_parameters(weights, biases)
    expected = lab13.numerical_input_gradient(X, Y, weights, biases)
    np.testing.assert_allclose(net.input_gradient(X, Y), expected, rtol=1e-6, atol=1e-8)
    zs, _ = _forward(X, weights, biases)
    for z in zs[:-1]:
        assert 0 < (z <= 0).mean() < 1
        assert np.abs(z).min() > 1e-3  # no kink within the finite differences' step


# -- fgsm ----------------------------------------------------------------------------------------
def fgsm_right(X, G, eps):
    return np.clip(X + eps * np.sign(G), 0, 1)


def fgsm_where_float32(X, G, eps):
    step = np.where(G > 0, eps, np.where(G < 0, -eps, 0.0)).astype(np.float32)
    return np.minimum(np.maximum(X.astype(np.float32) + step, 0), 1)


def _in_place(X, G, eps):
    X += eps * np.sign(G)
    return np.clip(X, 0, 1, out=X)


FGSM_MISTAKES = {
    "against": (lambda X, G, e: np.clip(X - e * np.sign(G), 0, 1), "stepped against the gradient"),
    "no clip": (lambda X, G, e: X + e * np.sign(G), "not clipped to [0, 1]"),
    "eps G": (lambda X, G, e: np.clip(X + e * G, 0, 1), "eps * G in place of eps * sign(G)"),
    "eps G no clip": (lambda X, G, e: X + e * G, "and not clipped"),
    "clip at 1 only": (lambda X, G, e: np.minimum(X + e * np.sign(G), 1), "clipped only at 1"),
    "clip at 0 only": (lambda X, G, e: np.maximum(X + e * np.sign(G), 0), "clipped only at 0"),
    "unit step": (
        lambda X, G, e: np.clip(X + e * G / np.linalg.norm(G, axis=1, keepdims=True), 0, 1),
        "G / ||G||",
    ),
    "max step": (
        lambda X, G, e: np.clip(X + e * G / np.abs(G).max(axis=1, keepdims=True), 0, 1),
        "G / max|G|",
    ),
    "batch sign": (
        lambda X, G, e: np.clip(X + e * np.sign(G.mean(axis=0)), 0, 1),
        "batch's mean gradient",
    ),
    "eps fixed": (lambda X, G, e: np.clip(X + 0.1 * np.sign(G), 0, 1), "eps is ignored"),
    "nudge only": (lambda X, G, e: e * np.sign(G), "returned the nudge itself"),
    "in place": (_in_place, "changed in place"),
}


@pytest.mark.parametrize("fn", [fgsm_right, fgsm_where_float32])
def test_fgsm_passes_right_answers(fn, capsys):
    check.fgsm(fn)
    assert capsys.readouterr().out.startswith("\u2713 fgsm")


@pytest.mark.parametrize("mistake", FGSM_MISTAKES)
def test_fgsm_diagnoses(mistake):
    fn, phrase = FGSM_MISTAKES[mistake]
    fails_with(check.fgsm, fn, phrase, "input:", "expected:")


# -- whatever the function does, the check says so ----------------------------------------------
def _raises(*args, **kwargs):
    raise KeyError("oops")


@pytest.mark.parametrize("name", ["ece", "fit_temperature", "input_gradient", "fgsm"])
@pytest.mark.parametrize(
    "fn",
    [_raises, lambda *a, **k: None, lambda *a, **k: "text", lambda *a, **k: (x for x in [1])],
)
def test_a_strange_answer_is_a_check_failure_not_a_crash(name, fn):
    with pytest.raises(CheckFailed):
        getattr(check, name)(fn)


@pytest.mark.parametrize("name", ["ece", "fit_temperature", "input_gradient", "fgsm"])
def test_an_unwritten_exercise_passes_its_not_implemented_error_through(name):
    def stub(*args, **kwargs):
        raise NotImplementedError(f"your code here: write {name}")

    with pytest.raises(NotImplementedError):
        getattr(check, name)(stub)
