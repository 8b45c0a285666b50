"""What a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard` sends to the page: the writer
thread, one message per update, and when the insight panels are computed.

While training runs in the background, one writer thread per training session calls
:meth:`Publisher.publish` every ``interval`` seconds; ``run()`` calls it from the training loop
instead (through the recorder), and the widget's public methods call it when nothing trains.
Each call reads what is new (the runs read the Trainer's History themselves) and hands every
trait to the widget's ``send`` in one dict, which the widget writes in one message
(``hold_sync``). The training thread only copies the weights at an epoch's end; the panels are
computed here from the latest copy, at most once per ``PANEL_INTERVAL``.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time

from .panels import panel_data, with_layer_speed

__all__ = ["Publisher", "PANEL_INTERVAL"]

logger = logging.getLogger("nnwidgets.dashboard")

#: Seconds between two computations of the insight panels while training (epochs shorter than
#: this skip to the latest): they cost tens of milliseconds of the writer's time.
PANEL_INTERVAL = 1.0


class Publisher:
    """Sends the dashboard's state: curves, progress, status, runs and panels.

    Parameters
    ----------
    runs : list of Run
        The dashboard's runs, read as the list grows.
    control : TrainingControl
        Read for the run training now, the status and the time paused.
    progress : ProgressCounters
        Turned into the ``progress`` trait.
    send : callable
        ``send(state)`` writes a dict of trait values in one message (the widget's); the key
        ``"settings"`` holds a run whose live settings the page's inputs should show.
    interval : float
        Seconds between two updates while training; may be changed at any time.
    """

    def __init__(self, runs, control, progress, send, *, interval):
        self.runs, self.control, self.progress = runs, control, progress
        self._send = send
        self.interval = interval
        self._lock = threading.RLock()  # one publish at a time, whatever the thread
        self._panels_lock = threading.Lock()
        # Weights copied at an epoch's end by the training thread, for the writer to compute the
        # panels from (the training thread only copies: ~0.1 ms, not the panels' ~50 ms).
        self._panels_pending = None
        self._panels_computed = -math.inf  # monotonic time the panels were last computed
        self._panels_next = None  # panel data computed, not sent yet
        self._runs_sent = None  # what the runs looked like in the last _runs sent
        self._message_sent = None  # which run statuses and messages the message was set for
        self._last_sent = 0.0
        self._writer = None

    # -- the writer thread ---------------------------------------------------------------------
    def start(self, trained, then):
        """Start the writer: an update every ``interval`` until ``trained`` (an Event) is set,
        then a last one, then ``then()``."""
        self._writer = threading.Thread(
            target=self._write, args=(trained, then), daemon=True, name="nnwidgets-dashboard-writer"
        )
        self._writer.start()

    def join(self, timeout=None):
        """Wait for the writer thread to end (True), or ``timeout`` seconds (False)."""
        writer = self._writer
        if writer is None or writer is threading.current_thread():
            return True
        writer.join(timeout)
        return not writer.is_alive()

    def on_writer_thread(self):
        """True when called from the writer thread (a trait observer of the widget)."""
        return self._writer is threading.current_thread()

    def _write(self, trained, then):
        try:
            while True:
                self._publish_logged()
                if trained.wait(self.interval):
                    break
            self._publish_logged()
        finally:
            then()

    def _publish_logged(self):
        try:
            self.publish()
        except Exception:  # a writer that died would freeze the page while training goes on
            logger.exception("TrainingDashboard: could not send an update to the page")

    # -- one update ------------------------------------------------------------------------------
    def publish_if_due(self):
        """Send an update if ``interval`` seconds have passed since the last (``run()``)."""
        if time.monotonic() - self._last_sent >= self.interval:
            self.publish()

    def publish(self):
        """Send everything new in one message. Any thread; one at a time."""
        with self._lock:
            self._compute_pending_panels()
            control = self.control
            active = control.active
            runs = list(self.runs)
            with self._panels_lock:
                panels, self._panels_next = self._panels_next, None
            state = {}
            looks = [(r.label, r.status, r.message, len(r.changes), r is active) for r in runs]
            if looks != self._runs_sent:
                state["_runs"] = [_run_state(r, r is active) for r in runs]
                self._runs_sent = looks
            if panels is not None:
                state["_panels"] = panels
            state["_live"] = (
                None if active is None else {"run": runs.index(active), **active.curves()}
            )
            state["progress"] = self.progress.progress(
                runs, active, control.parked, control.paused_seconds()
            )
            state["status"] = _status(control, active, runs)
            if control.interleaving and active is not None:
                state["settings"] = active  # the inputs show the run whose turn it is
            # A session or a run started, or a run ended: say why. Anything else said (a
            # refusal, a run joining the turns) stays until then; turns passing leave it too.
            ends = (
                control.training,
                None if control.interleaving else id(active),
                [(r.status, r.message) for r in runs if r.status not in ("pending", "running")],
            )
            if ends != self._message_sent:
                self._message_sent = ends
                last = active or next((r for r in reversed(runs) if r.status != "pending"), None)
                if last is not None:
                    state["message"] = last.message
            self._last_sent = time.monotonic()
            self._send(state)

    # -- panels: copied on the training thread, computed here -----------------------------------
    def snapshot_for_panels(self, run, epoch):
        """On the training thread: copy the weights for the writer (the latest copy wins)."""
        frozen = copy.copy(run.network)  # forward and backprop only read weights and biases
        frozen.weights = [w.copy() for w in run.network.weights]
        frozen.biases = [b.copy() for b in run.network.biases]
        with self._panels_lock:
            self._panels_pending = (run, frozen, epoch)

    def set_panels(self, panels):
        """Send ``panels`` with the next update (computed on demand: ``refresh_panels``)."""
        with self._panels_lock:
            self._panels_next = panels

    def _compute_pending_panels(self):
        """The panels of the latest copy, at most once per PANEL_INTERVAL while training, and
        always once training has ended."""
        with self._panels_lock:
            pending, ending = self._panels_pending, self.control.active is None
            recent = time.monotonic() - self._panels_computed < PANEL_INTERVAL
            if pending is None or (not ending and recent):
                return
            self._panels_pending = None
        run, frozen, epoch = pending
        try:
            panels = with_layer_speed(self.panels_for(run, epoch, frozen), self.runs)
        except Exception:  # a panel that fails must not stop the curves or the training
            logger.exception("TrainingDashboard: could not compute the panels")
            return
        self._panels_computed = time.monotonic()
        self.set_panels(panels)

    @staticmethod
    def panels_for(run, epoch, network=None):
        """The panels of ``run`` (of ``network``, a copy of its weights, if given); None for a
        network that does regression (no classes: the curves show its loss)."""
        t = run.trainer
        net = network or run.network
        if not net.has_accuracy:
            return None
        if t.validation is not None:
            X_val, Y_val = t.validation
            labels = net.classes(Y_val)
        else:
            X_val, labels = t.X, t.labels
        return panel_data(net, X_val, labels, t.X, t.Y, epoch=epoch, label=run.label)


def _run_state(run, active):
    return {
        "label": run.label,
        "settings": run.public_settings(),
        "status": run.status,
        "message": run.message,
        "changes": len(run.changes),
        "curves": None if active or run.status == "pending" else run.curves(),
    }


def _status(control, active, runs):
    """The ``status`` trait: the control's while a run trains, else how the last run ended."""
    if active is not None:
        if control.stop_requested:
            return "stopping"
        return "paused" if control.paused and control.parked else "running"
    done = [r for r in runs if r.status != "pending"]
    return done[-1].status if done else "ready"
