"""Lab 8's checks (weight initialisation) against typical wrong answers: each mistake gets its
own diagnosis, right variants (float32, another way to draw) pass, and whatever the reader's
function returns or raises ends in a CheckFailed. A check that passes a wrong answer is a
defect."""

import numpy as np
import pytest
from _labs import fails_with

from nnwidgets.labs import CheckFailed, check


# -- z_spread ------------------------------------------------------------------------------------
def spread_right(X, sigma_w, sigma_b):
    return np.sqrt(sigma_w**2 * (X**2).sum(axis=1) + sigma_b**2)


SPREAD_RIGHT = {
    "sum of squares": spread_right,
    "einsum": lambda X, sw, sb: np.hypot(sw * np.sqrt(np.einsum("ij,ij->i", X, X)), sb),
    "f32": lambda X, sw, sb: spread_right(X.astype(np.float32), np.float32(sw), np.float32(sb)),
}

SPREAD_MISTAKES = {
    "variance": (
        lambda X, sw, sb: sw**2 * (X**2).sum(axis=1) + sb**2,
        "returned the variance",
    ),
    "bias forgotten": (lambda X, sw, sb: sw * np.sqrt((X**2).sum(axis=1)), "bias term is missing"),
    "n_in": (
        lambda X, sw, sb: np.full(len(X), np.sqrt(sw**2 * X.shape[1] + sb**2)),
        "used n_in = 6",
    ),
    "sum x not squared": (
        lambda X, sw, sb: np.sqrt(sw**2 * X.sum(axis=1) + sb**2),
        "sum_j x_j where sum_j x_j^2 belongs",
    ),
    "mean of squares": (
        lambda X, sw, sb: np.sqrt(sw**2 * (X**2).mean(axis=1) + sb**2),
        "averaged the squared pixels",
    ),
    "sigma_w not squared": (
        lambda X, sw, sb: np.sqrt(sw * (X**2).sum(axis=1) + sb**2),
        "sigma_w is not squared",
    ),
    "sigma_b not squared": (
        lambda X, sw, sb: np.sqrt(sw**2 * (X**2).sum(axis=1) + sb),
        "sigma_b is not squared",
    ),
    "bias outside the root": (
        lambda X, sw, sb: sw * np.sqrt((X**2).sum(axis=1)) + sb,
        "outside the square root",
    ),
    "swapped": (lambda X, sw, sb: spread_right(X, sb, sw), "swapped"),
    "one number": (
        lambda X, sw, sb: np.sqrt(np.mean(spread_right(X, sw, sb) ** 2)),
        "spread over all 4 inputs together",
    ),
    "per pixel": (
        lambda X, sw, sb: np.sqrt(sw**2 * (X**2).sum(axis=0) + sb**2),
        "one per pixel",
    ),
    "column": (lambda X, sw, sb: spread_right(X, sw, sb)[:, None], "the values are right"),
    # NNDL's own example has every input at 0 or 1, where sum x_j^2 is the number of ones: a
    # reader who writes n_in gets one number, not one per input, and must hear about n_in.
    "n_in as one number": (lambda X, sw, sb: np.sqrt(sw**2 * X.shape[1] + sb**2), "used n_in = 6"),
    "square of the sum": (
        lambda X, sw, sb: np.sqrt((sw * X).sum(axis=1) ** 2 + sb**2),
        "squared the sum",
    ),
    "length not squared": (
        lambda X, sw, sb: np.sqrt(sw**2 * np.linalg.norm(X, axis=1) + sb**2),
        "length of x",
    ),
    "raises": (lambda X, sw, sb: X @ X, "raised ValueError"),
}


@pytest.mark.parametrize("variant", SPREAD_RIGHT)
def test_z_spread_passes_right_answers(variant, capsys):
    check.z_spread(SPREAD_RIGHT[variant])
    assert capsys.readouterr().out.startswith("\u2713 z_spread")


@pytest.mark.parametrize("mistake", SPREAD_MISTAKES)
def test_z_spread_diagnoses(mistake):
    fn, phrase = SPREAD_MISTAKES[mistake]
    fails_with(check.z_spread, fn, phrase)


# -- init_weights --------------------------------------------------------------------------------
def init_right(sizes, rng, scheme):
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        std = {"large": 1.0, "scaled": np.sqrt(1 / n_in), "he": np.sqrt(2 / n_in)}[scheme]
        weights.append(rng.standard_normal((n_out, n_in)) * std)
        biases.append(rng.standard_normal(n_out) if scheme == "large" else np.zeros(n_out))
    return weights, biases


def init_with(std_of, bias_of=None, *, shape=None, draw=None):
    """An init_weights whose weights have spread ``std_of(scheme, n_in, n_out)``."""

    def fn(sizes, rng, scheme):
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            std = std_of(scheme, n_in, n_out)
            w_shape = (n_out, n_in) if shape is None else shape(n_in, n_out)
            sample = rng.standard_normal(w_shape) if draw is None else draw(rng, w_shape)
            weights.append(sample * std)
            if bias_of is None:
                b = rng.standard_normal(n_out) if scheme == "large" else np.zeros(n_out)
            else:
                b = bias_of(scheme, rng, n_in, n_out, std)
            biases.append(b)
        return weights, biases

    return fn


def right_std(scheme, n_in, n_out):
    return {"large": 1.0, "scaled": np.sqrt(1 / n_in), "he": np.sqrt(2 / n_in)}[scheme]


def only(scheme_wrong, wrong):
    """The right spread, except for ``scheme_wrong``, which gets ``wrong(n_in, n_out)``."""
    return lambda scheme, n_in, n_out: (
        wrong(n_in, n_out) if scheme == scheme_wrong else right_std(scheme, n_in, n_out)
    )


def init_f32(sizes, rng, scheme):
    weights, biases = init_right(sizes, rng, scheme)
    return [w.astype(np.float32) for w in weights], [b.astype(np.float32) for b in biases]


def init_normal(sizes, rng, scheme):
    # rng.normal(mean, std, shape) instead of standard_normal times std
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        std = {"large": 1.0, "scaled": 1 / np.sqrt(n_in), "he": np.sqrt(2 / n_in)}[scheme]
        weights.append(rng.normal(0.0, std, size=(n_out, n_in)))
        biases.append(rng.normal(0.0, 1.0, n_out) if scheme == "large" else np.zeros(n_out))
    return weights, biases


INIT_RIGHT = {"standard_normal": init_right, "rng.normal": init_normal, "f32": init_f32}

INIT_MISTAKES = {
    "variance for std (scaled)": (
        init_with(only("scaled", lambda n_in, n_out: 1 / n_in)),
        "variance 1/n_in used as the standard deviation",
    ),
    "variance for std (he)": (
        init_with(only("he", lambda n_in, n_out: 2 / n_in)),
        "He's variance 2/n_in used as the standard deviation",
    ),
    "sqrt(n_out)": (
        init_with(only("scaled", lambda n_in, n_out: 1 / np.sqrt(n_out))),
        "scaled by n_out",
    ),
    "He's factor on sigmoid layers": (
        init_with(only("scaled", lambda n_in, n_out: np.sqrt(2 / n_in))),
        "He's factor 2 on sigmoid layers",
    ),
    "He's factor missing": (
        init_with(only("he", lambda n_in, n_out: np.sqrt(1 / n_in))),
        "He's factor 2 is missing",
    ),
    "Glorot": (
        init_with(only("scaled", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)))),
        "Glorot",
    ),
    "first layer's n_in everywhere": (
        init_with(only("scaled", lambda n_in, n_out: 1 / np.sqrt(784))),
        "first layer's n_in",
    ),
    "large scaled": (
        init_with(only("large", lambda n_in, n_out: 1 / np.sqrt(n_in))),
        "that is the 'scaled' scheme",
    ),
    "scaled not scaled": (
        init_with(only("scaled", lambda n_in, n_out: 1.0)),
        "not scaled at all",
    ),
    "biases scaled like weights": (
        init_with(
            right_std,
            lambda scheme, rng, n_in, n_out, std: rng.standard_normal(n_out) * std,
        ),
        "biases are drawn like the weights",
    ),
    "biases N(0, 1) in scaled": (
        init_with(right_std, lambda scheme, rng, n_in, n_out, std: rng.standard_normal(n_out)),
        "init='book'",
    ),
    "biases 0 in large": (
        init_with(right_std, lambda scheme, rng, n_in, n_out, std: np.zeros(n_out)),
        "the biases are all 0",
    ),
    "transposed": (
        init_with(right_std, shape=lambda n_in, n_out: (n_in, n_out)),
        "transposed",
    ),
    "column biases": (
        init_with(
            right_std,
            lambda scheme, rng, n_in, n_out, std: (
                np.zeros((n_out, 1)) if scheme != "large" else rng.standard_normal((n_out, 1))
            ),
        ),
        "keep biases flat",
    ),
    "uniform": (
        init_with(right_std, draw=lambda rng, shape: rng.uniform(-np.sqrt(3), np.sqrt(3), shape)),
        "uniform draws have no tail",
    ),
    "rng.random": (
        init_with(right_std, draw=lambda rng, shape: rng.random(shape)),
        "not 0",
    ),
    "global generator": (
        init_with(right_std, draw=lambda rng, shape: np.random.standard_normal(shape)),
        "the rng passed in",
    ),
    "own seeded generator": (
        lambda sizes, rng, scheme: init_right(sizes, np.random.default_rng(42), scheme),
        "the rng passed in",
    ),
    "own generator, seeded per layer": (
        init_with(right_std, draw=lambda rng, shape: np.random.default_rng(7).normal(size=shape)),
        "the rng passed in",
    ),
    "a bias vector short": (
        lambda sizes, rng, scheme: (lambda w, b: (w, b[:-1]))(*init_right(sizes, rng, scheme)),
        "one bias vector per layer",
    ),
    "input layer included": (
        lambda sizes, rng, scheme: init_right([sizes[0], *sizes], rng, scheme),
        "one for the input layer too",
    ),
    "zeros": (
        init_with(right_std, draw=lambda rng, shape: np.zeros(shape)),
        "every weight is 0",
    ),
    "only weights returned": (lambda sizes, rng, scheme: init_right(sizes, rng, scheme)[0], "pair"),
    "no return": (lambda sizes, rng, scheme: None, "forget the `return`"),
}


@pytest.mark.parametrize("variant", INIT_RIGHT)
def test_init_weights_passes_right_answers(variant, capsys):
    check.init_weights(INIT_RIGHT[variant])
    assert capsys.readouterr().out.startswith("\u2713 init_weights")


@pytest.mark.parametrize("mistake", INIT_MISTAKES)
def test_init_weights_diagnoses(mistake):
    fn, phrase = INIT_MISTAKES[mistake]
    fails_with(check.init_weights, fn, phrase)


def test_an_unwritten_exercise_passes_its_not_implemented_error_through():
    def stub(*args):
        raise NotImplementedError("your code here: write init_weights")

    for check_fn in (check.z_spread, check.init_weights):
        with pytest.raises(NotImplementedError):
            check_fn(stub)


JUNK = [
    None,
    "text",
    {"a": 1},
    (i for i in range(3)),
    np.array([1 + 2j]),
    10**400,
    ([1, 2, 3], [4, 5, 6]),
    (None, None),
]


@pytest.mark.parametrize("check_name", ["z_spread", "init_weights"])
@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_whatever_comes_back_the_check_says_what_is_wrong(check_name, junk):
    with pytest.raises(CheckFailed):
        getattr(check, check_name)(lambda *args: junk)


@pytest.mark.parametrize("check_name", ["z_spread", "init_weights"])
@pytest.mark.parametrize("error", [ZeroDivisionError, KeyError, TypeError])
def test_whatever_the_function_raises_the_check_names_it(check_name, error):
    def raises(*args):
        raise error("boom")

    with pytest.raises(CheckFailed, match=f"raised {error.__name__}"):
        getattr(check, check_name)(raises)
