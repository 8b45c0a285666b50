"""The part of a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard` that sends to the page:
the writer thread, the one message per update, and when the insight panels are computed.

While training runs in the background, one writer thread per dashboard calls
:meth:`SendingSide._publish` every ``update_interval`` seconds; ``TrainingDashboard.run()``
calls it from the training loop instead, and the public methods call it when nothing trains.
Each call reads what is new (the runs read the Trainer's History themselves) and sends every
trait in one message. The training thread only copies the weights at an epoch's end; the
panels are computed here from the latest copy, at most once per ``PANEL_INTERVAL``.
"""

from __future__ import annotations

import copy
import logging
import time

from .panels import panel_data

__all__ = ["SendingSide", "PANEL_INTERVAL"]

logger = logging.getLogger("nnwidgets.dashboard")

#: Seconds between two computations of the insight panels while training (epochs shorter than
#: this skip to the latest): they cost tens of milliseconds of the writer's time.
PANEL_INTERVAL = 1.0


class SendingSide:
    """Mixin of TrainingDashboard: sending its state to the page, panels included.

    Uses the dashboard's control state (``_cond`` and what it guards), its ``runs``,
    ``_counters``, ``_done``, ``_writer_done``, ``update_interval``, ``_publish_lock``,
    ``_runs_dirty`` and the ``_panels_*`` slots, its traits, ``hold_sync`` and
    ``_show_settings``.
    """

    def _write_while_training(self):
        """The writer thread: one update per interval while the training thread lives."""
        done, finished = self._done, self._writer_done
        try:
            while not done.is_set():
                self._publish_logged()
                done.wait(self.update_interval)
            self._publish_logged()
        finally:
            finished.set()

    def _publish_logged(self):
        try:
            self._publish()
        except Exception:  # a writer that died would freeze the page while training goes on
            logger.exception("TrainingDashboard: could not send an update to the page")

    def _publish(self):
        """Send everything new in one message. Any thread; one at a time."""
        with self._publish_lock:
            self._compute_pending_panels()
            with self._cond:
                active, runs_dirty = self._active, self._runs_dirty
                self._runs_dirty = False
                panels, self._panels_next = self._panels_next, None
                status = self._status()
                progress = self._counters.progress(self.runs, active, self._parked)
                shown = active if self._interleaving and active is not None else None
            self._counters.sent()
            with self.hold_sync():
                if runs_dirty:
                    self._runs = [self._run_state(r, r is active) for r in self.runs]
                if panels is not None:
                    self._panels = panels
                self._live = None if active is None else {"run": self.runs.index(active),
                                                          **active.curves()}
                self.progress = progress
                self.status = status
                if shown is not None:  # interleaved: the inputs show the run whose turn it is
                    self._show_settings(shown)
                if runs_dirty:  # a run started or ended: say why (a refusal stays until then)
                    last = active or next((r for r in reversed(self.runs) if r.status != "pending"), None)
                    if last is not None:
                        self.message = last.message

    def _run_state(self, run, active):
        return {"label": run.label, "settings": run.public_settings(), "status": run.status,
                "message": run.message, "changes": len(run.changes),
                "curves": None if active or run.status == "pending" else run.curves()}

    def _status(self):
        if self._active is not None:
            if self._active.trainer.stop_requested:
                return "stopping"
            return "paused" if self._paused and self._parked else "running"
        done = [r for r in self.runs if r.status != "pending"]
        return done[-1].status if done else "ready"

    # -- panels: copied on the training thread, computed here ---------------------------------
    def _snapshot_for_panels(self, run, epoch):
        """On the training thread: copy the weights for the writer (the latest copy wins)."""
        frozen = copy.copy(run.network)  # forward and backprop only read weights and biases
        frozen.weights = [w.copy() for w in run.network.weights]
        frozen.biases = [b.copy() for b in run.network.biases]
        with self._cond:
            self._panels_pending = (run, frozen, epoch)

    def _compute_pending_panels(self):
        """On the writer (or run()'s thread): the panels of the latest copy, at most once per
        PANEL_INTERVAL while training, and always once training has ended."""
        with self._cond:
            pending, ending = self._panels_pending, self._active is None
            if pending is None or (not ending and time.monotonic() - self._panels_computed < PANEL_INTERVAL):
                return
            self._panels_pending = None
        run, frozen, epoch = pending
        try:
            panels = self._panels_for(run, epoch, frozen)
        except Exception:  # a panel that fails must not stop the curves or the training
            logger.exception("TrainingDashboard: could not compute the panels")
            return
        self._panels_computed = time.monotonic()
        with self._cond:
            self._panels_next = panels

    @staticmethod
    def _panels_for(run, epoch, network=None):
        t = run.trainer
        if t.validation is not None:
            X_val, Y_val = t.validation
            labels = Y_val.argmax(axis=1)
        else:
            X_val, labels = t.X, t.labels
        return panel_data(network or run.network, X_val, labels, t.X, t.Y, epoch=epoch,
                          label=run.label)
