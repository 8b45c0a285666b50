"""Check for lab 14 (the capstone): ``check.capstone``.

The reader's ``make_run(seed)`` returns ``(network, settings)``: a :class:`~nnwidgets.Network`
for 784 inputs and 10 outputs, and the training settings (a dict of ``Trainer`` options, as
``TrainingDashboard`` takes them). The notebook trains it on the 8,000 training digits and
scores it on the 2,000 held out from them; the test set waits for the end. So the check
refuses settings that bring their own validation data (the one way test digits could sneak
in), an unknown or invalid option (the Trainer's own message says which), and a network that
is not made from ``seed`` (two calls with one seed must start from the same weights, two seeds
from different ones: otherwise the run cannot be repeated, nor its luck told apart from its
design).
"""

from __future__ import annotations

import time

import numpy as np

from ..training import Callback
from ._report import Text, fail, passed

__all__ = ["LockedTestSet", "TimeBudget", "capstone", "capstone_rules"]

BUDGET = 60.0  # seconds of training the capstone allows
TRAIN_SIZE = 8_000  # the training digits the notebook trains on
VALIDATION_SIZE = 2_000  # the digits held out from them, that it validates on

# What the notebook passes itself, so a run cannot: its data and its time budget.
_NOTEBOOK_SETS = {
    "validation": "the notebook validates on the 2,000 digits held out from the training set "
    "(never on the test set, which waits for the end): leave validation out of the settings",
    "callbacks": "the notebook adds its 60-second budget as a callback: leave callbacks out",
}


def _call(fn, seed, inputs):
    try:
        return fn(seed)
    except NotImplementedError as exc:
        lines = [
            f"NotImplementedError: {exc}",
            "make_run is not written yet: replace the raise NotImplementedError(...) in it "
            "with your code, run its cell, then this check again",
        ]
        exc._render_traceback_ = lambda: lines
        raise
    except Exception as exc:
        fail(
            "capstone",
            inputs,
            Text("(network, settings)"),
            Text(f"{type(exc).__name__}: {exc}"),
            f"make_run raised {type(exc).__name__}",
        )


def _pair(raw, inputs):
    from ..network import Network

    expected = Text("(network, settings): a Network for 784 inputs and 10 outputs, and a dict")
    if not isinstance(raw, (tuple, list)) or len(raw) != 2:
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"{type(raw).__name__}: {raw!r:.80}"),
            "make_run must return two things, `return network, settings`"
            + ("; it returned None: is the return statement missing?" if raw is None else ""),
        )
    network, settings = raw
    if not isinstance(network, Network):
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"a {type(network).__name__} first"),
            "the first item must be an nnwidgets.Network (the dashboard trains it)",
        )
    if network.sizes[0] != 784 or network.sizes[-1] != 10:
        fail(
            "capstone",
            inputs,
            Text("sizes [784, ..., 10]"),
            Text(f"sizes {network.sizes}"),
            "the network reads 784 pixels and answers with 10 outputs, one per digit",
        )
    if not isinstance(settings, dict):
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"a {type(settings).__name__} second"),
            "the second item must be a dict of training settings, e.g. "
            "dict(epochs=10, batch_size=64, learning_rate=0.05)",
        )
    return network, settings


def _stand_ins(n):
    """``n`` blank digits and their labels, 0 to 9 in turn."""
    return np.zeros((n, 784), np.float32), np.arange(n) % 10


def capstone(fn):
    """``fn(seed)`` returns ``(network, settings)`` that the notebook can train fairly: a
    seeded ``Network`` [784, ..., 10] and Trainer settings without validation data."""
    from ..training import OPTIONS, Trainer

    name = "capstone"
    inputs = "make_run(seed=0)"
    network, settings = _pair(_call(fn, 0, inputs), inputs)
    for key in settings:
        if key in _NOTEBOOK_SETS:
            fail(
                name,
                inputs,
                Text(f"no {key!r}"),
                Text(f"{key!r} in the settings"),
                _NOTEBOOK_SETS[key],
            )
    # the Trainer's options, less the notebook's own and the one the dashboard sets itself
    allowed = [k for k in OPTIONS if k not in _NOTEBOOK_SETS and k != "notify_interval"]
    unknown = [k for k in settings if k not in allowed]
    if unknown:
        fail(
            name,
            inputs,
            Text(f"settings among {allowed}"),
            Text(f"{unknown[0]!r}"),
            f"{unknown[0]!r} is not a training setting the dashboard takes (a typo?)",
        )
    # The Trainer checks every value when it is made: blank stand-ins as many as the notebook's
    # sets (monitor_train is checked against the training set's size), nothing trained.
    X_all, y_all = _stand_ins(TRAIN_SIZE)
    extra = {"validation": _stand_ins(VALIDATION_SIZE)} if settings.get("early_stopping") else {}
    try:
        Trainer(network.copy(), X_all, y_all, **settings, **extra)
    except (TypeError, ValueError) as exc:
        fail(
            name,
            inputs,
            Text("settings the Trainer accepts"),
            Text(f"{type(exc).__name__}: {exc}"),
            "the Trainer refuses these settings (its message above says which and why)",
        )
    transform = settings.get("transform")
    X = X_all[:20]
    if transform is not None:  # it runs only once training starts: try it on stand-ins now
        shape = Text("transform(X, rng) returning X's shape, (20, 784)")
        try:
            out = np.asarray(transform(X.copy(), np.random.default_rng(0)))
        except Exception as exc:
            fail(
                name,
                "transform(X, rng) with X of shape (20, 784), rng = np.random.default_rng(0)",
                shape,
                Text(f"{type(exc).__name__}: {exc}"),
                "the transform raised: it receives the training images as rows, X of shape "
                "(n, 784), and a random generator rng; augment wants (n, 28, 28), so reshape "
                "before it and back to (n, 784) after",
            )
        if out.shape != X.shape:
            fail(
                name,
                "transform(X, rng) with X of shape (20, 784), rng = np.random.default_rng(0)",
                shape,
                Text(f"shape {out.shape}"),
                "the transform must return the images as it got them, rows of 784 pixels: "
                "reshape back with .reshape(len(X), 784)",
            )
    again, _ = _pair(_call(fn, 0, "make_run(seed=0), a second time"), "make_run(seed=0)")
    other, _ = _pair(_call(fn, 1, "make_run(seed=1)"), "make_run(seed=1)")
    same = all(np.array_equal(a, b) for a, b in zip(network.weights, again.weights))
    if not same:
        fail(
            name,
            "make_run(seed=0), twice",
            Text("the same starting weights"),
            Text("different ones"),
            "the network must be made from seed: Network(..., seed=seed), so that a run can be "
            "repeated",
        )
    if network.sizes == other.sizes and all(
        np.array_equal(a, b) for a, b in zip(network.weights, other.weights)
    ):
        fail(
            name,
            "make_run(seed=0) and make_run(seed=1)",
            Text("different starting weights"),
            Text("the same ones"),
            "the seed is not used: pass it on, Network(..., seed=seed), so that two seeds tell "
            "your design's result from one lucky start",
        )
    shown = ", ".join(
        f"{k}={getattr(v, '__name__', '?') if callable(v) else repr(v)}"
        for k, v in settings.items()
    )
    passed(name, f"{network.sizes} {network.activation}, {shown}")


# -- the rules, after the run ---------------------------------------------------------------------
class TimeBudget(Callback):
    """Stops training once it has trained for ``seconds`` (pauses excluded), at the next
    mini-batch, and keeps what :func:`capstone_rules` reads: the seconds used, the run's
    history, and when training ended."""

    def __init__(self, seconds=BUDGET):
        self.seconds, self.used = float(seconds), 0.0
        self.history = self.ended = None

    def on_train_begin(self, trainer):
        self.history, self.ended = trainer.history, None
        self.last, self._typical, self._parked = time.perf_counter(), 0.0, False

    def on_batch_end(self, trainer, batch, logs):
        now = time.perf_counter()
        gap = now - self.last
        if self._parked:  # the loop waited at a pause before this mini-batch: count a usual one
            gap = min(gap, self._typical)
        else:
            self._typical = gap
        self.used += gap
        self.last, self._parked = now, trainer.paused
        if self.used > self.seconds:
            trainer.stop()

    def on_train_end(self, trainer):
        self.ended = time.perf_counter()

    def __repr__(self):
        return f"TimeBudget({self.seconds:g} s, {self.used:.1f} s used)"


class LockedTestSet:
    """The test set, locked: :meth:`open` hands out ``(X, y)`` and notes when, so that
    :func:`capstone_rules` can tell whether it was looked at before the end, or more than
    once."""

    def __init__(self, X, y):
        self._X, self._y = X, y
        self.opened = []  # time.perf_counter() at each open

    def open(self):
        self.opened.append(time.perf_counter())
        return self._X, self._y

    def __len__(self):
        return len(self._y)

    def __repr__(self):
        return f"LockedTestSet({len(self)} examples, opened {len(self.opened)} times)"


def capstone_rules(network, budget, test, *, seconds=BUDGET):
    """Refuse a finished capstone run that broke a rule, saying which: ``network`` trained
    within ``budget`` (a :class:`TimeBudget` of at most ``seconds``) and not after it, and
    ``test`` (a :class:`LockedTestSet`) opened once, after training ended."""
    name = "capstone_rules"
    inputs = f"network {getattr(network, 'sizes', '?')}, {budget!r}, {test!r}"
    if not isinstance(budget, TimeBudget):
        fail(
            name,
            inputs,
            Text("the notebook's TimeBudget"),
            Text(type(budget).__name__),
            "pass the TimeBudget the run trained with (callbacks=[budget]): only it says how "
            "long the run trained",
        )
    if not isinstance(test, LockedTestSet):
        fail(
            name,
            inputs,
            Text("the notebook's LockedTestSet"),
            Text(type(test).__name__),
            "pass the LockedTestSet the test digits came from (test.open())",
        )
    if budget.history is None:
        fail(
            name,
            inputs,
            Text("a run trained with callbacks=[budget]"),
            Text("the budget never started"),
            "trained past the time budget: the budget never timed a run, so nothing stopped "
            "it at 60 seconds. Give it to the run: callbacks=[budget]",
        )
    if budget.seconds > seconds:
        fail(
            name,
            inputs,
            Text(f"a budget of at most {seconds:g} s"),
            Text(f"TimeBudget({budget.seconds:g})"),
            f"trained past the time budget: the rules allow {seconds:g} seconds of training, "
            f"this budget allowed {budget.seconds:g}",
        )
    history = getattr(network, "history_", None)
    if history is not budget.history:
        fail(
            name,
            inputs,
            Text("the network as the timed run left it"),
            Text(
                "a network trained again after it"
                if history is not None
                else "a network that never trained"
            ),
            "trained past the time budget: this network's last training is not the run the "
            "budget timed (was it trained again, or is it another network?). Report the "
            "network the timed run trained",
        )
    if not test.opened:
        fail(
            name,
            inputs,
            Text("the test set opened once, at the end"),
            Text("never opened"),
            "open the test set once, after training: X_test, y_test = test.open()",
        )
    if budget.ended is None or test.opened[0] < budget.ended:
        fail(
            name,
            inputs,
            Text("the test set opened after training ended"),
            Text(
                "opened while the run was still to be trained or training"
                if budget.ended is None
                else f"opened {budget.ended - test.opened[0]:.1f} s before training ended"
            ),
            "looked at the test set before the end: a design chosen after seeing test digits "
            "has been fitted to them, and its test accuracy flatters it. Train, choose by "
            "validation accuracy, then open the test set",
        )
    if len(test.opened) > 1:
        fail(
            name,
            inputs,
            Text("the test set opened once"),
            Text(f"opened {len(test.opened)} times"),
            "looked at the test set more than once: every look after the first can steer the "
            "next choice. Report the first number",
        )
    passed(
        name,
        f"trained {budget.used:.0f} s of the {seconds:g} allowed; the test set opened "
        f"once, after training",
    )
