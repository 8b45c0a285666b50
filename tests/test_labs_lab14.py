"""Lab 14's check (the capstone's setup) against typical wrong answers: each gets its own
diagnosis, right variants pass, and whatever make_run returns or raises ends in a CheckFailed."""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.labs import CheckFailed, check


def fails_with(answer, *phrases):
    with pytest.raises(CheckFailed) as info:
        check.capstone(answer)
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, message
    return message


def shift(X, rng):
    return np.roll(X, int(rng.integers(-1, 2)), axis=1)


def right(seed):
    net = Network([784, 64, 10], activation="relu", seed=seed)
    return net, dict(epochs=5, batch_size=64, learning_rate=0.05, momentum=0.9, transform=shift)


def right_early_stopping(seed):
    net = Network([784, 32, 32, 10], activation="tanh", seed=seed)
    return net, dict(epochs=40, learning_rate=0.1, early_stopping=5, schedule="cosine")


def right_defaults(seed):
    return Network([784, 30, 10], seed=seed), {}


@pytest.mark.parametrize("fn", [right, right_early_stopping, right_defaults])
def test_a_fair_setup_passes(fn, capsys):
    check.capstone(fn)
    assert capsys.readouterr().out.startswith("\u2713 capstone: [784, ")


MISTAKES = {
    "test data as validation": (
        lambda seed: (right(seed)[0], {"validation": (np.zeros((2, 784)), np.zeros(2, int))}),
        "never on the test set",
    ),
    "own callbacks": (lambda seed: (right(seed)[0], {"callbacks": []}), "leave callbacks out"),
    "typo": (lambda seed: (right(seed)[0], {"learning_rte": 0.1}), "'learning_rte' is not"),
    "bad value": (lambda seed: (right(seed)[0], {"momentum": 1.5}), "the Trainer refuses"),
    "unseeded": (
        lambda seed: (Network([784, 30, 10]), {}),
        "must be made from seed",
    ),
    "seed ignored": (lambda seed: (Network([784, 30, 10], seed=0), {}), "the seed is not used"),
    "wrong sizes": (lambda seed: (Network([784, 30, 2], seed=seed), {}), "10 outputs"),
    "not a network": (lambda seed: ("net", {}), "must be an nnwidgets.Network"),
    "settings a list": (lambda seed: (right(seed)[0], [("epochs", 3)]), "must be a dict"),
    "one thing": (lambda seed: right(seed)[0], "must return two things"),
    "None": (lambda seed: None, "is the return statement missing"),
    "raises": (lambda seed: Network([784, 30, 10], activation="relux"), "raised ValueError"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_named(mistake):
    fn, phrase = MISTAKES[mistake]
    fails_with(fn, phrase)


def test_an_unwritten_make_run_stops_with_its_not_implemented_error():
    def make_run(seed):
        raise NotImplementedError("your code here: write make_run")

    with pytest.raises(NotImplementedError) as info:
        check.capstone(make_run)
    assert "is not written yet" in info.value._render_traceback_()[1]
