"""Lab 14's check (the capstone's setup) against typical wrong answers: each gets its own
diagnosis, right variants pass, and whatever make_run returns or raises ends in a CheckFailed."""

import _labs
import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.labs import CheckFailed, check


def fails_with(answer, *phrases):
    """check.capstone refuses ``answer`` with every phrase (a refusal of settings: no input,
    expected and got lines to require)."""
    return _labs.fails_with(check.capstone, answer, *phrases, report=False)


def shift(X, rng):
    return np.roll(X, int(rng.integers(-1, 2)), axis=1)


def augment_rows(X, rng):
    from nnwidgets.datasets.augment import augment

    return augment(X, rng)  # X is (n, 784): augment wants (n, 28, 28)


def right(seed):
    net = Network([784, 64, 10], activation="relu", seed=seed)
    return net, dict(epochs=5, batch_size=64, learning_rate=0.05, momentum=0.9, transform=shift)


def right_early_stopping(seed):
    net = Network([784, 32, 32, 10], activation="tanh", seed=seed)
    return net, dict(epochs=40, learning_rate=0.1, early_stopping=5, schedule="cosine")


def right_defaults(seed):
    return Network([784, 30, 10], seed=seed), {}


def right_monitored(seed):
    # monitor_train up to the real training set's 8,000 digits is a valid setting
    return Network([784, 30, 10], seed=seed), dict(epochs=2, monitor_train=1000)


def right_monitor_all(seed):
    return Network([784, 30, 10], seed=seed), dict(epochs=2, monitor_train=8000)


@pytest.mark.parametrize(
    "fn", [right, right_early_stopping, right_defaults, right_monitored, right_monitor_all]
)
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
    "transform keeps images": (
        lambda seed: (right(seed)[0], {"transform": lambda X, rng: X.reshape(-1, 28, 28)}),
        "reshape back with .reshape(len(X), 784)",
    ),
    "augment on rows": (
        lambda seed: (right(seed)[0], {"transform": augment_rows}),
        "the transform raised",
    ),
    "transform without rng": (
        lambda seed: (right(seed)[0], {"transform": lambda X: X}),
        "and a random generator rng",
    ),
    "monitor_train beyond the training set": (
        lambda seed: (right(seed)[0], {"monitor_train": 8001}),
        "from 1 to 8000",
    ),
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


# -- check.capstone_rules: the finished run against the rules ------------------------------------
from nnwidgets.labs.check_capstone import LockedTestSet, TimeBudget  # noqa: E402

X_TINY, Y_TINY = np.random.default_rng(0).random((40, 784)), np.arange(40) % 10


def timed_run(seconds=60):
    net = Network([784, 8, 10], seed=0)
    budget = TimeBudget(seconds)
    net.fit(X_TINY, Y_TINY, epochs=2, batch_size=10, callbacks=[budget])
    return net, budget


def rules_fail(net, budget, test, *phrases):
    with pytest.raises(CheckFailed) as info:
        check.capstone_rules(net, budget, test)
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_a_run_within_the_rules_passes(capsys):
    test = LockedTestSet(X_TINY, Y_TINY)
    net, budget = timed_run()
    test.open()
    check.capstone_rules(net, budget, test)
    assert "the test set opened once, after training" in capsys.readouterr().out


def test_the_test_set_opened_before_training_is_refused():
    test = LockedTestSet(X_TINY, Y_TINY)
    test.open()  # a peek while still designing
    net, budget = timed_run()
    rules_fail(net, budget, test, "looked at the test set before the end", "before training ended")


def test_the_test_set_opened_twice_is_refused():
    test = LockedTestSet(X_TINY, Y_TINY)
    net, budget = timed_run()
    test.open()
    test.open()
    rules_fail(net, budget, test, "looked at the test set more than once", "opened 2 times")


def test_the_test_set_never_opened_is_refused():
    net, budget = timed_run()
    rules_fail(net, budget, LockedTestSet(X_TINY, Y_TINY), "open the test set once")


def test_a_larger_budget_is_refused():
    test = LockedTestSet(X_TINY, Y_TINY)
    net, budget = timed_run(seconds=120)
    test.open()
    rules_fail(net, budget, test, "trained past the time budget", "this budget allowed 120")


def test_a_run_trained_without_its_budget_is_refused():
    net, budget = Network([784, 8, 10], seed=0), TimeBudget(60)
    net.fit(X_TINY, Y_TINY, epochs=1)  # callbacks=[budget] forgotten
    test = LockedTestSet(X_TINY, Y_TINY)
    test.open()
    rules_fail(net, budget, test, "trained past the time budget", "never timed a run")


def test_training_again_after_the_timed_run_is_refused():
    test = LockedTestSet(X_TINY, Y_TINY)
    net, budget = timed_run()
    net.fit(X_TINY, Y_TINY, epochs=1)  # more training, untimed
    test.open()
    rules_fail(net, budget, test, "trained past the time budget", "trained again")


def test_the_budget_counts_mini_batches_longer_than_a_second():
    """Each mini-batch here takes 1.5 s (a callback sleeps): a budget of 2.5 s must stop the
    run after two. A budget that counted at most a second a mini-batch (to leave out pauses)
    would let it train three, and a big enough network any number, past its budget."""
    import time

    from nnwidgets import Callback

    class Slow(Callback):
        def on_batch_end(self, trainer, batch, logs):
            time.sleep(1.5)

    net, budget = Network([784, 8, 10], seed=0), TimeBudget(2.5)
    history = net.fit(X_TINY, Y_TINY, epochs=5, batch_size=10, callbacks=[Slow(), budget])
    assert history.status == "stopped"
    assert len(history.batch_loss) == 2
    assert 3.0 <= budget.used < 3.5


def test_only_the_notebooks_budget_and_test_set_are_taken():
    net, budget = timed_run()
    test = LockedTestSet(X_TINY, Y_TINY)
    test.open()
    rules_fail(net, 60, test, "pass the TimeBudget the run trained with")
    rules_fail(net, budget, (X_TINY, Y_TINY), "pass the LockedTestSet")
