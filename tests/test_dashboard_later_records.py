"""A dashboard on a network big enough that the loop records the losses a few mini-batches at
a time (its recorder reads none of them: ``Callback.reads_batch_logs`` False): the same history
as ``fit``'s, and the control counts mini-batches and marks changes on a complete history."""

import contextlib

import numpy as np
import pytest

from nnwidgets import Callback, Network, TrainingDashboard, load_bundled
from nnwidgets.widgets.dashboard.recorder import Recorder

SETTINGS = dict(batch_size=10, learning_rate=0.1)


@pytest.fixture(scope="module")
def digits():
    data = load_bundled()
    return data.X_train[:600], data.y_train[:600]


def network():
    return Network([784, 30, 10], seed=1)  # big enough for the update's bound and gemm


class Spy(Callback):
    """Reads no losses either (so the loop may still wait to record them): notes, at each
    mini-batch, which network trained it, its learning rate, and how far the history lags."""

    reads_batch_logs = False

    def __init__(self):
        self.trained, self.rates, self.lags, self.deferred = [], [], [], None

    def on_train_begin(self, trainer):
        self.deferred = trainer._may_record_later  # the path these tests are about

    def on_batch_end(self, trainer, batch, logs):
        assert logs is None
        self.trained.append(trainer.network)
        self.rates.append(trainer.learning_rate)
        done = trainer.epoch * -(-len(trainer.X) // trainer.batch_size) + batch + 1
        self.lags.append(done - len(trainer.history.batch_loss))


@contextlib.contextmanager
def training(dash):
    """Start ``dash`` for the block; at its end stop it and wait until it has stopped. Closed
    however the block ends."""
    try:
        dash.start()
        yield
        dash.stop()
        dash.wait(timeout=30)
    finally:
        dash.close()


def change_position(run):
    """The mini-batch (counted from 0 across epochs) that ``run``'s one change applies from."""
    (change,) = run.changes
    return change["epoch"] * run.batches_per_epoch + change["batch"]


def test_a_dashboards_run_records_what_fit_records(digits):
    spy = Spy()
    d = TrainingDashboard(network(), train=digits, epochs=2, callbacks=[spy], **SETTINGS)
    try:
        d.start()
        d.wait(timeout=30)
    finally:
        d.close()
    history, expected = d.runs[0].history, network().fit(*digits, epochs=2, **SETTINGS)
    assert spy.deferred and max(spy.lags) > 0  # recorded later, and then completely:
    assert len(history.batch_loss) == len(expected.batch_loss) == 120
    np.testing.assert_allclose(history.batch_loss, expected.batch_loss, rtol=1e-6)
    assert history.batch_accuracy == expected.batch_accuracy
    assert d.runs[0].batch.total == 120  # every mini-batch reached the curve


def test_interleaved_runs_count_their_turns_on_a_complete_history(digits):
    spy = Spy()
    a, b = network(), network()
    d = TrainingDashboard(a, train=digits, epochs=1, interleave=7, callbacks=[spy], **SETTINGS)
    d.add_run(b)
    try:
        d.start()
        d.wait(timeout=30)
    finally:
        d.close()
    assert spy.deferred
    expected = []
    for start in range(0, 60, 7):  # 60 mini-batches each, in turns of 7
        n = min(7, 60 - start)
        expected += [a] * n + [b] * n
    assert [net is a for net in spy.trained] == [net is a for net in expected]


def test_a_change_is_marked_at_the_mini_batch_it_applies_from(digits, wait_for):
    spy = Spy()
    d = TrainingDashboard(network(), train=digits, epochs=50, callbacks=[spy], **SETTINGS)
    with training(d):
        wait_for(lambda: len(spy.rates) >= 30)
        d.learning_rate = 0.02  # applied after the mini-batch training now
        wait_for(lambda: d.runs[0].changes)
    assert spy.deferred
    assert spy.rates.index(0.02) == change_position(d.runs[0]) > 30


def heard_by_recorder(dash, spy):
    """From now on, the mini-batches (counted by ``spy``) after which the dashboard's recorder
    is called: a list that grows as training goes on."""
    calls = []
    (recorder,) = [cb for cb in dash.runs[0].trainer.callbacks if isinstance(cb, Recorder)]
    hear = recorder.on_batch_end
    recorder.on_batch_end = lambda *args: (calls.append(len(spy.rates)), hear(*args))
    return calls


def test_the_recorder_is_called_per_mini_batch_only_while_it_has_work_there(digits, wait_for):
    # A call per mini-batch costs a small network's training a few per cent: while nothing
    # waits (no change, no step, no turns) the loop leaves the dashboard's recorder out, and a
    # change brings it back for the next mini-batch.
    spy = Spy()
    d = TrainingDashboard(network(), train=digits, epochs=50, callbacks=[spy], **SETTINGS)
    with training(d):
        wait_for(lambda: len(spy.rates) >= 30)
        calls = heard_by_recorder(d, spy)
        wait_for(lambda: len(spy.rates) >= 60)
        assert calls == []  # 30 mini-batches, none heard
        d.learning_rate = 0.02
        wait_for(lambda: d.runs[0].changes)
        after = len(spy.rates)
        wait_for(lambda: len(spy.rates) >= after + 30)  # 30 more, unheard again
    applied_at = change_position(d.runs[0])
    assert spy.rates.index(0.02) == applied_at
    # Heard once after the change (it applied it and had no more work), not ever after.
    assert calls == [applied_at]


def test_a_step_wakes_the_recorder_for_its_mini_batch(digits, wait_for):
    # The step waits for the recorder's word that its mini-batch is done: the recorder must hear
    # that mini-batch although it heard none before (else the step waits out park_timeout).
    spy = Spy()
    d = TrainingDashboard(network(), train=digits, epochs=50, callbacks=[spy], **SETTINGS)
    with training(d):
        wait_for(lambda: len(spy.rates) >= 30)
        calls = heard_by_recorder(d, spy)
        d.pause()
        parked_at = len(spy.rates)
        d.step()
        assert len(spy.rates) == parked_at + 1
        assert calls == [parked_at + 1]  # heard the step's mini-batch, which woke the step
