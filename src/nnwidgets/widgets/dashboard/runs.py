"""The runs a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard` compares.

A run is one network, its data and its training settings, with the
:class:`~nnwidgets.training.Trainer` built for it at once, so every argument is checked (by the
Trainer itself, the one place that knows the rules) when the run is added rather than when it
starts; live settings are checked by the Trainer's own rules too (``Trainer.live_settings()``).
The curves of a run are kept in bounded buffers (:mod:`.series`), and its live changes in its
``changes``, which also say why it diverged when that is the cause
(:func:`explain_divergence`). Labels say what differs between runs: two runs that differ only
in the cost are "cost=quadratic" and "cost=cross_entropy".
"""

from __future__ import annotations

import functools
import math
import os
import threading

import numpy as np

from ..._checks import reject_unknown
from ...network import Network
from ...training import Trainer, auto_threads, callback_list, raw_pixel_top
from .._base import as_widget_network
from .._wire import array_to_json
from .series import DecimatingSeries

__all__ = [
    "Run",
    "TRAINING_SETTINGS",
    "LIVE_SETTINGS",
    "check_live_setting",
    "check_max_points",
    "differing_settings",
    "explain_divergence",
    "run_labels",
    "threads_beside_a_page",
]

#: Keyword arguments of a run that are passed to the Trainer as they are.
TRAINING_SETTINGS = (
    "epochs",
    "batch_size",
    "learning_rate",
    "momentum",
    "l2",
    "l1",
    "dropout",
    "schedule",
    "step_size",
    "step_gamma",
    "early_stopping",
    "shuffle",
    "transform",
    "threads",
    "callbacks",
    "monitor_train",
)

#: Settings the dashboard may change while a run trains (the page has an input for each): some
#: of ``Trainer.live_settings()``, whose ranges and checks are the Trainer's.
LIVE_SETTINGS = ("learning_rate", "momentum", "l2", "dropout")

#: Settings that name a run when they differ, in the order labels list them.
_LABEL_KEYS = (
    "sizes",
    "activation",
    "output",
    "cost",
    "init",
    "epochs",
    "batch_size",
    "learning_rate",
    "momentum",
    "l2",
    "l1",
    "dropout",
    "schedule",
    "transform",
    "early_stopping",
    "monitor_train",
    "n_train",
    "seed",
)

#: Settings a run keeps that never name it (they follow from the others, or do not matter).
_UNLABELLED = ("dtype", "step_size", "step_gamma", "shuffle")

BATCH_CHANNELS = ("loss", "accuracy")
#: Per epoch: the running means, validation, the learning rate, and the monitored training
#: loss and accuracy (``monitor_train``; NaN without it).
EPOCH_CHANNELS = (
    "loss",
    "accuracy",
    "val_loss",
    "val_accuracy",
    "learning_rate",
    "train_loss",
    "train_accuracy",
)
MAX_MARKS = 100  # setting changes marked on the curves, per run (the latest are kept)


def check_live_setting(name, value):
    """``value`` as a float if ``name`` may take it mid-run, by the Trainer's own rule
    (``Trainer.live_settings()[name].check``); ``ValueError`` naming both if not, whether a
    number out of range or not a number at all."""
    if name not in LIVE_SETTINGS:
        raise ValueError(
            f"only {', '.join(LIVE_SETTINGS)} can change while training; got {_shorten(name)}"
        )
    try:
        return Trainer.live_settings()[name].check(value)
    except (TypeError, ValueError) as exc:  # not a number too: a ValueError to the widget
        raise ValueError(_shorten_message(str(exc))) from None


def _shorten_message(text, limit=300):
    """A message quoting a value from the page, which may be arbitrarily long, cut short."""
    return text if len(text) <= limit else text[:limit] + "..."


def _shorten(value, limit=60):
    """``repr(value)``, cut short: a value from the page may be arbitrarily long."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


#: The most points a curve may keep: far more than a chart has pixels, and still a bounded
#: memory (a larger value would keep every mini-batch of any realistic run, undecimated).
MAX_POINTS_LIMIT = 100_000


def check_max_points(max_points):
    """``max_points`` if it is an even int from 2 to MAX_POINTS_LIMIT (buckets merge in pairs);
    ValueError if not."""
    if (
        isinstance(max_points, bool)
        or not isinstance(max_points, (int, np.integer))
        or max_points < 2
        or max_points % 2
        or max_points > MAX_POINTS_LIMIT
    ):
        raise ValueError(
            f"max_points must be an even integer >= 2 and <= {MAX_POINTS_LIMIT:,} "
            f"(points kept per curve); got {_shorten(max_points)}"
        )
    return int(max_points)


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_beside_a_page(network, batch_size, cores=None):
    """BLAS threads for a run the dashboard trains when ``threads`` is not given: the Trainer's
    own choice, but leaving one core to the page that draws the curves (and the kernel's other
    threads). On 2 cores the page takes about a third of a core; with both cores given to BLAS
    the training threads wait for each other, and throughput with a page open fell to 0.72 of
    a headless fit at batch size 32 against 0.82 with one thread (bench/dashboard_overhead.py).
    """
    cores = cores or _cores()
    if auto_threads(network, batch_size, cores=cores) == 1:
        return 1
    return max(1, cores - 1)


def explain_divergence(
    history, learning_rate, inputs=None, *, changes=(), network=None, targets=None
):
    """Why a run diverged, in words a reader can act on, from what the run's record shows.

    >>> class H: batch_loss = [2.31, 2.4, 5.0, 19.2]; message = "training diverged: ..."
    >>> explain_divergence(H, 100)[:60]
    'learning rate 100 is too high: the loss rose from 2.31 to 19.2'

    The causes, in the order they are looked for:

    - ``inputs`` (the training inputs) left at 0..255: unscaled pixels diverge at any sensible
      learning rate (the Trainer's own rule, :func:`~nnwidgets.training.raw_pixel_top`);
    - the reader's own ``backprop`` (``network`` wraps a book network) returning NaN or infinite
      gradients for the finite weights the network kept, on the first of ``inputs`` and
      ``targets``: the bug is there, whatever the learning rate;
    - the latest live change in ``changes`` (the run's own record) that made training bolder:
      a learning rate, momentum, L2 or dropout raised while it trained;
    - otherwise the learning rate: the loss rose from the first mini-batch's to the largest
      finite one after it, or the very first mini-batch blew up. When the loss did not rise
      (the network collapsed to one answer instead), the Trainer's own message says what
      happened.
    """
    detail = history.message or "training diverged"
    unscaled = 0.0 if inputs is None else raw_pixel_top(inputs)  # the Trainer's own rule
    if unscaled:
        return (
            f"the inputs go up to {unscaled:g}: scale them to 0..1 first (X / 255.0); "
            f"unscaled pixels saturate the neurons, and training fails whatever the "
            f"learning rate. ({detail})"
        )
    broken = _nonfinite_backprop(network, inputs, targets)
    if broken:
        return (
            f"{broken}: the network's weights were finite, so the NaN comes from that "
            f"backprop, not from the learning rate. Check it with nnwidgets.labs.check."
            f"backprop. ({detail})"
        )
    bolder = _latest_bolder_change(changes)
    if bolder is not None:
        return f"{bolder} ({detail})"
    losses = [v for v in history.batch_loss if math.isfinite(v)]
    lr = f"{learning_rate:g}"
    if len(losses) >= 2 and max(losses[1:]) > 1.05 * losses[0]:
        start, peak = losses[0], max(losses[1:])
        return (
            f"learning rate {lr} is too high: the loss rose from {start:.3g} to {peak:.3g}. "
            f"Training stopped; try a smaller learning rate, such as {learning_rate / 10:g}. "
            f"({detail})"
        )
    if not losses:
        return (
            f"learning rate {lr} is too high: the very first mini-batch made the loss or the "
            f"weights infinite. Training stopped; try a smaller learning rate, such as "
            f"{learning_rate / 10:g}. ({detail})"
        )
    return f"learning rate {lr} may be too high: {detail}"


#: What a live change that raised each setting does to training, when it was followed by a
#: divergence (formatted with the change's ``old`` and ``new``).
_BOLDER = {
    "learning_rate": "each step is {ratio:g} times as long as before; set it back to {old:g} "
    "or try {tenth:g}",
    "momentum": "momentum {new:g} keeps adding up every past step, so the steps grow instead "
    "of settling; set it back to {old:g} (0.9 is usual, 0.99 the most that helps)",
    "l2": "weight decay that strong overshoots: each step moves every weight by "
    "learning_rate * l2 / n times itself, past zero and back, further each time; set it "
    "back to {old:g} or try a value near 1 to 10 for 50,000 examples",
    "dropout": "dropout {new:g} drops nearly every hidden neuron and multiplies the survivors by "
    "1 / (1 - {new:g}) = {scale:g}; set it back to {old:g} (0.5 at most is usual)",
}


def _latest_bolder_change(changes):
    """The latest live change that raised a setting, described with what it does; or None."""
    for change in reversed(list(changes)):
        name, old, new = change["name"], change["old"], change["new"]
        old, new = float(np.max(old)), float(np.max(new))  # dropout may be a rate per layer
        if name in _BOLDER and new > old:
            where = f"epoch {change['epoch'] + 1}, after mini-batch {change['batch']}"
            hint = _BOLDER[name].format(
                old=old,
                new=new,
                ratio=new / old if old else math.inf,
                tenth=new / 10,
                scale=1 / (1 - new) if new < 1 else math.inf,
            )
            return (
                f"{name} was raised from {old:g} to {new:g} during training ({where}), and "
                f"training diverged after that: {hint}."
            )
    return None


#: Training examples the reader's backprop is tried on to see whether it returns NaN.
_BACKPROP_PROBE = 500


def _nonfinite_backprop(network, inputs, targets):
    """For a book network (the reader's class, wrapped), a sentence when its own ``backprop``
    returns NaN or infinite gradients on the first training examples with its finite weights;
    else None (also for nnwidgets' own networks, whose backprop is tested)."""
    book = getattr(network, "book_network", None)
    if book is None or inputs is None or targets is None:
        return None
    if not all(np.isfinite(w).all() for w in [*network.weights, *network.biases]):
        return None  # the weights themselves blew up: not a sign of the backprop
    X, Y = inputs[:_BACKPROP_PROBE], targets[:_BACKPROP_PROBE]
    try:
        with np.errstate(all="ignore"):
            nabla_b, nabla_w, _ = network.backprop(X, Y)
    except Exception:  # noqa: BLE001 - a backprop that raises is reported by the run itself
        return None
    bad = [
        f"nabla_{kind}[{l}]"
        for kind, grads in (("w", nabla_w), ("b", nabla_b))
        for l, g in enumerate(grads)
        if not np.isfinite(g).all()
    ]
    if not bad:
        return None
    return (
        f"your network's backprop ({type(book).__name__}.backprop) returned NaN or "
        f"infinite gradients ({', '.join(bad)}) on the first {len(X)} training examples"
    )


def _describe(value):
    if isinstance(value, functools.partial):
        return _describe(value.func)
    if isinstance(value, (list, tuple)):
        return "-".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if callable(value):
        return getattr(value, "__name__", "function")
    return str(value)


def _seed_of(network):
    """The seed a network was made with, as a label shows it (None for a Generator or none)."""
    seed = getattr(network, "seed", None)
    return seed if seed is None or isinstance(seed, (int, np.integer)) else None


def differing_settings(settings_list):
    """The names of the settings whose values differ between runs, in the order labels list
    them: the known settings first, then others (a grid factory's own, such as ``depth``)."""
    keys = [
        *_LABEL_KEYS,
        *dict.fromkeys(
            k for s in settings_list for k in s if k not in _LABEL_KEYS and k not in _UNLABELLED
        ),
    ]
    return [k for k in keys if len({_describe(s.get(k)) for s in settings_list}) > 1]


def run_labels(settings_list, given=None):
    """A label for each run: the user's own where given, else the settings that differ.

    >>> run_labels([{"cost": "quadratic", "epochs": 3}, {"cost": "cross_entropy", "epochs": 3}])
    ['cost=quadratic', 'cost=cross_entropy']

    Runs whose settings are all equal are numbered ("run 1", "run 2"); so is a lone run.
    """
    given = list(given or [None] * len(settings_list))
    differing = differing_settings(settings_list)
    labels = []
    for i, (settings, own) in enumerate(zip(settings_list, given)):
        if own:
            labels.append(str(own))
        elif differing:
            labels.append(", ".join(f"{k}={_describe(settings.get(k))}" for k in differing))
        else:
            labels.append(f"run {i + 1}")
    return labels


class Run:
    """One network trained with one set of settings; the dashboard's unit of comparison."""

    def __init__(
        self,
        network,
        train,
        validation,
        *,
        label=None,
        max_points=1000,
        callbacks=(),
        grid=None,
        **settings,
    ):
        try:
            X, y = train
        except (TypeError, ValueError):
            raise ValueError(
                f"train must be a pair (X, y) of inputs and labels; got {type(train).__name__}"
            ) from None
        reject_unknown(settings, TRAINING_SETTINGS, "Run")
        network = as_widget_network(network)  # the reader's own class: trained by its backprop
        if not isinstance(network, Network):
            raise ValueError(
                f"network must be a Network (or the book's network, with sizes, "
                f"weights and biases); got {type(network).__name__}"
            )
        check_max_points(max_points)
        # fit's rule for callbacks (None, one, or a list of them), checked before anything else
        user_callbacks = callback_list(callbacks)
        self.network = network
        self.label_given = label
        self.label = label or ""
        self._user_callbacks = user_callbacks
        # Built now so that every argument is checked now, by the Trainer's own rules.
        self.trainer = Trainer(
            network, X, y, validation=validation, callbacks=self._user_callbacks, **settings
        )
        t = self.trainer
        if t.threads is None:
            t.threads = threads_beside_a_page(network, t.batch_size)
        self.batches_per_epoch = math.ceil(len(t.X) / t.batch_size)
        self.settings = {
            **{k: v for k, v in network.config().items() if k != "dtype"},
            "epochs": t.epochs,
            "batch_size": t.batch_size,
            "learning_rate": t.learning_rate,
            "momentum": t.momentum,
            "l2": t.l2,
            "l1": t.l1,
            "dropout": t.dropout,
            "schedule": t.schedule,
            "transform": t.transform,
            "early_stopping": t.early_stopping,
            "monitor_train": t.monitor_train,
            "n_train": len(t.X),
            "seed": _seed_of(network),
        }
        self.grid = {}
        self.set_grid(grid or {})
        # Per mini-batch: read from the Trainer's own History by the writer (read_new_batches),
        # so the training thread does nothing per mini-batch for the curves.
        self.batch = DecimatingSeries(BATCH_CHANNELS, max_points)
        self._batches_read = 0
        self._reading = threading.Lock()
        self.epoch = DecimatingSeries(EPOCH_CHANNELS, max_points)
        self.marks = []  # [{"x": epochs, "text": "learning_rate 0.1 → 0.01"}], the latest MAX_MARKS
        self.changes = []  # every live change: {"epoch", "batch", "name", "old", "new"}
        # (epoch, ECE) at the start and after each epoch, with TrainingDashboard(calibration=
        # True): measured by the writer on the panels' sample (dashboard/calibration.py).
        self.calibration = []
        self.status = "pending"  # pending, running, then the History's status, or "error"
        self.message = ""

    @property
    def history(self):
        return self.trainer.history

    def apply_settings(self, changes):
        """Set live settings (``{name: value}``, each checked by the Trainer) while this run's
        loop is between mini-batches, parked or in its callback; each real change is recorded
        in :attr:`changes` and marked on the curves where it takes effect."""
        t = self.trainer
        done = self.batches_done
        epoch, batch = divmod(done, self.batches_per_epoch)
        for name, value in changes.items():
            old = getattr(t, name)
            if value == old:
                continue
            setattr(t, name, value)  # checked again by the Trainer itself
            self.changes.append(
                {"epoch": epoch, "batch": batch, "name": name, "old": old, "new": value}
            )
            text = f"{name} {_describe(old)} → {_describe(value)}"  # dropout: maybe per layer
            self.marks.append({"x": done / self.batches_per_epoch, "text": text})
            del self.marks[:-MAX_MARKS]

    def set_grid(self, point):
        """Mark this as a grid run (``add_grid``) training ``point``, ``{setting: value, "seed":
        s}``: the factory's own settings (``depth=3``, say) join the settings the labels and
        results show, and the seed is the grid's."""
        self.grid = dict(point)
        self.settings.update({k: v for k, v in self.grid.items() if k not in self.settings})
        if "seed" in self.grid:
            self.settings["seed"] = self.grid["seed"]

    def record_epoch(self, epochs, logs):
        """Add an epoch's logs (the Trainer's) to the epoch curves at x = ``epochs``."""
        self.epoch.append(epochs, *(logs.get(name, math.nan) for name in EPOCH_CHANNELS))

    def explain_divergence(self):
        """Why this run diverged, from its record: see :func:`explain_divergence`."""
        t = self.trainer
        return explain_divergence(
            self.history,
            t.learning_rate,
            t.X,
            changes=self.changes,
            network=self.network,
            targets=t.Y,
        )

    def add_callback(self, callback):
        """Train with ``callback`` after the user's own (the dashboard's recorder)."""
        self.trainer.callbacks = [*self._user_callbacks, callback]

    def read_new_batches(self):
        """Fold the mini-batches the Trainer has recorded since the last call into the curve.

        Any thread. Point i (counted from 0) is at x = (i + 1) / batches_per_epoch epochs: the
        Trainer runs every mini-batch of an epoch before the next epoch begins.
        """
        with self._reading:
            h = self.history
            # The loss is appended before the accuracy: only whole points.
            n = min(len(h.batch_loss), len(h.batch_accuracy))
            start = self._batches_read
            if n <= start:
                return
            per_epoch = self.batches_per_epoch
            x = [(i + 1) / per_epoch for i in range(start, n)]  # lists: see DecimatingSeries
            self.batch.extend(x, h.batch_loss[start:n], h.batch_accuracy[start:n])
            self._batches_read = n

    @property
    def batches_done(self):
        """Mini-batches trained so far (read by the training thread's callback: no lock)."""
        return len(self.history.batch_accuracy)

    @property
    def restored_epoch(self):
        """The epoch (from 1) whose weights early stopping restored, once the run ended so;
        else None (``history.restored_epoch``)."""
        return getattr(self.history, "restored_epoch", None)

    def restored_mark(self):
        """The mark of the restored epoch on the curves (``{"x", "text", "kind"}``), or None:
        the weights the network ends with are that epoch's, not the last drawn."""
        epoch = self.restored_epoch
        if epoch is None:
            return None
        return {"x": float(epoch), "text": f"restored: epoch {epoch}", "kind": "restored"}

    def curves(self):
        """The run's curves as the page draws them: bucketed columns as binary float32."""
        self.read_new_batches()
        # float32 rows of one array each, sent as they are (no per-curve conversions)
        b, b_counts = self.batch.snapshot(np.float32)
        e, _ = self.epoch.snapshot(np.float32)
        return {
            "batch": {
                "x": array_to_json(b[0]),
                "loss": array_to_json(b[1]),
                "accuracy": array_to_json(b[2]),
                # how many mini-batches each point averages: the page's smoothing needs it
                "count": array_to_json(b_counts),
            },
            "epoch": {
                "x": array_to_json(e[0]),
                **{name: array_to_json(e[i]) for i, name in enumerate(EPOCH_CHANNELS, 1)},
            },
            "marks": list(self.marks),
            "restored": self.restored_mark(),
        }

    def public_settings(self):
        """The settings as JSON (a schedule function by its name)."""
        return {
            k: (v if v is None or isinstance(v, (int, float, str, list)) else _describe(v))
            for k, v in self.settings.items()
        }
