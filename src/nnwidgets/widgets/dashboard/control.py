"""Pause, step, stop and the turns of interleaved runs: one condition, a few public methods.

The dashboard's buttons call :class:`TrainingControl` from any thread; the training thread(s)
call it between mini-batches, through the recorder. It steers each run through that run's
:class:`~nnwidgets.training.Trainer` (``pause``, ``resume``, ``step``, ``stop``,
``wait_paused``): one pause mechanism, the Trainer's, which parks the loop before its next
mini-batch. What this object adds is what spans several runs:

- the runs in play: one (runs trained one after another) or the rotation of interleaved runs,
  of which one holds the turn while the others wait for it in their callback;
- a pause (or a stop) that covers every run in play, and the runs that enter while it lasts;
- live setting changes for the run whose turn it is, applied between its mini-batches;
- a step: one mini-batch of the run whose turn it is.

Turn order. A run hands the turn on in its callback after its mini-batch (or its epoch), before
its Trainer reaches the next pause point. So when :meth:`pause` or :meth:`step` returns, the
run whose turn it is (:attr:`active`) is parked before its next mini-batch, and a live change
made then applies to that run's next mini-batch, whichever run trained the one before.

The runs are any objects with a ``trainer`` and an ``apply_settings(changes)`` method (the
dashboard's :class:`~.runs.Run`). Nothing here imports a widget library.
"""

from __future__ import annotations

import numbers
import threading
import time

import numpy as np

__all__ = ["TrainingControl", "PARK_TIMEOUT", "check_timeout"]

#: Longest wait for a run to reach a pause (one mini-batch, or one validation at an epoch end).
PARK_TIMEOUT = 60.0
#: How often a wait for a parked run looks again at whose turn it is (only while the turn may
#: pass meanwhile; a run that parks ends the wait at once).
_RECHECK = 0.05


def check_timeout(timeout, what):
    """``timeout`` as float seconds, or None; ValueError for anything that is not a number of
    seconds >= 0 (NaN would never run out). A timeout longer than threading's waits accept
    (``threading.TIMEOUT_MAX``, about 292 years), ``10**400`` included, is no timeout."""
    if timeout is None:
        return None
    if isinstance(timeout, (bool, np.bool_)) or not isinstance(timeout, numbers.Real):
        raise ValueError(
            f"{what}: timeout must be None or a number of seconds >= 0; got {timeout!r}"[:200]
        )
    try:
        seconds = float(timeout)
    except OverflowError:  # an int beyond any float: no timeout at all
        return None
    if not seconds >= 0:
        raise ValueError(
            f"{what}: timeout must be None or a number of seconds >= 0; got {timeout!r}"
        )
    return None if seconds >= threading.TIMEOUT_MAX else seconds


class TrainingControl:
    """The steering state of one dashboard's training, behind one ``threading.Condition``.

    From any thread: :meth:`pause`, :meth:`resume`, :meth:`step`, :meth:`stop`,
    :meth:`change`, :meth:`wait_finished`, and the read-only :attr:`status`, :attr:`active`,
    :attr:`paused`, :attr:`parked`, :attr:`training`, :attr:`stop_requested`.

    From the code that trains (the dashboard's recorder and its loop over the runs):
    :meth:`begin` and :meth:`finish` around a training session; :meth:`enter`, :meth:`join`,
    :meth:`leave` and :meth:`wait_left` around the runs in play; :meth:`wait_turn`,
    :meth:`after_batch` and :meth:`after_epoch` on each run's thread.
    """

    def __init__(self, *, park_timeout=None):
        self._park_timeout = park_timeout
        self._cond = threading.Condition()
        self._training = False  # between begin() and finish()
        self._paused = False
        self._stop = False
        self._interrupted = False
        self._every = False  # interleaving: False, "epoch" or a number of mini-batches
        self._in_play = []  # the runs training now, in turn order
        self._turn = None  # the run whose turn it is (the only one in play, one after another)
        self._handover_due = False  # epoch turns: the holder ended its epoch's last mini-batch
        self._pending = {}  # run -> {setting: value}, for the run's next mini-batch
        self._stepping = 0  # step() calls waiting for their mini-batch
        self._threads = set()  # idents of the threads training runs now
        self._paused_total = 0.0
        self._paused_since = None

    @property
    def park_timeout(self):
        """Longest wait of :meth:`pause` and :meth:`step` for a run to park (``PARK_TIMEOUT``
        unless given)."""
        return PARK_TIMEOUT if self._park_timeout is None else self._park_timeout

    # -- read from any thread ------------------------------------------------------------------
    @property
    def training(self):
        """True from :meth:`begin` until :meth:`finish`."""
        return self._training

    @property
    def active(self):
        """The run whose turn it is (the one training now), or None between runs."""
        return self._turn

    @property
    def paused(self):
        """True while a pause is asked for (also during a step, which pauses again after)."""
        return self._paused

    @property
    def stop_requested(self):
        return self._stop

    @property
    def interrupted(self):
        """True when the stop came from a keyboard interrupt."""
        return self._interrupted

    @property
    def interleaving(self):
        """How the runs in play take turns: False, "epoch" or a number of mini-batches."""
        return self._every

    @property
    def parked(self):
        """True while the run whose turn it is waits at a pause (no weight changes)."""
        run = self._turn
        return run is not None and run.trainer.parked

    @property
    def status(self):
        """ "idle" (no training), "running", "paused" (the run whose turn it is is parked) or
        "stopping"."""
        with self._cond:
            if not self._training:
                return "idle"
            if self._stop:
                return "stopping"
            return "paused" if self._paused and self.parked else "running"

    def paused_seconds(self):
        """Seconds spent paused since :meth:`begin` (time a pause was asked for until resume)."""
        with self._cond:
            since = self._paused_since
            return self._paused_total + (time.monotonic() - since if since is not None else 0.0)

    def on_training_thread(self):
        """True when called from a thread that trains a run (a callback): it must not wait for
        its own loop to park."""
        return threading.get_ident() in self._threads

    # -- a training session, from the code that trains -----------------------------------------
    def begin(self, *, interleave=False, paused=False):
        """A training session begins: ``interleave`` False, "epoch" or n; ``paused`` starts
        parked before the first mini-batch (a step from idle)."""
        with self._cond:
            if self._training:
                raise RuntimeError("training has already begun")
            self._training = True
            self._stop = self._interrupted = False
            self._every = interleave
            self._paused = False
            self._paused_total, self._paused_since = 0.0, None
            self._set_paused(paused)

    def finish(self):
        """The session has ended: every run left, and what it sends was sent."""
        with self._cond:
            self._training = False
            self._in_play, self._turn, self._handover_due = [], None, False
            self._set_paused(False)
            self._cond.notify_all()

    def wait_finished(self, timeout=None):
        """Block until the session ends (True) or ``timeout`` seconds pass (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._training, timeout)

    def enter(self, runs):
        """``runs`` begin training: one, or the rotation of interleaved runs (the first holds
        the turn). A pause or stop in effect applies to them before their first mini-batch."""
        with self._cond:
            self._in_play = list(runs)
            self._turn = self._in_play[0] if self._in_play else None
            self._handover_due = False
            for run in self._in_play:
                if self._stop:
                    run.trainer.stop()
                elif self._paused:
                    run.trainer.pause()
            self._cond.notify_all()

    def join(self, run):
        """``run`` joins the turns of the runs in play, after the last of them. False (and
        nothing changes) when runs do not take turns now, or every one has left or was stopped.
        """
        with self._cond:
            if not (self._training and self._every and self._in_play) or self._stop:
                return False
            self._in_play.append(run)
            if self._paused:
                run.trainer.pause()
            return True

    def wait_left(self):
        """Block until every run in play has left (those that joined the turns included)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._in_play)

    def leave(self, run):
        """On ``run``'s thread when its training ended, however it ended: the turn passes on.
        Changes still queued for it are applied (its Trainer keeps the last values asked for)."""
        with self._cond:
            self._threads.discard(threading.get_ident())
            self._flush(run)
            if run in self._in_play:
                i = self._in_play.index(run)
                self._in_play.remove(run)
                if self._turn is run:
                    rest = self._in_play
                    self._turn = rest[i % len(rest)] if rest else None
                    self._handover_due = False
            self._cond.notify_all()

    # -- on a run's training thread, between mini-batches ---------------------------------------
    def wait_turn(self, run):
        """Before ``run``'s first mini-batch: wait until it holds the turn (or a stop)."""
        with self._cond:
            self._threads.add(threading.get_ident())
            self._cond.wait_for(lambda: self._turn is run or self._stop)
            self._flush(run)

    @property
    def wants_batches(self):
        """Whether :meth:`after_batch` has anything to do: a change queued, a step waiting,
        or runs taking turns. The recorder hears mini-batches only while it is true
        (``Recorder.hears_batches``), so what makes it true tells the run's trainer to ask
        again (``trainer.listen_again()``), and the common mini-batch costs no call at all."""
        return bool(self._pending or self._stepping or self._every)

    def after_batch(self, run, end_of_epoch, before=None):
        """After each of ``run``'s mini-batches (``end_of_epoch`` after an epoch's last): apply
        queued changes, pass the turn after n mini-batches, wake a waiting step.

        On the training thread; the recorder calls it only when :attr:`wants_batches` (a
        change queued, a step waiting, or turns to pass). ``before()`` is called first (the
        Trainer's ``flush_records``: the run's history complete, for counting its mini-batches
        and marking where a change applies).
        """
        if not self.wants_batches:
            return
        every = self._every
        if before is not None:
            before()
        if every == "epoch":
            turns = end_of_epoch
        else:
            turns = bool(every) and run.batches_done % every == 0
        if not (self._pending or self._stepping or turns):
            return
        with self._cond:
            self._flush(run)
            if turns and every == "epoch":
                # The turn passes at the epoch's end, after validation: until then a step
                # waits for that, not for this run to park.
                self._handover_due = self._turn is run and len(self._in_play) > 1
            elif turns:
                self._pass_turn(run)
            self._cond.notify_all()
        if self._turn is not run:
            self._wait_turn_back(run)

    def after_epoch(self, run, last):
        """At the end of ``run``'s epoch: with turns by epochs, pass the turn (unless ``last``:
        the run ends instead) and wait for it back."""
        if self._every != "epoch":
            return
        with self._cond:
            if not last:
                self._pass_turn(run)
            self._handover_due = False
            self._cond.notify_all()
        if self._turn is not run:
            self._wait_turn_back(run)

    def _pass_turn(self, run):
        rotation = self._in_play
        if self._turn is run and len(rotation) > 1:
            self._turn = rotation[(rotation.index(run) + 1) % len(rotation)]

    def _wait_turn_back(self, run):
        with self._cond:
            self._cond.wait_for(lambda: self._turn is run or self._stop)
            self._flush(run)

    def _flush(self, run):
        """Under the condition: apply the changes queued for ``run`` (its loop is between
        mini-batches, parked or in its callback)."""
        changes = self._pending.pop(run, None)
        if changes:
            run.apply_settings(changes)

    # -- the buttons, from any thread -----------------------------------------------------------
    def change(self, name, value):
        """Set a live setting of the run whose turn it is from its next mini-batch. Returns
        that run, or None when nothing trains (the caller then sets it where it belongs)."""
        with self._cond:
            run = self._turn
            if run is None:
                return None
            self._pending.setdefault(run, {})[name] = value
            if run.trainer.parked:  # it waits at a pause: apply now, before it is released
                self._flush(run)
            else:  # its recorder applies it after the mini-batch running now
                run.trainer.listen_again()
            return run

    def pause(self, *, wait=True):
        """Pause every run in play before its next mini-batch. With ``wait``, returns once the
        run whose turn it is is parked (True), or False if it is not within ``park_timeout``
        (or training ended meanwhile)."""
        with self._cond:
            if not self._training:
                return False
            self._set_paused(True)
            for run in self._in_play:
                run.trainer.pause()
        if not wait or self.on_training_thread():
            return False
        return self._wait_parked(time.monotonic() + self.park_timeout)

    def resume(self):
        """Train freely again after :meth:`pause` or :meth:`step`."""
        with self._cond:
            self._set_paused(False)
            for run in self._in_play:
                self._flush(run)
                run.trainer.resume()
            self._cond.notify_all()

    def step(self):
        """Train one mini-batch of the run whose turn it is, then stay paused.

        While training runs freely this pauses after one more mini-batch. Returns True once the
        mini-batch is done and the run whose turn it is then is parked; False if training ended
        first or it took longer than ``park_timeout``. From a training thread it only asks.
        """
        deadline = time.monotonic() + self.park_timeout
        with self._cond:
            if not self._training:
                return False
            self._set_paused(True)
            for run in self._in_play:
                run.trainer.pause()
        if self.on_training_thread():
            with self._cond:
                if self._turn is not None:
                    self._turn.trainer.step(1)
            return False
        # Let the run whose turn it is reach its pause point first, so the step is its next
        # mini-batch and not the rest of the current one.
        if not self._wait_parked(deadline):
            return False
        with self._cond:
            run = self._turn
            if run is None or self._stop:
                return False
            before = run.batches_done  # the step's mini-batch is this run's
            self._flush(run)
            self._stepping += 1
            run.trainer.listen_again()  # its recorder wakes this step after the mini-batch
            try:
                run.trainer.step(1)
                self._cond.wait_for(
                    lambda: (
                        run.batches_done > before
                        or run not in self._in_play
                        or not self._training
                        or self._stop
                    ),
                    _left(deadline),
                )
            finally:
                self._stepping -= 1
        return self._wait_parked(deadline)

    def stop(self, *, interrupted=False):
        """Stop every run in play before its next mini-batch (at once when paused); runs not
        begun yet wait for another session."""
        with self._cond:
            if not self._training:
                return
            self._stop = True
            self._interrupted = self._interrupted or interrupted
            for run in self._in_play:
                run.trainer.stop()
            self._cond.notify_all()

    # -- waiting --------------------------------------------------------------------------------
    def _wait_parked(self, deadline):
        """Wait until the run whose turn it is is parked; False if training ended or the
        deadline passed. The turn may pass while waiting (to a run that then parks)."""
        while True:
            with self._cond:
                ok = self._cond.wait_for(
                    lambda: (
                        not self._training
                        or self._stop
                        or (self._turn is not None and not self._handover_due)
                    ),
                    _left(deadline),
                )
                run = self._turn
                if not ok or run is None or not self._training or self._stop:
                    return False
                may_pass = len(self._in_play) > 1
            # Waiting on the Trainer's own pause; where the turn may pass meanwhile (the run
            # would then wait for its turn instead of parking), in short waits, looking again.
            left = _left(deadline)
            if run.trainer.wait_paused(min(left, _RECHECK) if may_pass else left):
                with self._cond:
                    if self._turn is run:
                        return True
            elif _left(deadline) <= 0:
                return False
            elif not may_pass:  # its loop ended: the next run may enter (paused)
                with self._cond:
                    self._cond.wait_for(
                        lambda run=run: self._turn is not run or not self._training,
                        _left(deadline),
                    )

    def _set_paused(self, paused):
        """Under the condition: the pause flag, and the time paused for the progress line."""
        if paused and not self._paused:
            self._paused_since = time.monotonic()
        elif not paused and self._paused and self._paused_since is not None:
            self._paused_total += time.monotonic() - self._paused_since
            self._paused_since = None
        self._paused = paused


def _left(deadline):
    return max(0.0, deadline - time.monotonic())
