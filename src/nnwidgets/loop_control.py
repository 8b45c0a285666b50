"""Pause, step, resume and stop a training loop between mini-batches, from any thread.

One :class:`threading.Condition` guards four facts: whether a pause is in effect, how many
mini-batches may still run before the loop parks (the step budget), whether a stop was asked
for, and whether the loop is parked right now. The loop calls :meth:`LoopControl.checkpoint`
before each mini-batch; every other method may be called from any thread, the training thread
included (a callback's ``on_batch_end`` may pause, step or stop: nothing there waits for the
loop, so nothing deadlocks). The :class:`~nnwidgets.training.Trainer` holds one and forwards
its ``pause``, ``resume``, ``step``, ``stop``, ``wait_paused``, ``paused`` and ``parked``
to it.
"""

from __future__ import annotations

import threading

from . import _checks

__all__ = ["LoopControl"]


class LoopControl:
    """The steering state of one training loop.

    ``budget`` is None while running freely; otherwise the number of mini-batches the loop may
    still run before it parks (0: park at the next boundary). :meth:`pause` sets it to 0,
    :meth:`step` adds to it, :meth:`resume` clears it.
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._budget = None
        self._stop = False
        self._parked = False
        self._ended = False  # the loop returned: nobody will park any more
        self._loop_thread = None

    # -- the public side, from any thread ---------------------------------------------------------
    def pause(self):
        """Park the loop at the next boundary between mini-batches, until resume or stop."""
        with self._cond:
            self._budget = 0
            self._cond.notify_all()

    def resume(self):
        """Run freely again (a pending step budget is dropped)."""
        with self._cond:
            self._budget = None
            self._release()

    def step(self, n=1):
        """Run ``n`` more mini-batches, then park.

        While paused, the loop wakes, runs ``n`` mini-batches and parks again; while running
        freely, it parks after ``n`` more. Steps asked for before earlier ones ran add up.
        """
        n = _checks.positive_int(n, "n")
        with self._cond:
            self._budget = (self._budget or 0) + n
            self._release()

    def stop(self):
        """End the loop at the next boundary; a parked loop wakes and ends at once."""
        with self._cond:
            self._stop = True
            self._release()

    def wait_paused(self, timeout=None):
        """Block until the loop is parked; False if ``timeout`` seconds pass or the loop ends.

        On the training thread itself (a callback) it cannot wait for its own loop to park, so
        it returns at once whether the loop is parked (it is not: it is running the callback).
        """
        if timeout is not None:
            timeout = _checks.check_range(timeout, "timeout", 0, float("inf"))
        with self._cond:
            if threading.current_thread() is self._loop_thread:
                return self._parked
            self._cond.wait_for(lambda: self._parked or self._ended, timeout)
            return self._parked

    @property
    def paused(self):
        """True while a pause is in effect (also during a step, which parks again after it)."""
        return self._budget is not None

    @property
    def parked(self):
        """True while the loop is actually waiting at a pause (no weight changes)."""
        return self._parked

    @property
    def stop_requested(self):
        return self._stop

    def _release(self):
        # A released loop counts as no longer parked from this moment, before its thread
        # wakes: so ``step(); wait_paused()`` waits for the step's mini-batches to run instead
        # of seeing the old parking.
        self._parked = False
        self._cond.notify_all()

    # -- the loop's side --------------------------------------------------------------------------
    def begin(self):
        """Called by the loop's thread when it starts (so :meth:`wait_paused` knows it)."""
        with self._cond:
            self._loop_thread = threading.current_thread()
            self._ended = False

    def checkpoint(self):
        """Called before each mini-batch: parks while paused; True means stop now.

        Running freely with no stop asked for, it returns without taking the lock: the flags
        are single attribute reads, and a change made at this instant is seen at the next
        boundary, which is all "between mini-batches" promises.
        """
        if self._budget is None and not self._stop:
            return False
        with self._cond:
            while self._budget == 0 and not self._stop:
                if not self._parked:  # (again, if a step was taken back by a pause at once)
                    self._parked = True
                    self._cond.notify_all()
                self._cond.wait()
            self._parked = False
            if self._stop:
                return True
            if self._budget is not None:
                self._budget -= 1
            return False

    def end(self):
        """Called by the loop's thread when it returns, however it returns."""
        with self._cond:
            self._parked = False
            self._ended = True
            self._loop_thread = None
            self._cond.notify_all()
