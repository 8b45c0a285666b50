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

import collections
import copy
import logging
import math
import threading
import time

from . import calibration as calibration_panel
from .panels import SAMPLE, compared_weights, panel_data, with_layer_speed

__all__ = ["Publisher", "PANEL_INTERVAL", "PANEL_COPY_INTERVAL", "MEASURE_BACKLOG"]

logger = logging.getLogger("nnwidgets.dashboard")

#: Seconds between two computations of the insight panels while training (epochs shorter than
#: this skip to the latest): they cost tens of milliseconds of the writer's time.
PANEL_INTERVAL = 1.0
#: Seconds between two copies of the weights for the panels alone (an epoch whose copy is also
#: measured is always copied): the panels are drawn at most once per PANEL_INTERVAL, and a copy
#: at every end of a fast run's epochs (a [2, 8, 8, 1] network ends 1,000 a second) cost the
#: training thread more than the panels did. The panels then show an epoch at most this old.
PANEL_COPY_INTERVAL = PANEL_INTERVAL / 4
#: Epoch-end copies of the weights waiting for the writer to measure them (the calibration: one
#: forward pass over the panels' sample; the speed of learning: one backpropagation over the
#: probe; a few ms each). When this many wait (epochs far shorter than their measures), the
#: training thread measures them itself: every epoch keeps its record, and memory stays bounded.
MEASURE_BACKLOG = 20


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
        self._panels_copied = {}  # run: monotonic time its weights were last copied for them
        self._panels_next = None  # panel data computed, not sent yet
        self._panels_set = 0  # how many times set_panels was called: a newer state won
        self._runs_sent = None  # what the runs looked like in the last _runs sent
        self._message_sent = None  # which run statuses and messages the message was set for
        self._last_sent = 0.0
        self._writer = None
        # What the panels show (set by the widget): the run whose panels these are (an index
        # into runs; None follows the run training now or last) and the run whose first-layer
        # weights are drawn beside them (None: none).
        self.panels_run = None
        self.compare_run = None
        # With calibration on, or a run's speed of learning recorded, every epoch-end copy also
        # waits here for the writer to measure it (_measure_pending); one measure at a time.
        self.calibration = False
        self._measures = collections.deque()
        self._measuring = threading.Lock()

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
            self._measure_pending()
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
            # The status before the progress: once it says "paused" the loop is parked, so the
            # progress read after it is final (read the other way round, a mini-batch that
            # ended in between changed the progress in the next update, after "paused").
            state["status"] = _status(control, active, runs)
            state["progress"] = self.progress.progress(
                runs, active, control.parked, control.paused_seconds()
            )
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
    def snapshot_for_panels(
        self, run, epoch, *, panels=True, measure=False, outputs=None, final=False
    ):
        """On the training thread: copy the weights for the writer. ``panels``: for the panels
        (the latest copy wins; at most one copy per PANEL_COPY_INTERVAL unless ``final``, the
        weights the run ends with, or the copy is measured anyway); ``measure``: an epoch's end
        (or the start, epoch 0), whose calibration and speed of learning the writer records
        (every copy, in order), when either is on. ``outputs``: the network's outputs on the
        validation set, which the Trainer computed at this epoch's end
        (``trainer.validation_outputs``): the calibration is then read from them, without a
        forward pass of its own."""
        measure = measure and self.measures(run)
        now = time.monotonic()
        recent = now - self._panels_copied.get(run, -math.inf) < PANEL_COPY_INTERVAL
        if panels and recent and not (final or measure):
            panels = False  # a copy this recent is waiting or was drawn: the next one will do
        if not panels and not measure:
            return
        if panels:
            self._panels_copied[run] = now
        frozen = copy.copy(run.network)  # forward and backprop only read weights and biases
        frozen.weights = [w.copy() for w in run.network.weights]
        frozen.biases = [b.copy() for b in run.network.biases]
        with self._panels_lock:
            if panels:
                self._panels_pending = (run, frozen, epoch)
            if measure:
                self._measures.append((run, frozen, epoch, outputs))
                behind = len(self._measures) >= MEASURE_BACKLOG
        if measure and behind:  # the writer cannot keep up: measure here, in order
            self._measure_pending()

    def measures(self, run):
        """Whether ``run``'s epoch-end copies are measured: calibration on, or its speed of
        learning recorded (``layer_speed``)."""
        return self.calibration or getattr(run, "layer_speed", None) is not None

    def set_panels(self, panels):
        """Send ``panels`` with the next update (computed on demand: ``refresh_panels``, from
        the weights as they are now). A copy of older weights waiting to be drawn, or being
        drawn, is dropped: it would replace these with an earlier state."""
        with self._panels_lock:
            self._panels_next = panels
            self._panels_pending = None
            self._panels_set += 1

    def chosen(self, index):
        """The run at ``index`` of the runs, or None for None (or an index no longer there)."""
        runs = self.runs
        return runs[index] if index is not None and 0 <= index < len(runs) else None

    def _measure_pending(self):
        """Measure every epoch-end copy waiting, oldest first: its calibration (ECE) into
        ``run.calibration`` and its speed of learning into ``run.layer_speed.records`` (the
        run's ``history.layer_speed``). Any thread (the writer; the training thread when the
        writer falls behind), one copy at a time, so each run's records stay in order."""
        while True:
            with self._measuring:
                with self._panels_lock:
                    if not self._measures:
                        return
                    run, frozen, epoch, outputs = self._measures.popleft()
                try:
                    speed = getattr(run, "layer_speed", None)
                    if speed is not None:
                        speed.records.append((float(epoch), speed.measure(frozen)))
                    if self.calibration:
                        X, labels, where = self.sample_of(run, frozen)
                        out = (
                            outputs[:SAMPLE]
                            if where == "validation" and outputs is not None
                            else None
                        )
                        run.calibration.append(
                            (float(epoch), calibration_panel.measure(frozen, X, labels, out))
                        )
                except Exception:  # a measure that fails must not stop the curves or training
                    logger.exception("TrainingDashboard: could not measure an epoch's copy")

    def _compute_pending_panels(self):
        """The panels of the latest copy, at most once per PANEL_INTERVAL while training, and
        always once training has ended. With a run chosen (``panels_run``), only its copies
        are drawn; when training ends, the chosen run's panels are computed once more (the
        speeds and calibration of the runs that trained meanwhile)."""
        with self._panels_lock:
            pending, ending = self._panels_pending, self.control.active is None
            recent = time.monotonic() - self._panels_computed < PANEL_INTERVAL
            if pending is None or (not ending and recent):
                return
            self._panels_pending = None
            set_before = self._panels_set
        run, frozen, epoch = pending
        choice = (self.panels_run, self.compare_run)
        chosen = self.chosen(self.panels_run)
        if chosen is not None and chosen is not run:
            if not ending:
                return
            run, frozen, epoch = chosen, None, chosen.trainer.epoch
        try:
            panels = self.panels_for(run, epoch, frozen)
        except Exception:  # a panel that fails must not stop the curves or the training
            logger.exception("TrainingDashboard: could not compute the panels")
            return
        self._panels_computed = time.monotonic()
        with self._panels_lock:
            # Another run chosen meanwhile, or panels of the weights as they are now set
            # (refresh_panels, the page): those win.
            if choice == (self.panels_run, self.compare_run) and set_before == self._panels_set:
                self._panels_next = panels

    @staticmethod
    def sample_of(run, network=None):
        """``(X, labels, where)``: the examples the panels of ``run`` look at (the first
        ``SAMPLE`` validation examples, or training examples without validation data)."""
        t = run.trainer
        net = network or run.network
        if t.validation is not None:
            X, Y = t.validation
            return X[:SAMPLE], net.classes(Y[:SAMPLE]), "validation"
        return t.X[:SAMPLE], t.labels[:SAMPLE], "training"

    def panels_for(self, run, epoch, network=None):
        """The panels of ``run`` (of ``network``, a copy of its weights, if given), with every
        run's speeds of learning, ``run``'s calibration per epoch and the compared run's
        first-layer weights; None for a network that does regression (no classes: the curves
        show its loss)."""
        t = run.trainer
        net = network or run.network
        if not net.has_accuracy:
            return None
        X, labels, where = self.sample_of(run, net)
        panels = panel_data(
            net,
            X,
            labels,
            t.X,
            t.Y,
            epoch=epoch,
            label=run.label,
            calibration=self.calibration,
            sample=where,
        )
        panels["index"] = self.runs.index(run) if run in self.runs else None
        if self.calibration and panels.get("calibration", {}).get("ece") is not None:
            # the ECE line: the epochs measured so far, and this one if it is not among them
            records = [r for r in list(run.calibration) if r[0] != epoch]
            records.append((float(epoch), panels["calibration"]["ece"]))
            records.sort(key=lambda r: r[0])
            panels["calibration"].update(calibration_panel.history_entry(records))
        other = self.chosen(self.compare_run)
        if other is not None and other is not run and panels["first_weights"] is not None:
            panels["compare"] = compared_weights(other, self.runs.index(other))
        return with_layer_speed(panels, self.runs)


def _run_state(run, active):
    return {
        "label": run.label,
        "settings": run.public_settings(),
        "status": run.status,
        "message": run.message,
        # early stopping's restored epoch (from 1), or None: the legend's status says it
        "restored_epoch": run.restored_epoch if run.status == "early_stopped" else None,
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
