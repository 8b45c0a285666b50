"""TrainingDashboard: watch, steer and compare training live, without blocking the notebook.

>>> from nnwidgets import Network, TrainingDashboard, load_bundled
>>> data = load_bundled()
>>> net = Network([784, 30, 10])
>>> dash = TrainingDashboard(net, train=(data.X_train, data.y_train),
...                          validation=(data.X_test, data.y_test), epochs=5, learning_rate=0.1)
>>> dash                    # Start (or dash.start()) trains in a background thread
>>> dash.pause(); dash.step(); dash.resume(); dash.stop(); dash.wait()
>>> dash.run()              # the blocking alternative, for scripts and for Colab
>>> dash.history            # the History the Trainer returns, as net.fit's
>>> dash.add_run(Network([784, 30, 10], cost="quadratic"))   # compared on the same curves
>>> dash.interleave = True  # runs take turns, an epoch each, so their curves grow side by side

How the pieces talk. The training thread runs :class:`~nnwidgets.training.Trainer` with a
callback that does next to nothing per mini-batch (it counts, and parks there while paused).
One writer thread per dashboard reads the losses the Trainer recorded since its last look into
bounded buffers (:mod:`._history_buffer`) and sends what is new at most ``1 / update_interval``
times a second, all traits in one message (``hold_sync``), so the browser gets the same few
messages a second whatever the batch size. At each epoch's end the training thread also copies
the weights; the writer computes the insight panels from that copy (:mod:`.dashboard_panels`, at
most once a second, and once more when training ends) and sends them with the curves. Every
microsecond the writer or the callback holds the GIL is one the training thread waits, which is
why they do so little (``bench/dashboard_overhead.py`` measures it). The buttons send custom
messages; they act while training runs because the cell that called :meth:`start` has returned.
Front ends that do not show updates made from a background thread (Colab) can use :meth:`run`,
which trains in the calling thread and sends from there. Interleaved runs each train on a thread
of their own, but only the one whose turn it is: the recording callback hands the turn on after
an epoch (or n mini-batches) and waits for it back.

Where each piece lives. This module: the widget, its traits and public methods, the control
state they share with the threads (one condition, ``_cond``) and the live settings.
:mod:`.dashboard_training`: what runs on the training thread(s) (the callback, parking, live
changes applied, turns). :mod:`.dashboard_sending`: the writer thread, the one message per
update and when the panels are computed. :mod:`.dashboard_progress`: the progress counters
both sides share. :mod:`.dashboard_runs`: a run and its labels; :mod:`.dashboard_panels`: the
panels' data.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time

import anywidget
import traitlets

from .._base import reject_unknown
from .._wire import TraitValueError, bundle
from .progress import ProgressCounters
from .runs import (LIVE_SETTINGS, TRAINING_SETTINGS, Run, check_live_setting,
                             check_max_points, run_labels)
from .publisher import SendingSide
from .recorder import TrainingSide

__all__ = ["TrainingDashboard"]

logger = logging.getLogger("nnwidgets.dashboard")

_ESM, _CSS = bundle("dashboard")

#: Longest wait for the training thread to reach a pause (one mini-batch, or one validation).
PARK_TIMEOUT = 60.0
#: Traits the page may write (its log-scale toggle; the live settings, which it normally sends
#: as messages); the others are the kernel's.
_PAGE_WRITABLE = frozenset({"log_scale", *LIVE_SETTINGS})
#: Longest close() waits for the training and writer threads to end (one mini-batch, then the
#: writer's last update); past it they are left to end by themselves, and a warning says so.
CLOSE_TIMEOUT = 30.0


class _Setting(traitlets.TraitType):
    """A setting that may change while training runs: a float in the Trainer's range for it.

    A wrong value raises ValueError naming the setting and its range, whether it is a number
    out of range or not a number at all (traitlets' Float would say neither).
    """

    info_text = "a number in the setting's range"

    def validate(self, obj, value):
        try:
            return check_live_setting(self.name, value)
        except ValueError as exc:
            raise TraitValueError(str(exc)) from None


class TrainingDashboard(TrainingSide, SendingSide, anywidget.AnyWidget):
    """Train a network in the background and watch its curves; compare several runs.

    Parameters
    ----------
    network : Network
        The network to train (the first run). The reader's own book-style network (``sizes``,
        ``weights``, ``biases`` as columns, ``backprop(x, y)``) is trained by wrapping its
        ``backprop``: :func:`nnwidgets.labs.as_network` calls it one example at a time and
        averages over each mini-batch; the dashboard's update step moves the reader's arrays.
    train : (X, y)
        Training inputs (n, n_in) and labels (n,) or targets (n, n_out).
    validation : (X_val, y_val), optional
        Evaluated after every epoch; drawn as the validation curves.
    label : str, optional
        The first run's name in the legend; by default what differs from the other runs.
    max_points : int
        The most points kept per curve per run (an even number up to 100,000, default 1000).
        Longer runs are averaged into wider buckets, so memory here and in the page stays
        bounded.
    update_interval : float
        Seconds between two updates sent to the page (default 0.2: five a second, which look
        live; each one costs the browser about 20 ms of drawing, and on a 2-core machine the
        browser's time comes out of the training: ``bench/dashboard_overhead.py --browser``).
        At least 0.05.
    interleave : bool or int
        How :meth:`start` and :meth:`run` train several runs: ``False`` (default) one after
        another; ``True`` one epoch of each in turn, so their curves grow side by side; an int
        ``n``, ``n`` mini-batches of each in turn. Also an attribute, read when training starts.
    epochs, batch_size, learning_rate, momentum, l2, l1, dropout, schedule, step_size,
    step_gamma, early_stopping, shuffle, transform, threads, callbacks
        Passed to :class:`~nnwidgets.training.Trainer` (checked there); also the defaults of
        runs added with :meth:`add_run`. ``threads`` left out (or None) is the Trainer's
        choice less one core, left to the page that draws the curves (at least 1).

    ``learning_rate``, ``momentum``, ``l2`` and ``dropout`` are also traits: assign them (or
    use the page's inputs) while training runs and the change applies from the next
    mini-batch, is recorded in the run's ``changes`` and is marked on the curves.
    """

    _esm = _ESM
    _css = _CSS

    status = traitlets.Unicode("ready").tag(sync=True)
    """str: "ready", "running", "paused", "stopping", or how the last run ended ("completed",
    "stopped", "early_stopped", "diverged", "failed")."""

    message = traitlets.Unicode("").tag(sync=True)
    """str: the latest thing worth saying: why training ended, or why a request was refused."""

    progress = traitlets.Dict().tag(sync=True)
    """dict: the training run's position: run, runs, epoch, epochs, batch, batches, samples,
    samples_total, elapsed (seconds, pauses excluded)."""

    learning_rate = _Setting(0.1).tag(sync=True)
    """float: the learning rate of the run training now (or of the next to train)."""
    momentum = _Setting(0.0).tag(sync=True)
    """float in [0, 1): momentum of the run training now (or of the next to train)."""
    l2 = _Setting(0.0).tag(sync=True)
    """float >= 0: L2 regularisation (the book's lambda) of the run training now."""
    dropout = _Setting(0.0).tag(sync=True)
    """float in [0, 1): dropout probability of the run training now."""

    log_scale = traitlets.Bool(False).tag(sync=True)
    """bool: loss drawn on a logarithmic axis (the page's toggle sets it too)."""

    # Static facts of every run: label, settings, status, message, and the curves of runs that
    # have finished. Changes only when a run is added, starts or ends.
    _runs = traitlets.List().tag(sync=True)
    # The insight panels (confusion matrix, mistakes, first-layer weights, histograms) of the
    # run training now or last, as dashboard_panels.panel_data builds them; None until the
    # first epoch ends. Replaced once per epoch, in the same message as the curves.
    _panels = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    # The training run's curves ({run: index, batch, epoch, marks}, binary float32 columns),
    # replaced at every update: the only large trait that changes while training runs.
    _live = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)

    def __init__(self, network, *, train, validation=None, label=None, max_points=1000,
                 update_interval=0.2, interleave=False, **settings):
        reject_unknown(type(self).__name__, settings, TRAINING_SETTINGS)
        if isinstance(network, (list, tuple)):
            raise ValueError(f"network must be one Network; got a {type(network).__name__}. Pass "
                             f"the first here and the others with add_run([...]) to compare them")
        interval = _check_update_interval(update_interval)
        _interleave_mode(interleave)  # checked now, so a typo fails here and not at start()
        # The first run (and so every argument) is checked before the widget exists: a widget
        # made by a call that then fails would stay registered with the front end for good.
        first = Run(network, train, validation, label=label, max_points=max_points, **settings)
        self._update_interval = interval
        self.interleave = interleave
        self._max_points = check_max_points(max_points)
        self._defaults = {"train": train, "validation": validation, **settings}
        self.runs = []  # Run objects, in the order they train
        self._cond = threading.Condition()  # guards the control state below
        self._paused = False  # the user asked to pause
        self._parked = False  # the training thread is waiting in _park
        self._step_go = False  # let exactly one more mini-batch through a pause
        self._stop_all = False  # stop() also cancels the runs queued after the current one
        self._active = None  # the Run training now
        self._pending_changes = {}  # Run -> {setting: value} queued for its training thread
        # Interleaved training: the runs still training, in turn order, and the one whose turn it
        # is (always self._active). _interleaving is "epoch", a number of mini-batches, or
        # False (one run after another), fixed when training starts.
        self._interleaving = False
        self._rotation = []
        self._turn = None
        self._thread = None
        self._writer = None
        self._inline = False  # run(): training (and sending) on the caller's thread
        self._interrupted = False
        self._counters = ProgressCounters()
        self._publish_lock = threading.RLock()
        self._runs_dirty = True
        # The thread showing a run's settings in the live traits (not a user change); a user's
        # change from another thread meanwhile is still a change.
        self._applying = None
        # Weights copied at an epoch's end by the training thread, for the writer to compute the
        # panels from (the training thread only copies: ~0.1 ms, not the panels' ~50 ms).
        self._panels_pending = None
        self._panels_computed = -math.inf  # monotonic time the writer last computed panels
        self._panels_next = None  # panel data computed, not sent yet
        self._closed = False
        super().__init__()
        self._add(first)
        self._show_settings(self.runs[0])
        self.on_msg(self._on_front_end_message)
        self._publish()

    @property
    def update_interval(self):
        """Seconds between two updates sent to the page; 0.05 to 10 (read by the writer)."""
        return self._update_interval

    @update_interval.setter
    def update_interval(self, value):
        self._update_interval = _check_update_interval(value)

    @property
    def max_points(self):
        """The most points kept per curve of each run added from now on (an even int, 2 to
        100,000: ``dashboard_runs.check_max_points``)."""
        return self._max_points

    @max_points.setter
    def max_points(self, value):
        self._max_points = check_max_points(value)

    # -- runs ----------------------------------------------------------------------------------
    def add_run(self, network, *, label=None, **settings):
        """Add a run to compare: another network, trained after the ones before it.

        Settings not given (``train``, ``validation``, ``epochs``, ``learning_rate``, ...) are
        the dashboard's. Labels are recomputed from what differs between the runs, so adding a
        quadratic-cost network labels the runs "cost=cross_entropy" and "cost=quadratic".
        Returns the :class:`Run`. A network already in another run is refused: pass
        ``network.copy()`` to compare two settings from the same starting weights.

        ``network`` may also be a list of networks, each trained with the same ``settings``
        (labels and settings per run: call add_run once per run); returns the list of Runs.
        Every network in the list is checked before any run is added.
        """
        self._check_open("add_run")
        if isinstance(network, (list, tuple)):
            if label is not None:
                raise ValueError("label cannot be given with a list of networks (one label for "
                                 "several runs); call add_run(network, label=...) once per run")
            if not network:
                raise ValueError("add_run() got an empty list of networks")
            if len({id(n) for n in network}) != len(network):
                raise ValueError("the list passed to add_run() holds the same network twice; "
                                 "pass network.copy() for a second run from the same weights")
            for net in network:
                self._check_new_network(net)
            runs = [self._new_run(net, None, settings) for net in network]
            for run in runs:
                self._add(run)
            self._publish()
            return runs
        run = self._new_run(network, label, settings)
        self._add(run)
        self._publish()
        return run

    def _check_new_network(self, network):
        if not hasattr(network, "sizes") or not hasattr(network, "weights"):
            raise ValueError(f"add_run() expects a Network or a list of Networks; got "
                             f"{type(network).__name__}")

    def _new_run(self, network, label, settings):
        reject_unknown("add_run", settings, {"train", "validation", *TRAINING_SETTINGS})
        mine = {id(network), id(getattr(network, "book_network", network))}
        for i, r in enumerate(self.runs):
            # By identity: == on an array-like would be ambiguous or elementwise.
            if mine & {id(r.network), id(getattr(r.network, "book_network", r.network))}:
                raise ValueError(f"network is already run {i + 1} ({r.label!r}) of this dashboard; "
                                 f"pass network.copy() to train a copy with other settings")
        merged = {**self._defaults, **settings}
        train, validation = merged.pop("train"), merged.pop("validation")
        return Run(network, train, validation, label=label, max_points=self.max_points, **merged)

    def _add(self, run):
        with self._cond:
            self.runs.append(run)
            labels = run_labels([r.settings for r in self.runs], [r.label_given for r in self.runs])
            for r, text in zip(self.runs, labels):
                r.label = text
            self._runs_dirty = True

    @property
    def history(self):
        """The :class:`~nnwidgets.training.History` of the run training now, or of the last
        one that trained (the first run's before any has): the object ``net.fit`` returns."""
        run = self._active or next((r for r in reversed(self.runs) if r.status != "pending"),
                                   self.runs[0])
        return run.history

    @property
    def histories(self):
        """Every run's History, in the order of :attr:`runs`."""
        return [r.history for r in self.runs]

    # -- control -------------------------------------------------------------------------------
    def start(self):
        """Train the runs not trained yet in a background thread: one after another, or in
        turns with ``interleave`` (see the class docstring).

        Returns at once. Refused (RuntimeError) while this dashboard trains already, when
        another fit or dashboard is training one of the networks, or when no run is left.
        """
        with self._cond:
            self._check_can_start("start")
            self._paused = False
            self._launch()

    def _check_open(self, what):
        if self._closed:
            raise RuntimeError(f"{what}(): this dashboard was closed; make a new TrainingDashboard "
                               f"(its networks and histories are kept: dash.runs)")

    def _check_can_start(self, what):
        self._check_open(what)
        if self.training:
            run = self._active
            where = f" ({run.label}, epoch {run.trainer.epoch + 1} of {run.trainer.epochs})" if run else ""
            raise RuntimeError(f"{what}(): this dashboard is already training{where}; call "
                               f"stop() and wait() first, or add_run(...) to queue another run")
        pending = [r for r in self.runs if r.status == "pending"]
        if not pending:
            raise RuntimeError(f"{what}(): nothing left to train: every run has finished "
                               f"({', '.join(r.status for r in self.runs)}). add_run(network, ...) "
                               f"to train another")
        for r in pending:
            if getattr(r.network, "training", False):
                raise RuntimeError(f"{what}(): the network of {r.label!r} is already training "
                                   f"elsewhere (another dashboard, fit() or Trainer); stop that first")

    def _launch(self):
        self._interleaving = _interleave_mode(self.interleave)
        self._stop_all = False
        self._interrupted = False
        # Our own "finished" flag: a KeyboardInterrupt inside Thread.join left is_alive() saying
        # False while the thread still ran (seen on CPython 3.11), so nothing here joins it.
        self._done = threading.Event()
        self._writer_done = threading.Event()
        self._thread = threading.Thread(target=self._train_in_background, name="nnwidgets-dashboard",
                                        daemon=True)
        self._writer = threading.Thread(target=self._write_while_training,
                                        name="nnwidgets-dashboard-writer", daemon=True)
        self._thread.start()
        self._writer.start()

    @property
    def training(self):
        """True while the background thread (or :meth:`run`) trains."""
        return self._thread_alive()

    def pause(self):
        """Pause after the current mini-batch; returns once no further mini-batch will start."""
        with self._cond:
            self._paused = True
            self._cond.notify_all()
            self._wait_parked()

    def resume(self):
        """Go on training after :meth:`pause` or :meth:`step`."""
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def step(self):
        """Train exactly one mini-batch, then stay paused. Starts paused if nothing trains yet.

        Returns when that mini-batch is done. While training runs unpaused, this pauses it.
        """
        with self._cond:
            if not self.training:
                self._check_can_start("step")
                self._paused = True
                self._launch()
            else:
                self._paused = True
                self._cond.notify_all()
            if not self._wait_parked():
                return
            done = self._counters.batches
            self._step_go = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: (self._parked and self._counters.batches > done)
                                or not self._thread_alive(), PARK_TIMEOUT)

    def stop(self):
        """Stop after the current mini-batch (also when paused); runs queued after it stay
        pending for the next :meth:`start`. The history keeps everything up to there."""
        with self._cond:
            self._stop_all = True
            for run in {*self._rotation, self._active} - {None}:  # interleaved: all of them
                run.trainer.stop()
            self._cond.notify_all()

    def wait(self, timeout=None):
        """Block until training ends; returns :attr:`history`.

        A keyboard interrupt (the notebook's Stop button) stops training cleanly and returns.
        Raises TimeoutError after ``timeout`` seconds, and RuntimeError when paused with no
        timeout (it would never return).
        """
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
                    or not timeout >= 0:  # NaN too: it would never run out
                raise ValueError(f"wait(): timeout must be None or a number of seconds >= 0; "
                                 f"got {timeout!r}")
        if self._thread is None:
            return self.history
        done = self._done
        if self._paused and timeout is None and not done.is_set():
            raise RuntimeError("wait(): training is paused, so it would never end; resume() or "
                               "stop() first, or pass a timeout")
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while not done.is_set():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(f"wait(): training still running after {timeout} s")
                done.wait(0.1 if left is None else min(0.1, left))
        except KeyboardInterrupt:
            self._interrupted = True
            self.stop()
            done.wait()
        self._writer_done.wait()
        return self.history

    def run(self):
        """Train the pending runs in this thread and return :attr:`history` when done.

        For scripts and for front ends that do not show updates made from background threads
        (Colab): the curves are sent from this thread, the page's buttons wait until the cell
        ends. Ctrl-C (the notebook's Stop button) stops cleanly after the current mini-batch
        and returns the history; a second Ctrl-C interrupts at once.
        """
        with self._cond:
            self._check_can_start("run")
            self._interleaving = _interleave_mode(self.interleave)
            self._paused = False
            self._stop_all = False
            self._interrupted = False
            self._inline = True
        restore = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)

            def interrupted(signum, frame):
                self._interrupted = True
                signal.signal(signal.SIGINT, previous)  # a second Ctrl-C acts at once
                self.stop()

            signal.signal(signal.SIGINT, interrupted)
            restore = lambda: signal.signal(signal.SIGINT, previous)  # noqa: E731
        try:
            self._train_pending()
        finally:
            if restore is not None:
                restore()
            with self._cond:
                self._inline = False
            self._publish()
        return self.history

    # -- waiting for the training thread -------------------------------------------------------
    def _thread_alive(self):
        return self._inline or (self._thread is not None and not self._done.is_set())

    def _wait_parked(self):
        """Wait (holding the condition) until the training thread is parked; False if not training."""
        if not self._thread_alive() or self._inline:
            return False
        return self._cond.wait_for(lambda: self._parked or not self._thread_alive(), PARK_TIMEOUT) \
            and self._parked

    # -- live settings -------------------------------------------------------------------------
    def _show_settings(self, run):
        with self._publish_lock:
            self._applying = threading.get_ident()
            try:
                with self.hold_sync():
                    for name in LIVE_SETTINGS:
                        setattr(self, name, getattr(run.trainer, name))
            finally:
                self._applying = None

    @traitlets.observe(*LIVE_SETTINGS)
    def _live_changed(self, change):
        if self._applying == threading.get_ident():
            return
        name, value = change["name"], change["new"]
        with self._cond:
            if self._active is not None:
                # The run training now (interleaved: whose turn it is) applies and marks it.
                self._pending_changes.setdefault(self._active, {})[name] = value
                return
            target = next((r for r in self.runs if r.status == "pending"), None)
            if target is None:  # every run trained: the runs added next start with it
                self._defaults[name] = value
        if target is not None:  # before training: the next run simply starts with it
            setattr(target.trainer, name, value)
            target.settings[name] = value
            self._add_relabel()

    def _add_relabel(self):
        labels = run_labels([r.settings for r in self.runs], [r.label_given for r in self.runs])
        for r, text in zip(self.runs, labels):
            r.label = text
        self._runs_dirty = True
        if not self.training:
            self._publish()

    # -- panels --------------------------------------------------------------------------------
    def refresh_panels(self):
        """Recompute the insight panels now, for the run training now or the last one trained
        (the first before any has), and send them. Returns the panel data."""
        run = self._active or next((r for r in reversed(self.runs) if r.status != "pending"),
                                   self.runs[0])
        panels = self._panels_for(run, run.trainer.epoch)
        with self._cond:
            self._panels_next = panels
        if not self.training:
            self._publish()
        return panels

    # -- the page ------------------------------------------------------------------------------
    def _on_front_end_message(self, widget, content, buffers):
        action = content.get("action") if isinstance(content, dict) else None
        try:
            if action in ("start", "resume", "stop"):
                getattr(self, action)()
            elif action == "pause":
                with self._cond:  # don't block the kernel waiting for the mini-batch to end
                    self._paused = True
                    self._cond.notify_all()
            elif action == "step":
                self.step()
            elif action == "set":
                name = content.get("name")
                if not isinstance(name, str) or name not in LIVE_SETTINGS:
                    raise ValueError(f"the page asked to set {name!r}; only {', '.join(LIVE_SETTINGS)} can change")
                setattr(self, name, content.get("value"))
            else:
                logger.warning("TrainingDashboard: ignored a message from the page with action "
                               "%.100r", action)
                raise ValueError(f"unknown action {action!r} from the page")
        except (RuntimeError, ValueError, traitlets.TraitError) as exc:
            self.message = str(exc)  # the page shows it; its inputs go back to the traits
        except Exception as exc:  # noqa: BLE001 - whatever the page sent, the kernel goes on
            logger.warning("TrainingDashboard: ignored a malformed message from the page: %.200r",
                           content, exc_info=True)
            self.message = f"ignored a malformed message from the page ({type(exc).__name__})"
        if not self.training:
            self._publish()

    def set_state(self, sync_data):
        """Trait values from the page: only what the page's own inputs set (the log-scale toggle
        and the live settings), each checked on its own. The rest is the kernel's to say
        (status, progress, curves): a page writing it is logged and ignored, as is a bad value."""
        for name, value in sync_data.items():
            if name not in _PAGE_WRITABLE:
                logger.warning("TrainingDashboard: ignored the page's write to %r (the kernel's "
                               "to set)", name)
                continue
            try:
                super().set_state({name: value})
            except traitlets.TraitError as exc:
                logger.warning("TrainingDashboard: ignored the page's write to %r: %s", name, exc)
                self.message = str(exc)

    def close(self):
        """Stop training, wait for it to end (after the current mini-batch) and close the widget.

        When this returns no thread of the dashboard runs and its networks can be trained
        again (``net.fit``); the runs and their histories stay as they were. A closed
        dashboard trains no more (start, step, run and add_run are refused).
        """
        if not hasattr(self, "_cond"):  # __init__ failed before setting up
            super().close()
            return
        with self._cond:
            self._closed = True
        self.stop()
        self._wait_threads_after_close()
        super().close()

    def _wait_threads_after_close(self):
        here = threading.current_thread().name
        if self._thread is None or here.startswith("nnwidgets-dashboard"):
            return  # closed from a callback on a training thread: it ends when that returns
        deadline = time.monotonic() + CLOSE_TIMEOUT
        left = lambda: max(0.0, deadline - time.monotonic())  # noqa: E731
        if self._done.wait(left()) and self._writer_done.wait(left()):
            for t in (self._thread, self._writer):  # both set their event in their last lines
                t.join(left())
            return
        logger.warning("TrainingDashboard.close(): training did not stop within %g s; it "
                       "will end after its current mini-batch", CLOSE_TIMEOUT)


def _check_update_interval(value):
    """``value`` in seconds as a float if it is a number from 0.05 to 10; ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(f"update_interval must be a number of seconds; got {value!r}")
    try:
        interval = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"update_interval must be a number of seconds; got {value!r}") from None
    if not (0.05 <= interval <= 10):
        raise ValueError(f"update_interval must be between 0.05 and 10 seconds (at most 20 "
                         f"updates a second); got {value!r}")
    return interval


def _interleave_mode(interleave):
    """``interleave`` as the training loop uses it: False, "epoch", or a number of mini-batches."""
    if interleave is False or interleave is None:
        return False
    if interleave is True or interleave == "epoch":
        return "epoch"
    if isinstance(interleave, int) and not isinstance(interleave, bool) and interleave >= 1:
        return int(interleave)
    raise ValueError(f"interleave must be False (one run after another), True (one epoch of "
                     f"each in turn) or a number of mini-batches >= 1; got {interleave!r}")
