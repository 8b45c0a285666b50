"""LoopControl with two threads and no network: a stand-in loop counts its mini-batches.

Every ordering here is made by waiting on the control itself (wait_paused) or on events,
never on time, so the assertions are exact.
"""

import threading

import pytest

from nnwidgets.loop_control import LoopControl

TIMEOUT = 30  # a hang fails the test instead of the suite


class FakeLoop:
    """A training loop without training: ``batches`` counts the mini-batches it ran."""

    def __init__(self, control, limit=1_000_000):
        self.control, self.limit = control, limit
        self.batches = 0
        self.stopped = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        self.control.begin()
        try:
            while self.batches < self.limit:
                if self.control.checkpoint():
                    self.stopped = True
                    return
                self.batches += 1
            self.stopped = False
        finally:
            self.control.end()

    def start(self):
        self.thread.start()
        return self

    def join(self):
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "the loop did not end"


def test_paused_before_the_start_parks_before_the_first_mini_batch():
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    assert loop.batches == 0 and control.parked and control.paused
    control.stop()
    loop.join()
    assert loop.stopped and loop.batches == 0


@pytest.mark.parametrize("n", [1, 3])
def test_step_while_paused_runs_exactly_n_then_parks_again(n):
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    for expected in (n, 2 * n):
        control.step(n)
        assert not control.parked  # released at once: wait_paused waits for the new parking
        assert control.wait_paused(TIMEOUT)
        assert loop.batches == expected and control.paused
    control.stop()
    loop.join()
    assert loop.batches == 2 * n


def test_steps_asked_for_before_they_run_add_up():
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    control.step(2)
    control.step(3)
    assert control.wait_paused(TIMEOUT)
    assert loop.batches == 5
    control.stop()
    loop.join()


def test_resume_runs_freely_and_pause_parks_again():
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    control.resume()
    assert not control.paused
    control.pause()
    assert control.wait_paused(TIMEOUT)
    parked_at = loop.batches
    assert control.parked
    control.stop()
    loop.join()
    assert loop.batches == parked_at  # stopping a parked loop runs no further mini-batch


def test_stop_wakes_a_parked_loop_at_once():
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    control.stop()
    assert control.stop_requested and not control.parked
    loop.join()
    assert loop.stopped and loop.batches == 0


def test_a_step_taken_back_by_a_pause_parks_again():
    control = LoopControl()
    control.pause()
    loop = FakeLoop(control).start()
    assert control.wait_paused(TIMEOUT)
    with control._cond:  # the loop cannot wake between the two calls
        control.step(1)
        control.pause()
    assert control.wait_paused(TIMEOUT)
    assert loop.batches == 0
    control.stop()
    loop.join()


def test_wait_paused_returns_false_when_the_loop_ends_or_times_out():
    control = LoopControl()
    assert control.wait_paused(timeout=0) is False
    loop = FakeLoop(control, limit=10).start()
    loop.join()
    assert control.wait_paused(TIMEOUT) is False  # the loop ended: it will never park
    assert loop.stopped is False and loop.batches == 10


def test_the_loop_thread_may_steer_itself_without_deadlock():
    control = LoopControl()
    seen = {}

    def run():
        control.begin()
        try:
            control.checkpoint()
            control.pause()  # as a callback in on_batch_end would
            seen["wait_paused"] = control.wait_paused()  # cannot wait for itself: returns
            control.step(2)
            control.stop()
            seen["stop"] = control.checkpoint()
        finally:
            control.end()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the loop's own thread deadlocked"
    assert seen == {"wait_paused": False, "stop": True}


def test_pause_from_the_loop_thread_parks_at_the_next_boundary():
    control = LoopControl()
    parked = threading.Event()

    def run():
        control.begin()
        try:
            control.checkpoint()
            control.pause()  # mid-batch, on the loop's own thread
            parked.set()
            control.checkpoint()  # the next boundary: parks here until the stop
        finally:
            control.end()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert parked.wait(TIMEOUT)
    assert control.wait_paused(TIMEOUT)
    control.stop()
    thread.join(TIMEOUT)
    assert not thread.is_alive()


@pytest.mark.parametrize("n", [0, -1, 1.5, True, "2"])
def test_step_refuses_anything_but_a_positive_integer(n):
    with pytest.raises(ValueError, match=r"n must be a positive integer; got"):
        LoopControl().step(n)


def test_wait_paused_timeout_is_checked():
    with pytest.raises(ValueError, match=r"timeout must be a finite number >= 0; got"):
        LoopControl().wait_paused(timeout=-1)
