"""TrainingControl on its own, with no widget: real runs and Trainers training on a background
thread, and the test's thread steering them.

Every ordering here is fixed by the control, not by timing: a step returns once its mini-batch
is done and the run whose turn it is is parked, so no test sleeps to let a thread catch up.
"""

import subprocess
import sys
import threading
import time

import pytest

from nnwidgets import Callback
from nnwidgets.widgets.dashboard.control import TrainingControl, check_timeout
from nnwidgets.widgets.dashboard.progress import ProgressCounters
from nnwidgets.widgets.dashboard.publisher import Publisher
from nnwidgets.widgets.dashboard.recorder import train_runs
from nnwidgets.widgets.dashboard.runs import Run


@pytest.fixture
def session(small_problem, make_net):
    """``session(runs=1, interleave=False, paused=True, n=600, **settings)``: ``(control,
    runs)`` training on a background thread as a dashboard trains them (its recorder, progress
    and publisher, the publisher writing into a list), on the first ``n`` examples of the small
    problem. Started paused: parked before the first mini-batch. Stopped after the test."""
    sessions = []

    def start(runs=1, *, interleave=False, paused=True, n=600, **settings):
        options = dict(epochs=100, batch_size=small_problem.batch_size, learning_rate=0.05)
        options.update(settings)
        train = (small_problem.X[:n], small_problem.y[:n])
        made = [Run(make_net(), train, None, **options) for _ in range(runs)]
        control = TrainingControl(park_timeout=10)
        progress = ProgressCounters()
        publisher = Publisher(made, control, progress, [].append, interval=0.05)
        control.begin(interleave=interleave, paused=paused)

        def train_then_finish():
            try:
                train_runs(made, control, progress, publisher)
            finally:
                control.finish()

        thread = threading.Thread(target=train_then_finish, name="test-training")
        thread.start()
        sessions.append((control, thread))
        return control, made

    yield start
    for control, thread in sessions:
        control.stop()
        thread.join(10)
        assert not thread.is_alive()


def test_paused_from_the_start_parks_before_the_first_mini_batch(session):
    control, (run,) = session()
    assert control.pause()  # already paused: returns once parked
    assert run.batches_done == 0 and run.trainer.parked
    assert control.status == "paused" and control.active is run


def test_each_step_trains_exactly_one_mini_batch_and_parks(session):
    control, (run,) = session()
    for done in range(1, 6):
        assert control.step()
        assert run.batches_done == done and control.parked


def test_step_while_training_freely_trains_on_and_parks(session, wait_for):
    control, (run,) = session(paused=False)
    wait_for(lambda: run.batches_done >= 5)
    assert control.step()
    assert control.parked and control.paused
    parked_at = run.batches_done
    assert control.step() and run.batches_done == parked_at + 1


def test_resume_trains_freely_again(session, wait_for):
    control, (run,) = session()
    control.step()
    control.resume()
    wait_for(lambda: run.batches_done > 20)
    assert control.status == "running" and not control.paused


def test_stop_while_paused_ends_training_at_once(session):
    control, (run,) = session()
    control.step()
    control.step()
    began = time.monotonic()
    control.stop()
    assert control.wait_finished(timeout=5)
    assert time.monotonic() - began < 2  # no mini-batch, no wait for a resume
    assert run.history.status == "stopped" and run.status == "stopped"
    assert run.batches_done == 2


def test_a_pause_from_the_training_thread_does_not_wait_for_itself(session, wait_for):
    pauses, steering = [], {}

    class PauseAtFour(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if len(trainer.history.batch_loss) == 4:
                pauses.append(steering["control"].pause())  # must not wait for itself

    control, (run,) = session(callbacks=[PauseAtFour()])
    steering["control"] = control
    control.resume()
    wait_for(lambda: control.parked)
    assert pauses == [False] and run.batches_done == 4


def _trained_by(control, runs, steps):
    """Which run trained each of ``steps`` steps, by its index."""
    order = []
    for _ in range(steps):
        before = [r.batches_done for r in runs]
        assert control.step()
        after = [r.batches_done for r in runs]
        (moved,) = [i for i, (a, b) in enumerate(zip(before, after)) if b == a + 1]
        assert sum(after) == sum(before) + 1
        order.append(moved)
    return order


def test_a_step_across_the_end_of_a_run_parks_the_next_run(session):
    control, runs = session(2, epochs=1, n=8)  # 2 mini-batches each, one run after the other
    assert _trained_by(control, runs, 3) == [0, 0, 1]
    assert runs[0].status == "completed" and control.active is runs[1]
    assert not control.step()  # its last mini-batch, and then nothing left to park at
    assert control.wait_finished(timeout=5)
    assert [r.status for r in runs] == ["completed", "completed"]
    assert [r.batches_done for r in runs] == [2, 2]


def test_interleaved_runs_take_turns_of_n_mini_batches(session):
    control, runs = session(2, interleave=3)
    assert _trained_by(control, runs, 14) == [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0]


def test_interleaved_runs_take_turns_of_an_epoch(session):
    control, runs = session(2, interleave="epoch", n=40)  # 10 mini-batches an epoch
    assert _trained_by(control, runs, 25) == [0] * 10 + [1] * 10 + [0] * 5
    assert [r.history.epochs for r in runs] == [1, 1]


@pytest.mark.parametrize("steps", range(7))
def test_a_change_applies_to_the_next_mini_batch_of_the_run_whose_turn_it_is(session, steps):
    # At every position in the turns (steps 3 and 6: a turn has just passed), the run whose turn
    # it is trains the next mini-batch and is the one that gets the change, from that mini-batch.
    control, runs = session(2, interleave=3)
    assert control.pause()  # parked: no mini-batch runs until the test steps
    _trained_by(control, runs, steps)
    holder = control.active
    other = next(r for r in runs if r is not holder)
    position = holder.batches_done
    assert control.change("learning_rate", 0.02) is holder
    assert holder.trainer.learning_rate == 0.02  # parked: applied before its next mini-batch
    (change,) = holder.changes
    assert change["epoch"] * holder.batches_per_epoch + change["batch"] == position
    assert (change["old"], change["new"]) == (0.05, 0.02)
    assert control.step() and holder.batches_done == position + 1  # its mini-batch is next
    assert other.trainer.learning_rate == 0.05 and other.changes == []


def test_a_change_while_training_freely_applies_after_the_current_mini_batch(session, wait_for):
    control, (run,) = session(paused=False)
    wait_for(lambda: run.batches_done >= 3)
    assert control.change("momentum", 0.5) is run
    wait_for(lambda: run.trainer.momentum == 0.5)
    (change,) = run.changes
    assert change["name"] == "momentum" and change["epoch"] * 150 + change["batch"] >= 3


def test_nothing_training_leaves_the_change_to_the_caller():
    control = TrainingControl()
    assert control.change("learning_rate", 0.5) is None
    assert not control.pause() and not control.step()
    assert control.status == "idle"


def test_the_control_imports_no_widget_library():
    code = (
        "import sys, nnwidgets.widgets.dashboard.control\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('anywidget', 'ipywidgets', 'traitlets', 'comm')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "timeout, seconds",
    [(None, None), (0, 0.0), (2, 2.0), (1.5, 1.5), (10**400, None), (1e300, None)],
)
def test_a_timeout_is_seconds_and_a_huge_one_is_none(timeout, seconds):
    assert check_timeout(timeout, "wait()") == seconds


@pytest.mark.parametrize("timeout", [float("nan"), -1, "1", True, [1]])
def test_a_timeout_that_is_not_seconds_is_refused(timeout):
    with pytest.raises(
        ValueError,
        match=r"wait\(\): timeout must be None or a number of "
        r"seconds >= 0; got ",
    ):
        check_timeout(timeout, "wait()")
