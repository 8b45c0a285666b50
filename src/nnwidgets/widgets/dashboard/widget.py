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

How the pieces talk. The widget holds one object per job and forwards its buttons to them
(the package docstring lists the modules). The training thread runs each run's
:class:`~nnwidgets.training.Trainer` with a :class:`~.recorder.Recorder` callback that does next
to nothing per mini-batch. Pause, step and stop go to the :class:`~.control.TrainingControl`,
which acts through the Trainers' own pause points (one pause mechanism) and keeps the turns of
interleaved runs. One writer thread per training session (:class:`~.publisher.Publisher`) reads
the losses the Trainer recorded since its last look into bounded buffers (:mod:`.series`) and
sends what is new at most ``1 / update_interval`` times a second, all traits in one message
(``hold_sync``), so the browser gets the same few messages a second whatever the batch size. At
each epoch's end the training thread also copies the weights; the writer computes the insight
panels from that copy (:mod:`.panels`, at most once a second, and once more when training ends)
and sends them with the curves. Every microsecond the writer or the callback holds the GIL is
one the training thread waits, which is why they do so little (``bench/dashboard_overhead.py``
measures it). The buttons send custom messages; they act while training runs because the cell
that called :meth:`start` has returned. Front ends that do not show updates made from a
background thread (Colab) can use :meth:`run`, which trains in the calling thread and sends from
there.
"""

from __future__ import annotations

import logging
import numbers
import re
import signal
import threading
import time

import anywidget
import numpy as np
import traitlets

from ..._checks import reject_unknown
from ...training import Trainer
from .._wire import Flag, TraitValueError, bundle, checked
from .calibration import check_calibration
from .control import TrainingControl, check_timeout
from .grid import expand_grid
from .panels import attach_layer_speed, check_layer_speed
from .progress import ProgressCounters
from .publisher import Publisher
from .recorder import join_rotation, train_runs
from .results import panel_data as results_panel_data
from .results import run_results, summarise
from .runs import (
    LIVE_SETTINGS,
    TRAINING_SETTINGS,
    Run,
    check_live_setting,
    check_max_points,
    run_labels,
)

__all__ = ["TrainingDashboard"]

logger = logging.getLogger("nnwidgets.dashboard")

_ESM, _CSS = bundle("dashboard")

#: Traits the page may write (its log-scale toggle; the live settings, which it normally sends
#: as messages); the others are the kernel's.
_PAGE_WRITABLE = frozenset({"log_scale", "panels_run", "compare_run", *LIVE_SETTINGS})
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
            value = check_live_setting(self.name, value)
            # The run the change goes to (training now, else the next to train) must be able
            # to train so: checked here, before the trait changes, so that a refused value is
            # never shown. With every run trained, each must (a book network has no dropout);
            # a rate per hidden layer (a tuple) is for the runs with that many hidden layers.
            target = obj._live_target() if hasattr(obj, "_live_target") else None
            runs = [target] if target is not None else list(getattr(obj, "runs", ()))
            if target is None and isinstance(value, tuple) and runs:
                runs = [r for r in runs if len(r.network.sizes) - 2 == len(value)] or runs[:1]
            for run in runs:
                Trainer.live_settings()[self.name].check_for(run.trainer, value)
            return value
        except ValueError as exc:
            raise TraitValueError(str(exc)) from None


def check_run_index(value, runs, name):
    """``value`` as an index into ``runs`` (an int from 0 to len(runs) - 1), or None."""
    if value is None:
        return None
    n = len(runs)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < n:
        text = repr(value)
        text = text if len(text) <= 60 else text[:60] + "..."  # the page's value may be long
        raise ValueError(
            f"{name} must be the index of one of the {n} runs (an int from 0 to {n - 1}, "
            f"as in dash.runs[i]); got {text}"
        )
    return int(value)


class _RunChoice(traitlets.TraitType):
    """A run chosen for the panels: None, or an index into the dashboard's runs."""

    info_text = "None or the index of a run"

    def validate(self, obj, value):
        try:
            return check_run_index(value, getattr(obj, "runs", ()), self.name)
        except ValueError as exc:
            raise TraitValueError(str(exc)) from None


class TrainingDashboard(anywidget.AnyWidget):
    """Train a network in the background and watch its curves; compare several runs.

    Parameters
    ----------
    network : Network
        The network to train (the first run). The reader's own book-style network (``sizes``,
        ``weights``, ``biases`` as columns, ``backprop(x, y)``) is trained by wrapping its
        ``backprop``: :func:`nnwidgets.book.as_network` calls it one example at a time and
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
    layer_speed : int or None
        Adds the speed-of-learning panel (NNDL ch5): every run records, at its start and after
        each epoch, each hidden layer's ``||dC/db^l||`` for the mean cost over its first
        ``layer_speed`` training examples (NNDL used 1000), in ``history.layer_speed`` (see
        :class:`~nnwidgets.layer_speed.LayerSpeed`; measured by the writer thread from the
        weights copied at each epoch's end, so the training thread does not wait for it); the
        panel draws them on a log scale, one line per layer, one chart per run side by side.
        Runs not trained yet show their speeds at initialisation (``refresh_panels()``).
    calibration : bool
        Adds the calibration panel: the reliability diagram (15 confidence bins,
        :func:`nnwidgets.metrics.reliability`) and the expected calibration error (ECE) of the
        run the panels show, on their validation sample, said in words ("overconfident: 96.4%
        mean confidence, 92.1% accuracy, ECE 3.1% ..."), and a line of its ECE at the start
        and after every epoch (``run.calibration``, measured by the writer thread from the
        weights copied at each epoch's end; default False).
    epochs, batch_size, learning_rate, momentum, l2, l1, dropout, schedule, step_size,
    step_gamma, early_stopping, shuffle, transform, threads, callbacks, monitor_train
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

    log_scale = Flag(False).tag(sync=True)
    """bool: loss drawn on a logarithmic axis (the page's toggle sets it too)."""

    panels_run = _RunChoice(None, allow_none=True).tag(sync=True)
    """int or None: the run whose insight panels are shown, an index into :attr:`runs`; None
    (default) follows the run training now or the last one trained. Set by
    :meth:`refresh_panels` and the page's run selector; setting it recomputes the panels."""
    compare_run = _RunChoice(None, allow_none=True).tag(sync=True)
    """int or None: a run whose first-layer weights are drawn beside those of the panels' run
    (:meth:`compare_weights`, or the page's second selector); None: no comparison."""

    # Static facts of every run: label, settings, status, message, and the curves of runs that
    # have finished. Changes only when a run is added, starts or ends.
    _runs = traitlets.List().tag(sync=True)
    # The insight panels (confusion matrix, mistakes, first-layer weights, histograms) of the
    # run training now or last, as panels.panel_data builds them; None until the
    # first epoch ends. Replaced once per epoch, in the same message as the curves.
    _panels = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    # The training run's curves ({run: index, batch, epoch, marks}, binary float32 columns),
    # replaced at every update: the only large trait that changes while training runs.
    _live = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    # The results panel (results.panel_data): a row per run, the mean over seeds per setting
    # combination, a heat map when exactly two settings vary; None for a single run. Replaced
    # only when a run is added, starts or ends (with _runs).
    _results = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)

    def __init__(
        self,
        network,
        *,
        train,
        validation=None,
        label=None,
        max_points=1000,
        update_interval=0.2,
        interleave=False,
        layer_speed=None,
        calibration=False,
        **settings,
    ):
        reject_unknown(settings, TRAINING_SETTINGS, type(self).__name__)
        if isinstance(network, (list, tuple)):
            raise ValueError(
                f"network must be one Network; got a {type(network).__name__}. Pass "
                f"the first here and the others with add_run([...]) to compare them"
            )
        interval = _check_update_interval(update_interval)
        _interleave_mode(interleave)  # checked now, so a typo fails here and not at start()
        self._layer_speed = check_layer_speed(layer_speed)
        check_calibration(calibration)
        # The first run (and so every argument) is checked before the widget exists: a widget
        # made by a call that then fails would stay registered with the front end for good.
        first = Run(network, train, validation, label=label, max_points=max_points, **settings)
        self.interleave = interleave
        self._max_points = check_max_points(max_points)
        self._defaults = {"train": train, "validation": validation, **settings}
        self.runs = []  # Run objects, in the order they train
        self._control = TrainingControl()
        self._progress = ProgressCounters()
        self._publisher = Publisher(
            self.runs, self._control, self._progress, self._write_state, interval=interval
        )
        self._publisher.calibration = calibration
        self._choosing = False  # refresh_panels sets panels_run itself: no second computation
        self._starting = threading.Lock()  # one start (or run, or step from idle) at a time
        self._thread = None  # the background training thread of the latest start()
        # Shows a run's settings in the live traits (not a user change): the thread doing it
        # is noted, so that a user's change from another thread meanwhile is still a change.
        self._showing = threading.RLock()
        self._applying = None
        self._closed = False
        self._refusal = None  # what the page was last told it could not do (see message)
        super().__init__()
        self._add(first)
        self._show_settings(self.runs[0])
        self.on_msg(self._on_front_end_message)
        self._publisher.publish()

    @property
    def update_interval(self):
        """Seconds between two updates sent to the page; 0.05 to 10 (read by the writer)."""
        return self._publisher.interval

    @update_interval.setter
    def update_interval(self, value):
        self._publisher.interval = _check_update_interval(value)

    @property
    def max_points(self):
        """The most points kept per curve of each run added from now on (an even int, 2 to
        100,000: ``runs.check_max_points``)."""
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

        Added while runs train one after another, it trains after them; while they take turns
        (``interleave``), it joins the turns after the last of them (``message`` says so).

        ``network`` may also be a list of networks, each trained with the same ``settings``
        (labels and settings per run: call add_run once per run); returns the list of Runs.
        Every network in the list is checked before any run is added.
        """
        self._check_open("add_run")
        if isinstance(network, (list, tuple)):
            if label is not None:
                raise ValueError(
                    "label cannot be given with a list of networks (one label for "
                    "several runs); call add_run(network, label=...) once per run"
                )
            if not network:
                raise ValueError("add_run() got an empty list of networks")
            if len({id(n) for n in network}) != len(network):
                raise ValueError(
                    "the list passed to add_run() holds the same network twice; "
                    "pass network.copy() for a second run from the same weights"
                )
            for net in network:
                self._check_new_network(net)
            runs = [self._new_run(net, None, settings) for net in network]
            for run in runs:
                self._add(run)
            self._after_add(runs)
            return runs
        run = self._new_run(network, label, settings)
        self._add(run)
        self._after_add([run])
        return run

    # -- grids and results (grid.py, results.py) ----------------------------------------------
    def add_grid(self, factory, *, seeds=(0,), **lists):
        """Add one run per combination of the settings' lists and seed; returns the Runs.

        ``factory(seed=s, **network_settings)`` makes each run's network (a new one per call:
        see :mod:`.grid`); Trainer settings (``learning_rate=[0.1, 1.0]``, ``batch_size=[10,
        100]``, ``dropout``, ``monitor_train``, ...) go to each run's Trainer, every other list
        to the factory (``activation=["sigmoid", "relu"]``, ``sizes=[[784, 30, 10], ...]``, or
        the factory's own, such as ``depth=[1, 2, 3]``). Settings not in a list are the
        dashboard's. Every list is checked, every network made and every run's Trainer built
        before any run is added: an unknown setting, an empty list or a bad value adds nothing.
        Labels name what differs between all the runs (``learning_rate=0.1,
        activation=relu, seed=1``); :meth:`results` tabulates them.
        """
        self._check_open("add_grid")
        runs = []
        for network, trainer_settings, point in expand_grid(factory, seeds, lists):
            self._check_new_network(network)
            run = self._new_run(network, None, trainer_settings)
            run.set_grid(point)
            runs.append(run)
        for run in runs:
            self._add(run)
        self._after_add(runs)
        return runs

    @classmethod
    def from_grid(cls, factory, grid, *, seeds=(0,), train, validation=None, **options):
        """A dashboard whose runs are exactly a grid: ``grid`` is ``{setting: [values]}`` as
        :meth:`add_grid` takes them; ``options`` are the constructor's (``epochs=3``,
        ``interleave=True``, ...), the settings shared by every run.

        >>> dash = TrainingDashboard.from_grid(
        ...     lambda seed, **kw: Network([784, 30, 10], seed=seed, **kw),
        ...     {"learning_rate": [0.1, 1.0, 3.0], "batch_size": [10, 100]}, seeds=(0, 1),
        ...     train=(X, y), validation=(X_val, y_val), epochs=3)   # 12 runs
        """
        if not isinstance(grid, dict):
            raise TypeError(f"grid must be a dict {{setting: [values]}}; got {type(grid).__name__}")
        if "label" in options:
            raise ValueError(
                "from_grid() labels each run by what differs between them; label cannot be given"
            )
        both = sorted(set(grid) & set(options))
        if both:
            raise ValueError(
                f"{both[0]} is given both as a grid list and as a setting shared "
                f"by every run; give it once"
            )
        combos = expand_grid(factory, seeds, grid)
        shared = {k: v for k, v in options.items() if k in TRAINING_SETTINGS}
        points = [(net, {**shared, **t}, p) for net, t, p in combos]
        # The runs after the first are built (and checked) before the widget exists.
        rest = [
            Run(net, train, validation, max_points=options.get("max_points", 1000), **t)
            for net, t, _ in points[1:]
        ]
        net0, t0, p0 = points[0]
        dash = cls(net0, train=train, validation=validation, **{**options, **t0})
        for k in t0:  # the first combination's own values are not defaults for add_run
            if k not in options:
                dash._defaults.pop(k, None)
        dash.runs[0].set_grid(p0)
        for run, (_, _, point) in zip(rest, points[1:]):
            run.set_grid(point)
            dash._add(run)
        dash._relabel()
        dash._publisher.publish()
        return dash

    def results(self, *, target_accuracy=None, by_seed=True):
        """What each run achieved, as a :class:`~.results.ResultsTable` (a list of dicts with a
        table view; ``.to_pandas()`` if pandas is installed).

        One row per run (label, settings, seed, status, epochs, best validation accuracy and
        its epoch, final losses, seconds; ``epochs_to_target`` with ``target_accuracy``: see
        :func:`~.results.run_results`). ``by_seed=False`` gives :meth:`summary` instead.
        """
        if not isinstance(by_seed, (bool, np.bool_)):
            raise TypeError(
                f"by_seed must be True (one row per run) or False (one per setting, the seeds "
                f"together); got {by_seed!r}"
            )
        rows = run_results(self.runs, target_accuracy)
        return rows if by_seed else summarise(rows)

    def summary(self, *, target_accuracy=None):
        """One row per setting combination, every seed together: the mean and the spread
        (sample standard deviation) of each result over the seeds (see
        :func:`~.results.summarise`)."""
        return summarise(run_results(self.runs, target_accuracy))

    def _check_new_network(self, network):
        if not hasattr(network, "sizes") or not hasattr(network, "weights"):
            raise ValueError(
                f"add_run() expects a Network or a list of Networks; got {type(network).__name__}"
            )

    def _new_run(self, network, label, settings):
        reject_unknown(settings, {"train", "validation", *TRAINING_SETTINGS}, "add_run")
        mine = {id(network), id(getattr(network, "book_network", network))}
        for i, r in enumerate(self.runs):
            # By identity: == on an array-like would be ambiguous or elementwise.
            if mine & {id(r.network), id(getattr(r.network, "book_network", r.network))}:
                raise ValueError(
                    f"network is already run {i + 1} ({r.label!r}) of this dashboard; "
                    f"pass network.copy() to train a copy with other settings"
                )
        merged = {**self._defaults, **settings}
        inherited = [k for k in ("train", "validation") if k not in settings and merged[k]]
        self._check_inherited_data(network, merged, inherited)
        train, validation = merged.pop("train"), merged.pop("validation")
        try:
            return Run(
                network, train, validation, label=label, max_points=self.max_points, **merged
            )
        except ValueError as exc:
            # The Trainer's messages start with the setting they refuse: one this run took
            # from the dashboard (a dropout per hidden layer of another depth) is the cause,
            # and the hint names it; else the data it took, if any.
            cause = next(
                (k for k in merged if k not in settings and re.match(rf"{k}\b", str(exc))),
                None,
            )
            if cause is not None:
                raise ValueError(
                    f"{exc} (add_run() uses the dashboard's {cause}={_shown(merged[cause])} "
                    f"unless given: pass {cause}= for this run)"
                ) from None
            # A setting of this run's own (learning_rate=-1) is its own fault: no data hint.
            about_data = re.match(r"(X|y|X_val|y_val|train|validation)\b", str(exc))
            if not inherited or not about_data:
                raise
            raise ValueError(
                f"{exc} (add_run() trains on the dashboard's own "
                f"{' and '.join(inherited)} data unless given: pass "
                f"train=(X, y) and validation=(X_val, y_val) for this network)"
            ) from None

    @staticmethod
    def _check_inherited_data(network, merged, inherited):
        """The dashboard's data, used by a run that did not give its own, must fit its network:
        say which set it is and how to give another, not only that X has the wrong shape."""
        n_in = getattr(network, "sizes", [None])[0]
        for key in inherited:
            X = merged[key][0] if isinstance(merged[key], (tuple, list)) else None
            shape = np.shape(X) if X is not None else ()
            if n_in is None or len(shape) != 2 or shape[1] == n_in:
                continue
            what = "training" if key == "train" else "validation"
            raise ValueError(
                f"add_run(): the network takes {n_in} inputs, but the dashboard's {what} set "
                f"(its {key}=, given when it was made) has {shape[1]} features per example; "
                f"pass train=(X, y) and validation=(X_val, y_val) with {n_in} features to "
                f"train this network on other data"
            )

    def _add(self, run):
        if self._layer_speed is not None:
            attach_layer_speed(run, self._layer_speed)
        self.runs.append(run)
        self._relabel()

    def _relabel(self):
        labels = run_labels([r.settings for r in self.runs], [r.label_given for r in self.runs])
        for r, text in zip(self.runs, labels):
            r.label = text

    def _after_add(self, runs):
        """Runs were added: join the turns of interleaved runs training now, or send them."""
        if self._control.interleaving and self.training:
            joined = [
                run
                for run in runs
                if join_rotation(
                    run, self._control, self._progress, self._publisher, self.runs.index(run) + 1
                )
            ]
            if joined:
                names = ", ".join(repr(r.label) for r in joined)
                self.message = (
                    f"{names} joined the runs taking turns: it trains from its turn, "
                    f"after the runs before it"
                )
            if len(joined) < len(runs):
                self.message = (
                    "the runs taking turns are ending: the runs added train at the next start()"
                )
        elif self.training:
            self.message = "added: it trains after the runs before it"
        if not self.training:
            self._publisher.publish()

    @property
    def history(self):
        """The :class:`~nnwidgets.training.History` of the run training now, or of the last
        one that trained (the first run's before any has): the object ``net.fit`` returns."""
        return self._current_run().history

    def _current_run(self):
        return self._control.active or next(
            (r for r in reversed(self.runs) if r.status != "pending"), self.runs[0]
        )

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
        with self._starting:
            self._check_can_start("start")
            self._launch(paused=False)

    @property
    def interleave(self):
        """bool or int: how the runs share the training (see the class docstring); checked
        when set, so that a typo fails there and not at ``start()``."""
        return self._interleave

    @interleave.setter
    def interleave(self, value):
        _interleave_mode(value)
        self._interleave = value

    def _check_open(self, what):
        if self._closed:
            raise RuntimeError(
                f"{what}(): this dashboard was closed; make a new TrainingDashboard "
                f"(its networks and histories are kept: dash.runs)"
            )

    def _check_can_start(self, what):
        self._check_open(what)
        if self.training:
            run = self._control.active
            where = (
                f" ({run.label}, epoch {run.trainer.epoch + 1} of {run.trainer.epochs})"
                if run
                else ""
            )
            raise RuntimeError(
                f"{what}(): this dashboard is already training{where}; call "
                f"stop() and wait() first, or add_run(...) to queue another run"
            )
        pending = [r for r in self.runs if r.status == "pending"]
        if not pending:
            raise RuntimeError(
                f"{what}(): nothing left to train: every run has finished "
                f"({', '.join(r.status for r in self.runs)}). To train them again from the "
                f"start, run the cell that made this dashboard (and its networks) again; to "
                f"train one more, add_run(network, ...)"
            )
        for r in pending:
            if getattr(r.network, "training", False):
                raise RuntimeError(
                    f"{what}(): the network of {r.label!r} is already training "
                    f"elsewhere (another dashboard, fit() or Trainer); stop that "
                    f"first"
                )

    def _launch(self, *, paused):
        """Begin a session and train it in a background thread, with its writer."""
        self._control.begin(interleave=_interleave_mode(self.interleave), paused=paused)
        trained = threading.Event()

        def train():
            try:
                train_runs(
                    self.runs,
                    self._control,
                    self._progress,
                    self._publisher,
                    on_run_start=self._show_settings,
                )
            finally:
                trained.set()

        self._thread = threading.Thread(target=train, name="nnwidgets-dashboard", daemon=True)
        self._thread.start()
        # The writer ends the session, after its last update: so when wait() returns, the page
        # has been sent how training ended.
        self._publisher.start(trained, then=self._control.finish)

    @property
    def training(self):
        """True while the background thread (or :meth:`run`) trains."""
        return self._control.training

    def pause(self):
        """Pause before the next mini-batch; returns once no further mini-batch will start."""
        self._control.pause()

    def resume(self):
        """Go on training after :meth:`pause` or :meth:`step`."""
        self._control.resume()

    def step(self):
        """Train exactly one mini-batch, then stay paused. Starts paused if nothing trains yet.

        Returns when that mini-batch is done. While training runs unpaused (in the background
        or in :meth:`run` on another thread), it trains one more mini-batch and pauses there.
        With interleaved runs it is a mini-batch of the run whose turn it is.
        """
        with self._starting:
            if not self.training:
                self._check_can_start("step")
                self._launch(paused=True)
        self._control.step()

    def stop(self):
        """Stop before the next mini-batch (at once when paused); runs queued after it stay
        pending for the next :meth:`start`. The history keeps everything up to there."""
        self._control.stop()

    def wait(self, timeout=None):
        """Block until training ends; returns :attr:`history`.

        A keyboard interrupt (the notebook's Stop button) stops training cleanly and returns.
        Raises TimeoutError after ``timeout`` seconds, and RuntimeError when paused (and not
        stopped) with no timeout: it would never return.
        """
        timeout = check_timeout(timeout, "wait()")
        control = self._control
        if not control.training:
            return self.history
        if control.paused and not control.stop_requested and timeout is None:
            raise RuntimeError(
                "wait(): training is paused, so it would never end; resume() or "
                "stop() first, or pass a timeout"
            )
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            # In short waits, so that a keyboard interrupt is seen at once.
            while not control.wait_finished(
                0.1 if deadline is None else min(0.1, max(0.0, deadline - time.monotonic()))
            ):
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(f"wait(): training still running after {timeout} s")
        except KeyboardInterrupt:
            control.stop(interrupted=True)
            control.wait_finished()
        return self.history

    def run(self):
        """Train the pending runs in this thread and return :attr:`history` when done.

        For scripts and for front ends that do not show updates made from background threads
        (Colab): the curves are sent from this thread, the page's buttons wait until the cell
        ends. Ctrl-C (the notebook's Stop button) stops cleanly after the current mini-batch
        and returns the history; a second Ctrl-C interrupts at once. Another thread may pause,
        step, stop or close it meanwhile.
        """
        with self._starting:
            self._check_can_start("run")
            self._control.begin(interleave=_interleave_mode(self.interleave))
        restore = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)

            def interrupted(signum, frame):
                signal.signal(signal.SIGINT, previous)  # a second Ctrl-C acts at once
                self._control.stop(interrupted=True)

            signal.signal(signal.SIGINT, interrupted)
            restore = lambda: signal.signal(signal.SIGINT, previous)  # noqa: E731
        try:
            train_runs(
                self.runs,
                self._control,
                self._progress,
                self._publisher,
                inline=True,
                on_run_start=self._show_settings,
            )
        finally:
            if restore is not None:
                restore()
            try:
                self._publisher.publish()
            finally:
                self._control.finish()
        return self.history

    # -- live settings -------------------------------------------------------------------------
    def _show_settings(self, run):
        """The live traits show ``run``'s settings (not a change the user made)."""
        with self._showing:
            self._applying = threading.get_ident()
            try:
                with self.hold_sync():
                    for name in LIVE_SETTINGS:
                        setattr(self, name, getattr(run.trainer, name))
            finally:
                self._applying = None

    def _live_target(self):
        """The run a change of a live setting goes to: the one training now (interleaved: whose
        turn it is), else the next to train; None when every run has trained, or while the
        traits are showing a run's own settings (``_show_settings``)."""
        control = getattr(self, "_control", None)  # None while the dashboard is being made
        if control is None or self._applying == threading.get_ident():
            return None
        if control.active is not None:
            return control.active
        return next((r for r in self.runs if r.status == "pending"), None)

    @traitlets.observe(*LIVE_SETTINGS)
    def _live_changed(self, change):
        if self._applying == threading.get_ident():
            return
        name, value = change["name"], change["new"]
        if self._control.change(name, value) is not None:
            return  # the run training now (interleaved: whose turn it is) applies and marks it
        target = next((r for r in self.runs if r.status == "pending"), None)
        if target is None:  # every run trained: the runs added next start with it
            self._defaults[name] = value
            return
        setattr(target.trainer, name, value)  # before training: the next run starts with it
        target.settings[name] = value
        self._relabel()
        if not self.training:
            self._publisher.publish()

    def _write_state(self, state):
        """The publisher's update, every trait in one message."""
        with self.hold_sync():
            for name, value in state.items():
                if name == "settings":
                    self._show_settings(value)
                else:
                    setattr(self, name, value)
            if "_runs" in state:  # a run was added, started or ended: the results panel too
                self._results = results_panel_data(self.runs)

    # -- panels --------------------------------------------------------------------------------
    @property
    def calibration(self):
        """bool: whether the panels include the calibration panel (set when made)."""
        return self._publisher.calibration

    def refresh_panels(self, run=None):
        """Recompute the insight panels now and send them; returns the panel data.

        ``run`` is the index of the run to show (``dash.runs[run]``; the page's run selector
        does the same); by default the run training now or the last one trained (the first
        before any has), as the panels follow while training. Sets :attr:`panels_run`.
        """
        index = check_run_index(run, self.runs, "run")
        self._choosing = True
        try:
            self.panels_run = index
        finally:
            self._choosing = False
        return self._recompute_panels()

    def compare_weights(self, i, j):
        """Show the first-layer weights of run ``j`` beside those of run ``i`` (indices into
        :attr:`runs`; the panels then show run ``i``), each with the share of its weights
        with |w| < 0.01 in words: L1's sparse weights beside L2's smooth ones. Returns
        ``{label: share}`` for the two runs. ``compare_weights(i, None)`` ends the comparison.
        """
        first = check_run_index(i, self.runs, "i")
        if first is None:
            raise ValueError("i must be the index of one of the runs; got None")
        second = check_run_index(j, self.runs, "j")
        if second == first:
            raise ValueError(f"compare_weights() needs two different runs; got i = j = {first}")
        for index in (first, second):
            self._check_images(index, "compare_weights()")
        self._choosing = True
        try:
            with self.hold_sync():
                self.panels_run = first
                self.compare_run = second
        finally:
            self._choosing = False
        panels = self._recompute_panels()
        if panels is None or second is None:
            return {}
        return {
            panels["run"]: panels["small_share"],
            panels["compare"]["run"]: panels["compare"]["small_share"],
        }

    def _check_images(self, index, what):
        """Run ``index`` (or None) must take 28x28 images: its first-layer weights are drawn."""
        if index is not None and self.runs[index].network.sizes[0] != 784:
            raise ValueError(
                f"{what} draws first-layer weights as 28x28 images; run "
                f"{index} ({self.runs[index].label!r}) takes "
                f"{self.runs[index].network.sizes[0]} inputs"
            )

    @traitlets.validate("compare_run")
    def _validate_compare_run(self, proposal):
        # The index itself is checked by _RunChoice; here, that its weights can be drawn.
        checked(self._check_images, proposal["value"], "the comparison (compare_run)")
        return proposal["value"]

    @traitlets.observe("panels_run", "compare_run")
    def _panel_choice_changed(self, change):
        if not self._choosing:  # the page's selectors, or an assignment
            self._recompute_panels()

    def _recompute_panels(self):
        publisher = self._publisher
        with publisher._panels_lock:  # a computation under way for the old choice is dropped
            publisher.panels_run, publisher.compare_run = self.panels_run, self.compare_run
        run = publisher.chosen(self.panels_run) or self._current_run()
        panels = publisher.panels_for(run, run.trainer.epoch)
        publisher.set_panels(panels)
        if not self.training:
            publisher.publish()
        return panels

    # -- the page ------------------------------------------------------------------------------
    def _on_front_end_message(self, widget, content, buffers):
        action = content.get("action") if isinstance(content, dict) else None
        if action == "ping":  # the page asking whether this kernel still answers: it does
            return
        try:
            if action in ("start", "resume", "stop", "step"):
                getattr(self, action)()
            elif action == "pause":
                self._control.pause(wait=False)  # don't block the kernel for the mini-batch
            elif action == "set":
                name = content.get("name")
                if not isinstance(name, str) or name not in LIVE_SETTINGS:
                    raise ValueError(
                        f"the page asked to set {name!r}; only "
                        f"{', '.join(LIVE_SETTINGS)} can change"
                    )
                setattr(self, name, content.get("value"))
                if self.message == self._refusal:  # the value that was refused is put right
                    self.message = ""
            else:
                logger.warning(
                    "TrainingDashboard: ignored a message from the page with action %.100r", action
                )
                raise ValueError(f"unknown action {action!r} from the page")
        except (RuntimeError, ValueError, traitlets.TraitError) as exc:
            self.message = self._refusal = str(exc)  # the page shows it beside its inputs
        except Exception as exc:  # noqa: BLE001 - whatever the page sent, the kernel goes on
            logger.warning(
                "TrainingDashboard: ignored a malformed message from the page: %.200r",
                content,
                exc_info=True,
            )
            self.message = f"ignored a malformed message from the page ({type(exc).__name__})"
        if not self.training:
            self._publisher.publish()

    def set_state(self, sync_data):
        """Trait values from the page: only what the page's own inputs set (the log-scale toggle
        and the live settings), each checked on its own. The rest is the kernel's to say
        (status, progress, curves): a page writing it is logged and ignored, as is a bad value."""
        for name, value in sync_data.items():
            if name not in _PAGE_WRITABLE:
                logger.warning(
                    "TrainingDashboard: ignored the page's write to %r (the kernel's to set)", name
                )
                continue
            try:
                super().set_state({name: value})
            except traitlets.TraitError as exc:
                logger.warning("TrainingDashboard: ignored the page's write to %r: %s", name, exc)
                self.message = str(exc)

    def close(self):
        """Stop training, wait for it to end (after the current mini-batch) and close the widget.

        When this returns no thread of the dashboard runs, :meth:`run` in another thread has
        ended too, and its networks can be trained again (``net.fit``); the runs and their
        histories stay as they were. A closed dashboard trains no more (start, step, run and
        add_run are refused).
        """
        if not hasattr(self, "_control"):  # __init__ failed before setting up
            super().close()
            return
        self._closed = True
        self._control.stop()
        self._wait_after_close()
        super().close()

    def _wait_after_close(self):
        if self._control.on_training_thread() or self._publisher.on_writer_thread():
            return  # closed from a callback on a training thread: it ends when that returns
        deadline = time.monotonic() + CLOSE_TIMEOUT
        left = lambda: max(0.0, deadline - time.monotonic())  # noqa: E731
        thread = self._thread
        if (
            self._control.wait_finished(left())
            and self._publisher.join(left())
            and (thread is None or _join(thread, left()))
        ):
            return
        logger.warning(
            "TrainingDashboard.close(): training did not stop within %g s; it "
            "will end after its current mini-batch",
            CLOSE_TIMEOUT,
        )


def _join(thread, timeout):
    if thread is threading.current_thread():
        return True
    thread.join(timeout)
    return not thread.is_alive()


def _shown(value):
    """A setting as the reader wrote it: a tuple of rates per layer as the list they passed."""
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 60 else text[:60] + "..."


def _check_update_interval(value):
    """``value`` in seconds as a float if it is a number from 0.05 to 10; ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(f"update_interval must be a number of seconds; got {value!r}")
    try:
        interval = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"update_interval must be a number of seconds; got {value!r}") from None
    if not (0.05 <= interval <= 10):
        raise ValueError(
            f"update_interval must be between 0.05 and 10 seconds (at most 20 "
            f"updates a second); got {value!r}"
        )
    return interval


def _interleave_mode(interleave):
    """``interleave`` as the training loop uses it: False, "epoch", or a number of mini-batches."""
    if isinstance(interleave, np.bool_):
        interleave = bool(interleave)
    if interleave is False or interleave is None:
        return False
    if interleave is True or (isinstance(interleave, str) and interleave == "epoch"):
        return "epoch"
    if isinstance(interleave, numbers.Integral) and not isinstance(interleave, bool):
        if interleave >= 1:
            return int(interleave)
    raise ValueError(
        f"interleave must be False (one run after another), True (one epoch of "
        f"each in turn) or a number of mini-batches >= 1; got {interleave!r}"
    )
