"""The one training loop: mini-batch SGD with momentum, regularisation, dropout and schedules.

``Network.fit``, the book-style ``Network.SGD``, the command line and the training dashboard
all drive this :class:`Trainer`. It knows nothing about widgets: a dashboard watches it through
the :class:`Callback` events, its :class:`History` and the network's notifications, and steers
it with :meth:`Trainer.pause`, :meth:`Trainer.resume`, :meth:`Trainer.step`,
:meth:`Trainer.stop` and :meth:`Trainer.wait_paused` (one
:class:`~nnwidgets.loop_control.LoopControl`, acting between mini-batches) and by assigning the
live settings (:meth:`Trainer.live_settings`), all safe to call from any thread, a callback on
the training thread included.
"""

from __future__ import annotations

import inspect
import math
import numbers
import operator
import os
import threading
import time
from array import array

import numpy as np

from . import _checks
from ._blas import blas_threads, product_adder
from ._checks import raw_pixel_top  # noqa: F401  (the dashboard imports it from here)
from .loop_control import LoopControl
from .momentum import Velocity
from .network import Network, aligned_copy, aligned_zeros

__all__ = [
    "Callback",
    "History",
    "LiveNumber",
    "Trainer",
    "TrainingDiverged",
    "SCHEDULES",
    "OPTIONS",
    "auto_threads",
]

SCHEDULES = ("constant", "step", "cosine")


class TrainingDiverged(FloatingPointError):
    """Training blew up (a NaN or infinite loss or update, or a collapse to guessing).

    The network keeps finite weights: those from before the failing step, or from before the
    collapse; the history says what happened until then.
    """


class Callback:
    """Hooks into training. Override what you need; ``trainer.network`` is the network.

    ``logs`` is a dict: per batch ``loss``, ``accuracy``, ``learning_rate``; per epoch the same
    means plus ``val_loss`` and ``val_accuracy`` when there is validation data, and
    ``train_loss`` and ``train_accuracy`` with ``monitor_train``. Accuracies are NaN for
    regression (see :attr:`History.batch_accuracy`).

    A callback may steer the trainer from any hook (``trainer.pause()``, ``step``, ``stop``,
    assigning a live setting): they act at the next boundary between mini-batches.
    """

    #: Whether the hooks run the reader's code, under the reader's numpy error settings (the
    #: loop's own ignore overflow). The package's own callbacks that do no arithmetic (the
    #: dashboard's recorder) say False: switching the settings around every mini-batch's call
    #: cost a fast run 7% of its time.
    runs_reader_code = True
    #: Whether ``on_batch_end`` reads the mini-batch's loss and accuracy (``logs``, or the
    #: history) when it is called. A callback that says False is called with ``logs`` None, and
    #: the loop may then record several mini-batches at once (faster: see ``_LaterRecords``);
    #: it calls ``trainer.flush_records()`` first if it must read the history after all.
    reads_batch_logs = True
    #: Whether the loop calls ``on_batch_end`` now. None: whenever the class has an
    #: ``on_batch_end`` of its own. A callback with work between mini-batches only some of the
    #: time (the dashboard's recorder: while a change or a step waits, or runs take turns) makes
    #: this a property and calls ``trainer.listen_again()`` when its answer changes; a call
    #: per mini-batch costs a small network's loop a few per cent. Such a callback must not read
    #: the mini-batches' logs (``reads_batch_logs`` False).
    hears_batches = None

    def on_train_begin(self, trainer):
        pass

    def on_epoch_begin(self, trainer, epoch):
        pass

    def on_batch_end(self, trainer, batch, logs):
        pass

    def on_epoch_end(self, trainer, epoch, logs):
        pass

    def on_train_end(self, trainer):
        pass


class History:
    """What training recorded: per mini-batch and per epoch.

    Attributes
    ----------
    batch_loss, batch_accuracy : array.array of float
        Each mini-batch's mean cost (with the regularisation term) and accuracy: list-like
        arrays of doubles, 8 bytes a value where a list of floats takes 32, since a long run
        has millions of mini-batches (``list(h.batch_loss)`` for a list). Accuracy follows
        :meth:`Network.classes <nnwidgets.network.Network.classes>`; a network with one output
        that is not a sigmoid does regression, which has no accuracy: every accuracy here (and
        in the callbacks' logs) is NaN for it, and early stopping watches the validation loss.
        While a run without callbacks trains, they may be written a few mini-batches at a time
        (before each notification, at the latest every 2,048 examples, and always before the
        loop pauses or ends).
    epoch_loss, epoch_accuracy, val_loss, val_accuracy, learning_rate, epoch_time : list
        One entry per completed epoch (val_* only with validation data). ``epoch_loss`` and
        ``epoch_accuracy`` are means over the epoch's mini-batches, taken while the weights
        moved and with dropout on: not the network's loss on the training set.
    train_loss, train_accuracy : list
        With ``Trainer(monitor_train=n)``: the mean cost (no regularisation term, like
        ``val_loss``) and the accuracy on the monitored training examples at each epoch's end,
        dropout off, so a fair train/validation gap. Empty without it.
    status : str
        "pending" (not trained yet), "running", "completed", "stopped" (by request or a
        callback), "early_stopped", "diverged", or "failed" (an exception, from a callback or a
        schedule, ended it).
    message : str
        Why training ended, in words.
    restored_epoch : int or None
        With ``early_stopping``: the epoch (counted from 1) whose weights were restored when
        training stopped early; None otherwise.
    """

    def __init__(self):
        self.batch_loss, self.batch_accuracy = array("d"), array("d")
        self.epoch_loss, self.epoch_accuracy = [], []
        self.val_loss, self.val_accuracy = [], []
        self.train_loss, self.train_accuracy = [], []
        self.learning_rate, self.epoch_time = [], []
        self.status = "pending"
        self.message = ""
        self.restored_epoch = None

    @property
    def epochs(self):
        """Number of completed epochs."""
        return len(self.epoch_loss)

    def to_dict(self):
        return {k: (list(v) if isinstance(v, (list, array)) else v) for k, v in vars(self).items()}

    def __repr__(self):
        last = f", val_accuracy={self.val_accuracy[-1]:.4f}" if self.val_accuracy else ""
        return f"<History {self.epochs} epochs, status={self.status!r}{last}>"


class LiveNumber:
    """A numeric setting that may be changed while training runs, checked on every assignment.

    The loop reads it once per mini-batch, so a bad value (NaN, a string) is refused in the
    thread that assigns it instead of surfacing later inside the loop. Its range is public
    (``low``, ``high``, ``low_open``, ``high_open``, :meth:`check`) so that a dashboard checks
    a value by this rule instead of keeping a copy: see :meth:`Trainer.live_settings`.
    """

    def __init__(self, low, high, *, low_open=False, high_open=False):
        self.low, self.high = low, high
        self.low_open, self.high_open = low_open, high_open

    def __set_name__(self, owner, name):
        self.name = name

    # No __get__: a descriptor with __set__ alone checks every assignment, and reading the
    # attribute finds the value in the instance's __dict__, as fast as a plain attribute (the
    # loop reads five of them every mini-batch); on the class it is the LiveNumber itself.

    def __set__(self, obj, value):
        obj.__dict__[self.name] = self.check_for(obj, value)

    def check_for(self, trainer, value):
        """:meth:`check`, for this trainer's network (the same rule here; see
        :class:`LiveRates`)."""
        return self.check(value)

    def check(self, value, *, name=None):
        """``value`` as a float in range; ValueError/TypeError naming the setting if not."""
        return _checks.check_range(
            value,
            name or self.name,
            self.low,
            self.high,
            low_open=self.low_open,
            high_open=self.high_open,
        )

    def __repr__(self):
        bounds = _checks.describe_range(self.low, self.high, self.low_open, self.high_open)
        return f"<LiveNumber {self.name}: {bounds}>"


class LiveRates(LiveNumber):
    """A :class:`LiveNumber` that may also be one value per hidden layer (dropout): a number
    for every hidden layer, or a list of numbers, each in range, kept as a tuple.

    :meth:`check` checks the numbers; :meth:`check_for` also that a list has one per hidden
    layer of the trainer's network, and asks that network whether it can train so (a book
    network's backprop has no dropout), at the start or mid-run.
    """

    def check(self, value):
        if isinstance(value, (list, tuple, np.ndarray)):
            if np.ndim(value) != 1 or len(value) == 0:
                raise ValueError(
                    f"{self.name} must be a number, or a list with one number per hidden "
                    f"layer; got {_checks._shorten(value)}"
                )
            return tuple(
                LiveNumber.check(self, r, name=f"{self.name}[{i}]") for i, r in enumerate(value)
            )
        return super().check(value)

    def check_for(self, trainer, value):
        value = self.check(value)
        network = trainer.network
        if isinstance(value, tuple):
            hidden = len(network.sizes) - 2
            if len(value) != hidden:
                raise ValueError(
                    f"{self.name} must be one number for every hidden layer or a list of "
                    f"{hidden} (one per hidden layer of sizes {list(network.sizes)}); got "
                    f"{len(value)}: {list(value)}"
                )
        getattr(network, "check_trainable", lambda **_: None)(**{self.name: value})
        return value


class EndTraining(Exception):
    """Ends the loop with a :class:`History` status and message: the loop's one exit path.

    Raised by the loop itself (completed, stopped, early stopped, diverged) and by the built-in
    collapse watch; caught in one place, which records it.
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


#: An update of smaller norm has finite entries, and so does its sum of squares, in float32
#: too: the exact check would pass it (see Trainer._update_is_small).
_SMALL_UPDATE = 1e15


class _Blowup(Exception):
    """A step that would leave non-finite weights; the loop reports it as divergence."""


class _LaterRecords:
    """Mini-batches whose loss and accuracy are recorded later, several at once.

    A mini-batch's mean cost and accuracy take about ten NumPy calls on tiny arrays, a sixth of
    the time of a whole step at mini-batch 10; on many mini-batches at once the same calls cost
    next to nothing. So where nothing reads them at each step (see
    ``Trainer._may_record_later``) the loop keeps each mini-batch's outputs in their rows of an
    epoch-long array, in the epoch's order like its targets, and :meth:`record` writes the
    history (and feeds the collapse watch) before anything could read it: before each
    notification, before the loop parks or stops, before a step recorded at once, and when the
    epoch ends however it ends. Each loss is the mean of the examples' costs (``cost.fn``): the
    number ``cost.mean`` gives, to float rounding.
    """

    def __init__(self, trainer, Y, labels):
        self.trainer, self.Y, self.labels = trainer, Y, labels
        self.outputs = trainer._outputs
        self.batches, self.starts, self.stop = [], [], 0

    #: Recorded at the latest when this many examples wait: the arrays of one record stay in
    #: the cache (20,000 examples at once took twice as long an example).
    ROWS = 2048

    def add(self, batch, start, a):
        """Keep mini-batch ``batch`` (rows ``start`` on, outputs ``a``) for :meth:`record`."""
        self.stop = start + len(a)
        self.outputs[start : self.stop] = a
        self.batches.append(batch)
        self.starts.append(start)
        if self.stop - self.starts[0] >= self.ROWS:
            self.record()

    def record(self):
        """Append the kept mini-batches' losses and accuracies to the history."""
        if not self.batches:
            return
        trainer, history = self.trainer, self.trainer.history
        net, start, stop = trainer.network, self.starts[0], self.stop
        offsets = np.array(self.starts) - start
        sizes = np.diff(offsets, append=stop - start)
        a, labels = self.outputs[start:stop], self.labels[start:stop]
        costs = net.cost_function.fn(a, self.Y[start:stop])
        losses = np.add.reduceat(costs, offsets, dtype=np.float64) / sizes
        predicted = net.classes(a)
        correct = np.add.reduceat(predicted == labels, offsets, dtype=np.intp)
        history.batch_loss.extend(losses.tolist())
        history.batch_accuracy.extend((correct / sizes).tolist())
        trainer.batch_predictions = predicted[offsets[-1] :]
        trainer._watch.on_batches_end(trainer, self.batches[0], sizes, predicted, correct)
        self.batches.clear()
        self.starts.clear()


class Trainer:
    """Trains a network on ``(X, y)`` by mini-batch stochastic gradient descent.

    Parameters
    ----------
    network : Network
    X : array (n, n_in); y : labels (n,) or targets (n, n_out)
        With one output neuron, ``y`` holds its desired outputs, (n,) or (n, 1): 0 and 1 for
        a yes/no (sigmoid) network, any numbers for regression.
    epochs, batch_size : int
    learning_rate : float
        The step size (the book's eta) at the start of training.
    momentum : float in [0, 1)
        Velocity kept from the previous step: ``v = momentum * v - eta * grad; w += v``.
    l2, l1 : float
        The book's regularisation parameter lambda: the cost gains ``(l2 / 2n) sum w^2`` and
        ``(l1 / n) sum |w|``, where n is the size of the training set (weights only, not biases).
    dropout : float in [0, 1), or a list of them
        Probability of dropping each hidden neuron during training: one for every hidden
        layer, or a list with one per hidden layer (``[0.2, 0.5]`` for two), kept as a tuple.
    schedule : {"constant", "step", "cosine"} or callable
        How the learning rate changes: "step" multiplies it by ``step_gamma`` every ``step_size``
        epochs; "cosine" anneals it to zero along half a cosine; a callable gets the training
        progress in epochs (a float) and returns a multiplier (finite, >= 0).
    validation : (X_val, y_val) or None
        Evaluated after every epoch.
    early_stopping : int or None
        Stop after this many epochs without a better validation accuracy (a lower validation
        loss, for regression), and restore the best weights. Needs ``validation``.
    monitor_train : int or None
        Evaluate the loss and accuracy on this many training examples at each epoch's end, with
        dropout off, into ``history.train_loss`` and ``history.train_accuracy`` (and the epoch
        logs). The examples are a fixed sample (:attr:`monitor_indices`), drawn once, here, with
        the network's generator (so the draw shifts the later shuffles), or the whole set in
        order when n is its size; untransformed. At most ``len(X)``.
    callbacks : list of Callback, a Callback, or None
    shuffle : bool
        Reshuffle the training set each epoch (with the network's own random generator).
    transform : callable or None
        ``transform(X, rng) -> X`` applied to the whole training set at the start of every
        epoch: data augmentation (see :func:`nnwidgets.datasets.augment.augment`).
    threads : int or None
        BLAS threads while training. None picks one thread for small layers, where the thread
        pool's start-up costs more than it saves (see ``bench/train_speed.py``), else all cores.
    notify_interval : float
        Seconds between the network's change notifications during an epoch (checked after each
        mini-batch; 0 means after every one). The end of each epoch and of training always
        notify.

    ``learning_rate``, ``momentum``, ``l2``, ``l1``, ``dropout`` and ``notify_interval`` may be
    assigned while training runs, from any thread; each assignment is checked like the
    argument (:meth:`live_settings` gives their ranges). :meth:`pause`, :meth:`resume`,
    :meth:`step` and :meth:`stop` act at the next boundary between mini-batches, from any
    thread or a callback. A Trainer runs once; make a new one to train again.

    Attributes
    ----------
    history : History
    epoch : int
        Epochs completed.
    labels : array (n,) of int or None
        The class of each training example (:meth:`Network.classes
        <nnwidgets.network.Network.classes>` of the targets); None for regression.
    batch_predictions : array of int or None
        The classes the network gave the last mini-batch, for callbacks (the built-in
        collapse watch reads it); None for regression.
    control : LoopControl
        The pause, step and stop state the steering methods act on.
    monitor_indices : array of int or None
        The training examples ``monitor_train`` evaluates (sorted); None without it.
    """

    learning_rate = LiveNumber(0, math.inf, low_open=True)
    momentum = LiveNumber(0, 1, high_open=True)
    l2 = LiveNumber(0, math.inf)
    l1 = LiveNumber(0, math.inf)
    dropout = LiveRates(0, 1, high_open=True)
    notify_interval = LiveNumber(0, math.inf)

    @classmethod
    def live_settings(cls):
        """The settings that may change while training runs: {name: :class:`LiveNumber`}.

        Each has its range (``low``, ``high``, ``low_open``, ``high_open``) and
        ``check(value)``, the rule every assignment goes through.
        """
        return {name: value for name, value in vars(cls).items() if isinstance(value, LiveNumber)}

    def __init__(
        self,
        network,
        X,
        y,
        *,
        epochs=10,
        batch_size=64,
        learning_rate=0.1,
        momentum=0.0,
        l2=0.0,
        l1=0.0,
        dropout=0.0,
        schedule="constant",
        step_size=10,
        step_gamma=0.5,
        validation=None,
        early_stopping=None,
        callbacks=(),
        shuffle=True,
        transform=None,
        threads=None,
        notify_interval=0.1,
        monitor_train=None,
    ):
        self.network = net = network
        self.X = net.check_inputs(X)
        self.Y = net.targets(y, len(self.X))
        # The class of each example, by the network's one rule; None for regression (one
        # output that is not a sigmoid), which has no accuracy.
        self.labels = net.classes(self.Y) if net.has_accuracy else None
        self.batch_predictions = None
        self.epochs = _checks.positive_int(epochs, "epochs")
        self.batch_size = _checks.positive_int(batch_size, "batch_size")
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.l2 = l2
        self.l1 = l1
        # A network that cannot train this way (a book network without backprop) says so now.
        getattr(net, "check_trainable", lambda **_: None)()
        self.dropout = dropout
        if not callable(schedule) and schedule not in SCHEDULES:
            raise ValueError(
                f"schedule must be one of {', '.join(map(repr, SCHEDULES))} or a "
                f"function of the epoch; got {schedule!r}"
            )
        self.schedule = schedule
        self.step_size = _checks.positive_int(step_size, "step_size")
        self.step_gamma = _checks.check_range(step_gamma, "step_gamma", 0, 1, low_open=True)
        self.validation = None
        if validation is not None:
            try:
                X_val, y_val = validation
            except (TypeError, ValueError):
                raise ValueError("validation must be a pair (X_val, y_val)") from None
            X_val = net.check_inputs(X_val, name="X_val")
            self.validation = (X_val, net.targets(y_val, len(X_val), name="y_val"))
        if early_stopping is not None:
            early_stopping = _checks.positive_int(early_stopping, "early_stopping")
            if self.validation is None:
                raise ValueError(
                    "early_stopping needs validation data: pass validation=(X_val, y_val)"
                )
        self.early_stopping = early_stopping
        self.monitor_train, self.monitor_indices = self._monitor_sample(monitor_train)
        self.callbacks = callback_list(callbacks)
        self.shuffle = bool(shuffle)
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be a function (X, rng) -> X; got {transform!r}")
        self.transform = transform
        self.threads = _checks.positive_int(threads, "threads", allow_none=True)
        _checks.warn_if_more_threads_than_cores(self.threads)
        self.notify_interval = notify_interval
        _checks.warn_if_raw_pixels(self.X)
        self.history = History()
        self.epoch = 0  # epochs completed
        # (epoch from 0, mini-batches done in it) while training: one tuple, so that another
        # thread (the dashboard's progress line) reads both halves of the same moment.
        self.position = (0, 0)
        self.validation_outputs = None  # net.forward(X_val) at the latest epoch's end
        self._ran = False
        self._began = False  # set once every callback's on_train_begin has run
        self._callbacks = []  # while running: the built-in collapse watch, then callbacks
        self._batch_callbacks = []  # while running: those that hear each mini-batch now
        self._listeners_lock = threading.Lock()  # listen_again from any thread
        self._later = None  # while an epoch runs: its _LaterRecords, if it records later
        self.control = LoopControl()

    def _monitor_sample(self, n):
        """``(n, indices)`` of the training examples ``monitor_train`` evaluates."""
        if n is None:
            return None, None
        total = len(self.X)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 < n <= total:
            raise ValueError(
                f"monitor_train must be a number of training examples from 1 to "
                f"{total} (the training set's size), or None; got {n!r}"
            )
        n = int(n)
        if n == total:
            return n, np.arange(total)
        return n, np.sort(self.network.rng.choice(total, size=n, replace=False))

    # -- steering, from any thread (a callback on the training thread included) ----------------
    def pause(self):
        """Hold training at the next boundary between mini-batches until :meth:`resume`,
        :meth:`step` or :meth:`stop`. The current mini-batch still finishes."""
        self.control.pause()

    def resume(self):
        """Train freely again after :meth:`pause` (or a :meth:`step`)."""
        self.control.resume()

    def step(self, n=1):
        """Run ``n`` more mini-batches, then pause: while paused, exactly ``n`` run and the loop
        parks again; while training, it pauses after ``n`` more."""
        self.control.step(n)

    def stop(self):
        """End training at the next boundary between mini-batches, with status "stopped".

        A paused run wakes and ends at once, without another mini-batch.
        """
        self.control.stop()

    def wait_paused(self, timeout=None):
        """Block until the loop is parked at a pause; False if ``timeout`` seconds pass first or
        training ends.

        After :meth:`pause` the current mini-batch still finishes; once this returns True no
        weight changes until :meth:`resume`, :meth:`step` or :meth:`stop`. Called on the
        training thread (from a callback) it returns False at once: the loop cannot park while
        it runs the callback.
        """
        return self.control.wait_paused(timeout)

    @property
    def paused(self):
        """True while a pause is in effect (during a :meth:`step` too: it parks again after)."""
        return self.control.paused

    @property
    def parked(self):
        """True while the loop is actually waiting at a pause."""
        return self.control.parked

    @property
    def stop_requested(self):
        """True once :meth:`stop` was called."""
        return self.control.stop_requested

    def current_learning_rate(self, progress):
        """The learning rate after ``progress`` epochs (a float), under the schedule."""
        if callable(self.schedule):
            factor = self._schedule_factor(progress)
        elif self.schedule == "step":
            factor = self.step_gamma ** int(progress // self.step_size)
        elif self.schedule == "cosine":
            factor = 0.5 * (1.0 + math.cos(math.pi * min(progress / self.epochs, 1.0)))
        else:
            factor = 1.0
        eta = self.learning_rate * factor
        if not math.isfinite(eta):
            raise ValueError(
                f"learning_rate {self.learning_rate:g} times the schedule's factor "
                f"{factor:g} at epoch {progress:g} is {eta}, not a finite number"
            )
        return eta

    def _schedule_factor(self, progress):
        name = getattr(self.schedule, "__name__", repr(self.schedule))
        try:
            value = self.schedule(progress)
        except Exception as exc:  # the reader's code: its traceback, and which call it was
            if hasattr(exc, "add_note"):  # Python 3.11 on
                exc.add_note(f"(raised by the schedule {name} at epoch {progress:g})")
            raise
        try:
            factor = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"schedule {name} must return a number; at epoch {progress:g} it returned {value!r}"
            ) from None
        if not (math.isfinite(factor) and factor >= 0):
            raise ValueError(
                f"schedule {name} must return a finite multiplier >= 0; at epoch "
                f"{progress:g} it returned {factor}"
            )
        return factor

    # -- the loop ------------------------------------------------------------------------------
    def run(self):
        """Train; returns the :class:`History` (also kept as ``network.history_``).

        Raises :class:`TrainingDiverged` if training blows up: the network then keeps the last
        finite weights (or, after a collapse, those from before it), and the history what
        happened until then. Raises RuntimeError if this trainer already ran or the network is
        already training elsewhere. An error before training begins (a callback's
        ``on_train_begin``) leaves ``network.history_`` as it was.
        """
        if self._ran:
            raise RuntimeError(
                f"this Trainer already ran (status {self.history.status!r}); "
                f"create a new Trainer (or call fit again) to train more"
            )
        net = self.network
        self.history.status = "running"
        with net.exclusive_training():
            self._ran = True
            previous = getattr(net, "history_", None)
            net.history_ = history = self.history
            threads = self.threads
            if threads is None:
                threads = auto_threads(net, self.batch_size)
            with blas_threads(threads):
                self.control.begin()
                try:
                    self._train()
                except EndTraining as end:
                    history.status, history.message = end.status, end.message
                except Exception as exc:
                    history.status = "failed"
                    history.message = f"stopped by an error: {type(exc).__name__}: {exc}"
                    if not self._began:
                        # Refused before training began (a callback's bad probe at
                        # on_train_begin): nothing ran, so the network keeps the history it had.
                        net.history_ = previous
                    raise
                finally:
                    if history.status == "running":  # KeyboardInterrupt and the like
                        history.status, history.message = "stopped", "interrupted"
                    self.control.end()
                    for cb in self._callbacks:
                        cb.on_train_end(self)
                    net.notify_changed()
        if history.status == "diverged":
            raise TrainingDiverged(history.message)
        return history

    def _train(self):
        """Every epoch, then "completed"; any other ending raises :class:`EndTraining`."""
        from .collapse import CollapseWatch

        self._watch = CollapseWatch()
        self._callbacks = [self._watch, *self.callbacks]  # the built-in one first
        # Those of the reader's callbacks that hear mini-batches (an on_batch_end of their own,
        # unless hears_batches says otherwise): the others (an epoch printer, a timer) cost the
        # loop nothing per mini-batch.
        self.listen_again()
        self._prepare_step()
        self._best = (-math.inf, None, 0)  # (validation score, parameters, epoch) to restore
        self._last_notified = time.perf_counter()
        for cb in self._callbacks:
            cb.on_train_begin(self)
        self._began = True  # an error from here on is the run's: its history says "failed"
        for epoch in range(self.epochs):
            for cb in self._callbacks:
                cb.on_epoch_begin(self, epoch)
            started, first_batch = time.perf_counter(), len(self.history.batch_loss)
            self._epoch(epoch)
            self._end_epoch(epoch, started, first_batch)
        raise EndTraining("completed", f"completed {self.epochs} epochs")

    def _epoch(self, epoch):
        """One pass over the training set, one mini-batch at a time."""
        net, n = self.network, len(self.X)
        order = net.rng.permutation(n) if self.shuffle else np.arange(n)
        X = self.X if self.transform is None else self._transformed()
        # The targets and classes in this epoch's order, once (small arrays): each mini-batch's
        # are then contiguous slices, where gathering scattered rows misses the cache each time.
        Y, labels = self.Y.take(order, 0), None if self.labels is None else self.labels[order]
        # And the sum of each mini-batch's inputs' squared norms, for the bound on the update
        # (see _step_bound): the inputs' squared norms kept for the run (they change only with
        # a transform), summed in this epoch's mini-batches at once.
        x_square = None
        if self._bound_is_cheaper:
            if self._x_square is None or self.transform is not None:
                self._x_square = np.einsum("ij,ij->i", X, X)
            x_square = np.add.reduceat(self._x_square[order], np.arange(0, n, self.batch_size))
            x_square = x_square.tolist()
        gather = self._work.gather_inputs if self._work is not None else None
        later = _LaterRecords(self, Y, labels) if self._may_record_later else None
        self._later = later
        control = self.control
        constant = not callable(self.schedule) and self.schedule == "constant"
        # Overflow in a step is detected and reported as divergence, in words; numpy's own
        # warnings would only repeat it less clearly. So they are off for the whole loop, once,
        # except around the reader's code it calls (callbacks, subscribers, a schedule), which
        # runs under the reader's settings.
        reader = np.geterr()
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for batch, start in enumerate(range(0, n, self.batch_size)):
                    if later and (control.paused or control.stop_requested):
                        later.record()  # the history complete before the loop parks or stops
                    if control.checkpoint():  # parks here while paused
                        raise EndTraining(
                            "stopped",
                            f"stopped on request during epoch {epoch + 1}, after {batch} "
                            f"mini-batches",
                        )
                    stop = start + self.batch_size
                    idx = order[start:stop]
                    if constant:  # current_learning_rate's value, without its call
                        eta = self.learning_rate
                    elif callable(self.schedule):
                        with np.errstate(**reader):
                            eta = self.current_learning_rate(epoch + start / n)
                    else:
                        eta = self.current_learning_rate(epoch + start / n)
                    try:
                        x = X[idx] if gather is None else gather(X, idx)
                        loss, outputs = self._step(
                            x,
                            Y[start:stop],
                            eta,
                            None if x_square is None else x_square[batch],
                            later is not None,
                        )
                    except _Blowup as exc:
                        raise EndTraining(
                            "diverged",
                            (
                                f"training diverged: {exc} in epoch {epoch + 1}, "
                                f"mini-batch {batch + 1}, at learning_rate={eta:g}. The "
                                f"network keeps the weights from before that step; try a "
                                f"smaller learning rate."
                            ),
                        ) from None
                    self.position = (epoch, batch + 1)  # before callbacks that may wait
                    if loss is None:  # proven finite, and nothing reads it now: recorded later
                        later.add(batch, start, outputs)
                        if self._batch_callbacks:
                            self._tell_callbacks(batch, None, reader)
                    else:
                        if later:
                            later.record()  # those before it first
                        classes = None if labels is None else labels[start:stop]
                        self._record(batch, loss, outputs, classes, eta, reader)
                    # Subscribers see the weights move during long epochs, a few times a
                    # second; perf_counter is cheap next to a mini-batch.
                    if time.perf_counter() - self._last_notified >= self.notify_interval:
                        if later:
                            later.record()
                        with np.errstate(**reader):
                            net.notify_changed()
                        self._last_notified = time.perf_counter()
        finally:
            if later:
                later.record()  # the epoch's end, or a stop, a divergence, an error
            self._later = None

    def listen_again(self):
        """Ask every callback again whether it hears each mini-batch
        (:attr:`Callback.hears_batches`). Any thread; the loop calls the new set from its next
        mini-batch."""
        with self._listeners_lock:  # the last to ask writes the answer of the latest state
            self._batch_callbacks = [cb for cb in self.callbacks if _hears_batches(cb)]

    def flush_records(self):
        """Record now the mini-batches whose loss and accuracy wait to be recorded together
        (see :attr:`Callback.reads_batch_logs`): the history is then complete. Called on the
        training thread, from a callback."""
        if self._later:
            self._later.record()

    def _record(self, batch, loss, outputs, classes, eta, reader):
        """A mini-batch's loss and accuracy into the history and to the callbacks, at once;
        the reader's callbacks run under the reader's numpy error settings ``reader``."""
        history = self.history
        accuracy = self._batch_accuracy(outputs, classes)
        history.batch_loss.append(loss)
        history.batch_accuracy.append(accuracy)
        logs = {"loss": loss, "accuracy": accuracy, "learning_rate": eta}
        self._watch.on_batch_end(self, batch, logs)  # the built-in one first
        self._tell_callbacks(batch, logs, reader)

    def _tell_callbacks(self, batch, logs, reader):
        """The callbacks' ``on_batch_end`` (the collapse watch's aside), the reader's code
        under the reader's numpy error settings ``reader``."""
        for cb in self._batch_callbacks:
            if cb.runs_reader_code:
                with np.errstate(**reader):
                    cb.on_batch_end(self, batch, logs)
            else:
                cb.on_batch_end(self, batch, logs)

    def _step(self, X, Y, eta, x_square=None, later=False):
        """One mini-batch: gradients, then the update. Returns (loss, output activations).

        Every step is checked before any weight changes, so a blow-up (a NaN loss, or a step
        that overflows, as a learning rate of 1e300 makes) leaves the last finite weights in
        place and raises :class:`_Blowup`. ``x_square`` is the sum of the squared norms of the
        rows of ``X`` (for :meth:`_step_bound`), or None. With ``later``, a loss that the bound
        proves finite is not computed: the loss returned is None (see :class:`_LaterRecords`).
        Runs with numpy's overflow and invalid-value warnings off (see :meth:`_epoch`).
        """
        net, n = self.network, len(self.X)
        l2, l1, mu = self.l2, self.l1, self.momentum  # one read each: others may assign
        dropout = self.dropout
        weights, biases = net.weights, net.biases
        # The step of the network's own backprop without regularisation or dropout goes
        # straight into the weights (plain SGD), or into the velocity (momentum), inside gemm,
        # once a bound proves it finite.
        direct = self._add_product is not None and not (l2 or l1 or dropout)
        if direct:
            # The forward pass, BP1 and BP2, each example's error as it is (the step is
            # -eta/m times its products); then the bound. Every error finite means finite
            # outputs, and for those _may_record_later admits, a finite loss.
            deltas, inputs, a = net._errors(X, Y, out=self._work, scale=None)
            factor = eta / len(X)
            bound = self._step_bound(inputs, x_square, mu, factor)
            loss = None if later and bound is not None else self._loss(a, Y, 0.0, 0.0)
            if bound is not None:
                self._update_bound = bound
                # BP4 and BP3 made inside gemm, times -eta/m (its alpha), for the step
                # -eta * grad: no step is written out and added in a second pass.
                self._alpha.value = -factor
                velocity = self._velocity
                if not mu:
                    velocity.forget()  # momentum is off for this step
                    for add in self._gemm_updates(deltas, inputs):
                        add()  # w += -eta * grad
                    return loss, a
                self._keep.value = velocity.keeps(mu)
                for add in self._gemm_updates(deltas, inputs, into_velocity=True):
                    add()  # v = mu * v - eta * grad
                velocity.made(mu)
                for p, v_p in zip(weights + biases, velocity.views):
                    p += v_p  # w += v
                return loss, a
            errors = self._work.all_errors(len(X))
            errors *= -factor  # the errors as backprop(scale=-eta) gives them
            net._gradients(deltas, inputs, self._work)  # -eta * grad into self._step_flat
        else:
            a = self._plain_step(X, Y, eta, dropout)  # -eta * grad into self._step_flat
            loss = self._loss(a, Y, l2, l1)
        for w, step_w in zip(weights, self._step_views):
            if l2:
                step_w -= (eta * l2 / n) * w  # weight decay: d/dw of (l2/2n) w^2
            if l1:
                step_w -= (eta * l1 / n) * np.sign(w)  # d/dw of (l1/n) |w|
        v = self._velocity.update(self._step_flat, mu)  # v = mu * v - eta * grad
        # A sum of squares is finite only if every entry is: one call checks the whole
        # update, unless a bound from the small arrays it came from already proves it is.
        # Finite steps on finite weights cannot overflow: both are far below the largest
        # float.
        bound = None
        if self._bound_is_cheaper and not (direct or l2 or l1 or dropout):
            activations = self._work.rows(len(X))[1]
            bound = self._step_bound((X, *activations[:-1]), x_square, mu, 1.0)
        if bound is None:
            square = float(np.dot(v, v))
            if not math.isfinite(square):
                raise _Blowup(f"the update to {self._first_non_finite(v)} became NaN or infinite")
            bound = math.sqrt(square)
        self._update_bound = bound
        views = self._velocity.views if v is self._velocity.v else self._step_views
        for p, v_p in zip(weights + biases, views):
            p += v_p  # w += v
        return loss, a

    def _gemm_updates(self, deltas, inputs, into_velocity=False):
        """The gemm calls that add a mini-batch's step into the parameters: for each layer
        ``w += delta^T a`` (BP4), then ``b += delta^T 1`` (BP3: the sum of delta's rows, a
        column of ones as the product's left side; the same sums as ``np.add.reduce``'s, in half
        the time at mini-batch 64). ``into_velocity``: into the velocity instead, keeping
        ``self._keep`` of it, ``v_w = keep * v_w + delta^T a`` (and the biases' likewise).
        Every product is times ``self._alpha``, the step's ``-eta/m``.

        ``deltas`` and ``inputs`` are the workspace's arrays, the same every step for a
        mini-batch size, so the calls are made once per size, and again if any array changes
        (the network's parameters replaced by a restore or a load)."""
        net, velocity = self.network, self._velocity
        targets = velocity.views if into_velocity else (*net.weights, *net.biases)
        arrays = (*targets, *deltas, *inputs)
        key = (len(inputs[0]), into_velocity)
        held = self._updates.get(key)
        if held is not None and all(map(operator.is_, held[0], arrays)):
            return held[1]
        prepare, ones = self._add_product.prepare, np.ones((len(inputs[0]), 1), deltas[0].dtype)
        alpha, keep = self._alpha, self._keep if into_velocity else None
        L, calls = len(deltas), []
        for w, b, delta, a_in in zip(targets[:L], targets[L:], deltas, inputs):
            calls.append(prepare(delta, a_in, w, alpha=alpha, beta=keep))  # w += delta^T a
            calls.append(prepare(ones, delta, b.reshape(1, -1), alpha=alpha, beta=keep))  # BP3
        self._updates[key] = (arrays, calls)
        return calls

    def _loss(self, a, Y, l2, l1):
        """The mini-batch's mean cost with the regularisation terms; :class:`_Blowup` unless it
        is finite."""
        net, n = self.network, len(self.X)
        loss = net.cost_function.mean(a, Y)
        if l2:
            loss += 0.5 * l2 / n * sum(float(np.vdot(w, w)) for w in net.weights)
        if l1:
            loss += l1 / n * sum(float(np.abs(w).sum()) for w in net.weights)
        if not math.isfinite(loss):
            raise _Blowup(f"the loss became {loss}")
        return loss

    def _plain_step(self, X, Y, eta, dropout):
        """Write ``-eta * grad`` for this mini-batch into ``self._step_flat``; return the output
        activations.

        The network's own backprop writes it there directly (its workspace holds the gradient
        flat, and ``scale=-eta`` scales the small output error instead of every weight); a
        backprop of another kind (the reader's book network) returns lists, copied in once.
        """
        net = self.network
        if self._work is not None:
            return net.backprop(X, Y, dropout=dropout, rng=net.rng, out=self._work, scale=-eta)[2]
        nabla_b, nabla_w, a = net.backprop(X, Y, dropout=dropout, rng=net.rng)
        for view, g in zip(self._step_views, nabla_w + nabla_b):
            np.multiply(g, -eta, out=view)
        return a

    def _step_bound(self, inputs, x_square, mu, factor):
        """A bound on the update's norm when it proves the update below 1e15, hence finite
        (no check of its 80,000 entries is needed then); else None.

        By BP4 a layer's step is ``factor`` times ``delta^T a`` (``factor`` is eta/m where
        the errors in the workspace are each example's own, 1 where they are already scaled),
        at most ``factor |delta| |a|`` in Frobenius norm, and its biases' at most
        ``factor sqrt(m) |delta|``; so the whole step is at most ``factor`` times
        ``sqrt(sum |delta|^2 * sum (|a|^2 + m))`` (every layer's errors lie in one array, whose
        squares one call sums). Momentum's ``v = mu v + step`` is at most ``mu`` times the last
        bound plus this one. ``inputs`` are the layer inputs the step is made of, and
        ``x_square`` the sum of the inputs' squared norms (the first layer's ``|a|^2``), so the
        largest array, the mini-batch of inputs, is not read again. NaN or infinity anywhere
        makes the bound so, and None comes back. Only for the network's own backprop without
        regularisation (its terms are not bounded here) or dropout (the layers receive masked
        activations, which are not kept).

        A hidden layer's ``|a|^2`` is at most ``a.size`` when its activation's values lie in
        [-1, 1] (sigmoid, tanh), and taken so. The errors then catch a NaN among them:
        ``f'(z)`` is ``a (1 - a)`` or ``1 - a^2`` there, so the row's error is NaN too.
        """
        m = len(inputs[0])
        errors = self._work.all_errors(m)
        largest = self.network.activation_function.largest
        a_square = x_square + len(inputs) * m
        for a in inputs[1:]:
            a_square += float(np.vdot(a, a)) if largest is None else a.size * largest * largest
        bound = factor * math.sqrt(float(np.vdot(errors, errors)) * a_square)
        if mu:
            bound += mu * self._update_bound
        return bound if bound < _SMALL_UPDATE else None  # NaN is not < either

    def _prepare_step(self):
        """The run's buffers: the flat step (the workspace's gradient when the network's own
        backprop can write into it) and the velocity; whether the update's bound is cheaper
        than checking every entry, and whether the plain step may go straight into the
        weights."""
        net = self.network
        params = net.weights + net.biases
        shapes = [p.shape for p in params]
        dtype = np.result_type(*params)
        self._work = None
        if "out" in inspect.signature(net.backprop).parameters:
            self._work = net.workspace(self.batch_size)
            self._step_flat = self._work.gradient
            self._step_views = self._work.nabla_w + self._work.nabla_b
        else:
            self._step_flat = aligned_zeros(sum(p.size for p in params), dtype)
            self._step_views, start = [], 0
            for p in params:
                self._step_views.append(self._step_flat[start : start + p.size].reshape(p.shape))
                start += p.size
        self._velocity = Velocity(shapes, dtype)
        self._update_bound = 0.0  # the norm of the velocity is at most this
        # The bound reads the errors and activations the package's own backprop writes into
        # the workspace; a subclass's backprop may write them otherwise, or not at all. It
        # reads the hidden layers' activations and every layer's errors (the inputs' squared
        # norms are kept per epoch): worth it where those are much smaller than the update.
        own = (
            self._work is not None
            and type(net).backprop is Network.backprop
            and type(net)._errors is Network._errors
        )
        sizes = net.sizes
        read = self.batch_size * (sum(sizes[1:-1]) + sum(sizes[1:]))
        self._bound_is_cheaper = own and 4 * read < len(self._step_flat)
        self._x_square = None  # each training input's squared norm, when the bound is used
        # BLAS's gemm adds BP4's product into the weights (see _blas.product_adder).
        self._add_product = product_adder(dtype) if self._bound_is_cheaper else None
        self._updates = {}  # (mini-batch size, into the velocity) -> its gemm calls
        if self._add_product is not None:
            self._keep = self._add_product.scalar()  # the velocity's share kept (_gemm_updates)
            self._alpha = self._add_product.scalar()  # the step's -eta/m (_gemm_updates)
        # The losses and accuracies may wait, to be recorded several mini-batches at once
        # (_LaterRecords), where nothing reads them at each step (no callback that does:
        # Callback.reads_batch_logs) and a step proven finite proves its loss finite: outputs
        # in [0, 1] (the built-in sigmoid and softmax), a built-in cost and targets in [0, 1].
        output, cost = net.output_function, net.cost_function
        self._may_record_later = bool(
            self._add_product is not None
            and not any(cb.reads_batch_logs for cb in self.callbacks if _has_batch_end(cb))
            and self.labels is not None
            and not output.custom
            and output.name in ("sigmoid", "softmax")
            and not cost.custom
            and self.Y.min() >= 0
            and self.Y.max() <= 1
        )
        if self._may_record_later:
            self._outputs = np.empty(self.Y.shape, dtype)  # an epoch's outputs, in its order

    def _first_non_finite(self, v):
        """The name (W0, b1, ...) of the first parameter whose update is not finite (the
        largest one when only their total overflowed)."""
        views = self._velocity.views if v is self._velocity.v else self._step_views
        L = len(self.network.weights)
        squares = [float(np.dot(x.reshape(-1), x.reshape(-1))) for x in views]
        bad = next(
            (i for i, sq in enumerate(squares) if not math.isfinite(sq)), int(np.argmax(squares))
        )
        return f"W{bad}" if bad < L else f"b{bad - L}"

    def _batch_accuracy(self, outputs, labels):
        """The mini-batch's accuracy by the network's own rule (:meth:`Network.classes`), given
        its examples' classes; NaN for regression (``labels`` None). Keeps the predictions as
        :attr:`batch_predictions`."""
        if labels is None:
            self.batch_predictions = None
            return math.nan
        self.batch_predictions = predicted = self.network.classes(outputs)
        return float(np.count_nonzero(predicted == labels)) / len(labels)

    def _end_epoch(self, epoch, started, first_batch):
        """The epoch's end: its means, validation, the record, early stopping, a stop."""
        net, history = self.network, self.history
        losses = np.array(history.batch_loss[first_batch:])
        accuracies = np.array(history.batch_accuracy[first_batch:])
        logs = {
            "loss": float(losses.mean()),
            "accuracy": float(accuracies.mean()),
            "learning_rate": self.current_learning_rate(epoch),
        }
        if self.validation is not None:
            X_val, Y_val = self.validation
            a = net.forward(X_val)
            self.validation_outputs = a  # for callbacks (the dashboard's calibration): no 2nd pass
            logs["val_loss"] = float(net.cost_function.fn(a, Y_val).mean())
            logs["val_accuracy"] = (
                math.nan
                if self.labels is None
                else float((net.classes(a) == net.classes(Y_val)).mean())
            )
        if self.monitor_indices is not None:
            # forward() never drops neurons: the network as it is, a fair gap to validation.
            idx = self.monitor_indices
            a = net.forward(self.X[idx])
            logs["train_loss"] = float(net.cost_function.fn(a, self.Y[idx]).mean())
            logs["train_accuracy"] = (
                math.nan
                if self.labels is None
                else float((net.classes(a) == self.labels[idx]).mean())
            )
        self._watch.on_epoch_end(self, epoch, logs)  # may end the run before it is recorded
        history.epoch_loss.append(logs["loss"])
        history.epoch_accuracy.append(logs["accuracy"])
        history.learning_rate.append(logs["learning_rate"])
        if self.validation is not None:
            history.val_loss.append(logs["val_loss"])
            history.val_accuracy.append(logs["val_accuracy"])
        if self.monitor_indices is not None:
            history.train_loss.append(logs["train_loss"])
            history.train_accuracy.append(logs["train_accuracy"])
        history.epoch_time.append(time.perf_counter() - started)
        self.epoch = epoch + 1
        net.notify_changed()
        self._last_notified = time.perf_counter()
        for cb in self._callbacks[1:]:
            cb.on_epoch_end(self, epoch, logs)
        if self.early_stopping is not None:
            self._early_stopping(epoch, logs)
        if self.control.stop_requested:
            raise EndTraining("stopped", f"stopped on request after epoch {epoch + 1}")

    def _early_stopping(self, epoch, logs):
        """Remember the best weights; restore them and end after ``early_stopping`` epochs
        without a better validation accuracy (a lower validation loss, for regression)."""
        net = self.network
        regression = self.labels is None
        score = -logs["val_loss"] if regression else logs["val_accuracy"]
        if score > self._best[0]:
            self._best = (score, snapshot(net), epoch + 1)
        best_score, best_parameters, best_epoch = self._best
        if best_parameters is not None and epoch + 1 - best_epoch >= self.early_stopping:
            net.weights, net.biases = best_parameters
            self.history.restored_epoch = best_epoch
            what = "lower validation loss" if regression else "better validation accuracy"
            value = (
                f"val_loss={-best_score:.4g}" if regression else f"val_accuracy={best_score:.4f}"
            )
            raise EndTraining(
                "early_stopped",
                (
                    f"early stopping after epoch {epoch + 1}: no {what} for {self.early_stopping} "
                    f"epochs; restored the best weights (epoch {best_epoch}, {value})"
                ),
            )

    def _transformed(self):
        X = np.asarray(self.transform(self.X, self.network.rng), dtype=self.X.dtype)
        if X.shape != self.X.shape:
            raise ValueError(
                f"transform must return an array of shape {self.X.shape}; got {X.shape}"
            )
        return X


#: The Trainer's keyword arguments (what fit, SGD and a dashboard run pass on to it).
OPTIONS = tuple(
    name for name, p in inspect.signature(Trainer).parameters.items() if p.kind is p.KEYWORD_ONLY
)


def callback_list(callbacks):
    """``callbacks`` as a list of :class:`Callback`: None is none, one callback a list of one."""
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    if isinstance(callbacks, (str, bytes)) or not hasattr(callbacks, "__iter__"):
        raise TypeError(
            f"callbacks must be a list of Callback instances; got {type(callbacks).__name__}"
        )
    callbacks = list(callbacks)
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be Callback instances; got {type(cb).__name__}")
    return callbacks


def _hears_batches(callback):
    """Whether the loop calls ``callback.on_batch_end`` now: its :attr:`~Callback.hears_batches`,
    or when that is None, whether it has an ``on_batch_end`` of its own."""
    hears = callback.hears_batches
    return _has_batch_end(callback) if hears is None else bool(hears)


def _has_batch_end(callback):
    """False when ``callback``'s ``on_batch_end`` is :class:`Callback`'s own, which does
    nothing."""
    method = callback.on_batch_end
    return getattr(method, "__func__", None) is not Callback.on_batch_end


def snapshot(net):
    """Copies of the network's weights and biases, to restore later."""
    return [aligned_copy(w) for w in net.weights], [aligned_copy(b) for b in net.biases]


def auto_threads(net, batch_size, *, cores=None):
    """The BLAS threads ``Trainer`` uses when ``threads=None``: 1 for small products, else None
    (all). ``cores`` is the machine's core count (``os.cpu_count()`` by default).

    (The training dashboard asks too, to leave a core to the browser when training is small.)
    """
    # Below about a million multiply-adds per matrix product, waking the BLAS thread pool
    # costs as much as it saves (bench/train_speed.py), and a second thread spinning on a
    # busy 2-core machine (a notebook server, a browser) can make it several times slower.
    # With two cores or fewer the crossover is far higher: [784, 256, 10] at mini-batch 64
    # (13 million) reaches 98% in 5.2 s on one thread against 6.7 s on two on a quiet machine,
    # and 4 s against 22 s beside a browser (bench/time_to_accuracy.py).
    cores = (os.cpu_count() or 1) if cores is None else cores
    largest = max(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:]))
    limit = 100_000_000 if cores <= 2 else 1_000_000
    return 1 if largest * batch_size < limit else None
