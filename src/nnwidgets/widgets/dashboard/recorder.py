"""The part of a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard` that runs on the
training thread(s): the callback the Trainer calls, parking while paused, live changes applied
between mini-batches, and the turns interleaved runs take.

The callback (:class:`_Recorder`) runs for every mini-batch while the training thread holds the
GIL, so on the common path it only counts and reads a few flags; anything rarer (a step, a
queued change, a pause, an inline send) goes through :meth:`TrainingSide._batch_done`.
Interleaved runs each train on a thread of their own, but only the one whose turn it is: the
callback hands the turn on after an epoch (or n mini-batches) and waits for it back.
"""

from __future__ import annotations

import logging
import math
import threading

from threadpoolctl import threadpool_limits

from ...training import Callback, TrainingDiverged
from .runs import MAX_MARKS, explain_divergence

__all__ = ["TrainingSide"]

logger = logging.getLogger("nnwidgets.dashboard")


class _Recorder(Callback):
    """The dashboard's ears on the training thread: record, apply queued changes, park."""

    def __init__(self, dash, run):
        self.dash, self.run = dash, run
        self.epoch = 0

    def on_train_begin(self, trainer):
        if self.dash._interleaving:
            self.dash._take_turn(self.run, trainer)  # parks too, if paused
        else:
            self.dash._park(trainer)  # started paused (step() from idle): wait before batch one

    def on_epoch_begin(self, trainer, epoch):
        self.epoch = epoch

    def on_batch_end(self, trainer, batch, logs):
        # Runs for every mini-batch while the training thread holds the GIL, so it only counts
        # and checks flags; the writer reads the losses from the Trainer's History itself.
        run, dash = self.run, self.dash
        dash._counters.batch_done(run, self.epoch, batch)
        if dash._step_go or dash._pending_changes or dash._paused or dash._inline:
            dash._batch_done(self, trainer, batch)
        every = dash._interleaving
        if every and every != "epoch" and run.batches_done % every == 0:
            dash._next_turn(run, trainer)

    def on_epoch_end(self, trainer, epoch, logs):
        self.run.epoch.append(epoch + 1.0, logs["loss"], logs["accuracy"],
                              logs.get("val_loss", math.nan), logs.get("val_accuracy", math.nan),
                              logs["learning_rate"])
        self.dash._snapshot_for_panels(self.run, epoch + 1)
        if self.dash._interleaving == "epoch" and epoch + 1 < trainer.epochs:
            self.dash._next_turn(self.run, trainer)

    def on_train_end(self, trainer):
        if self.run in self.dash._pending_changes:  # asked for just before training ended
            batch = self.run.batches_done - self.epoch * self.run.batches_per_epoch
            self.dash._apply_changes(self.run, trainer, self.epoch, max(0, batch - 1))
        # The weights the network ends with: restored by early stopping, or the last finite
        # ones after a divergence, or those of a stop mid-epoch.
        self.dash._snapshot_for_panels(self.run, trainer.epoch)


class TrainingSide:
    """Mixin of TrainingDashboard: training its pending runs, one after another or in turns.

    Uses the dashboard's control state (``_cond`` and what it guards: ``_paused``,
    ``_parked``, ``_step_go``, ``_stop_all``, ``_active``, ``_pending_changes``,
    ``_interleaving``, ``_rotation``, ``_turn``, ``_runs_dirty``), its ``runs``,
    ``_counters``, ``_done``, ``_interrupted``, ``_inline`` and ``update_interval``, and its
    methods ``_show_settings``, ``_publish`` and ``_snapshot_for_panels``.
    """

    def _train_in_background(self):
        try:
            self._train_pending()
        finally:
            with self._cond:
                self._done.set()
                self._cond.notify_all()

    def _train_pending(self):
        if self._interleaving:
            self._train_interleaved()
            return
        for run in self.runs:
            if run.status != "pending":
                continue
            with self._cond:
                if self._stop_all:
                    break
                self._active = run
                run.status = "running"
                self._counters.begin([run])
                self._runs_dirty = True
            self._show_settings(run)
            self._train_run(run)
            if run.status not in ("completed", "early_stopped"):
                break  # stopped, diverged or failed: the runs after it wait for another start

    def _train_interleaved(self):
        """Every pending run in its own thread, one at a time, passing the turn round.

        Each run's Trainer keeps its own loop (and its own history); the dashboard's callback
        on that thread hands the turn to the next run after an epoch (or n mini-batches) and
        waits for it to come back. So exactly one network trains at any moment.
        """
        with self._cond:
            runs = [r for r in self.runs if r.status == "pending"]
            if self._stop_all or not runs:
                return
            for run in runs:
                run.status = "running"
            self._rotation = list(runs)
            self._turn = self._active = runs[0]
            self._counters.begin(runs)
            self._runs_dirty = True
        self._show_settings(runs[0])
        threads = [threading.Thread(target=self._train_run, args=(run,), daemon=True,
                                    name=f"nnwidgets-dashboard-run-{self.runs.index(run) + 1}")
                   for run in runs]
        # Each Trainer limits the BLAS threads for its run and restores the limit it found when
        # it ends; runs that overlap in time end in any order, so where the library keeps one
        # process-wide limit the last to end could leave another run's behind: restore the
        # limit from before them all once they are done.
        with threadpool_limits(limits=None):
            for t in threads:
                t.start()
            for t in threads:
                t.join()

    def _train_run(self, run):
        """Train one run on this thread, recording why it ended."""
        recorder = _Recorder(self, run)
        run.add_callback(recorder)
        try:
            run.trainer.run()
        except TrainingDiverged:
            run.message = explain_divergence(run.history, run.trainer.learning_rate, run.trainer.X)
        except Exception as exc:  # noqa: BLE001 - shown in the widget, logged in full
            logger.exception("TrainingDashboard: %s failed", run.label)
            run.message = f"{type(exc).__name__}: {exc}"
        finally:
            history = run.history
            with self._cond:
                run.status = "failed" if run.message and history.status == "running" else history.status
                run.message = run.message or history.message
                if self._interrupted and history.status == "stopped":
                    run.message = history.message = history.message + " (keyboard interrupt)"
                self._leave_rotation(run)
                self._runs_dirty = True
                self._parked = False
                self._cond.notify_all()

    # -- between mini-batches ------------------------------------------------------------------
    def _park(self, trainer):
        """Called by the training thread between mini-batches: wait here while paused."""
        with self._cond:
            while self._paused and not self._step_go and not trainer.stop_requested:
                if not self._parked:
                    self._parked = True
                    self._counters.pause_began()
                    self._cond.notify_all()
                self._cond.wait()
            if self._parked:
                self._counters.pause_ended()
            self._parked = False

    def _batch_done(self, recorder, trainer, batch):
        """The rare work after a mini-batch: end a step, apply changes, park, send (run())."""
        run = recorder.run
        if self._step_go:  # step(): this was its mini-batch (whichever run's turn it was)
            with self._cond:
                self._step_go = False
        if run in self._pending_changes:
            self._apply_changes(run, trainer, recorder.epoch, batch)
        if self._paused:
            self._park(trainer)
        if self._inline and self._counters.due(self.update_interval):
            self._publish()

    def _apply_changes(self, run, trainer, epoch, batch):
        with self._cond:
            changes = self._pending_changes.pop(run, {})
        x = epoch + (batch + 1) / run.batches_per_epoch
        for name, value in changes.items():
            old = getattr(trainer, name)
            if value == old:
                continue
            setattr(trainer, name, value)  # checked again by the Trainer itself
            run.changes.append({"epoch": epoch, "batch": batch + 1, "name": name, "old": old,
                                "new": value})
            run.marks.append({"x": x, "text": f"{name} {old:g} → {value:g}"})
            del run.marks[:-MAX_MARKS]

    # -- turns (interleaved runs) --------------------------------------------------------------
    def _take_turn(self, run, trainer):
        """On a run's thread: wait until it is this run's turn (or training stops), then park
        there if paused."""
        with self._cond:
            self._cond.wait_for(lambda: self._turn is run or trainer.stop_requested)
        self._park(trainer)

    def _next_turn(self, run, trainer):
        """On a run's thread: hand the turn to the next run in the rotation and wait for ours."""
        with self._cond:
            if len(self._rotation) > 1 and self._turn is run:
                i = self._rotation.index(run)
                self._turn = self._active = self._rotation[(i + 1) % len(self._rotation)]
                self._runs_dirty = True  # the run leaving sends its curves in _runs
                self._cond.notify_all()
        self._take_turn(run, trainer)

    def _leave_rotation(self, run):
        """Under the condition: ``run`` has ended; the turn goes on to the next one, if any."""
        if run not in self._rotation:  # one run after another
            self._active = None
            return
        i = self._rotation.index(run)
        self._rotation.remove(run)
        if self._turn is run:
            self._turn = self._rotation[i % len(self._rotation)] if self._rotation else None
            self._active = self._turn
