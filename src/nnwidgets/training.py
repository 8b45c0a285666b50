"""The one training loop: mini-batch SGD with momentum, regularisation, dropout and schedules.

``Network.fit``, the book-style ``Network.SGD``, the command line and the training dashboard
all drive this :class:`Trainer`. It knows nothing about widgets: a dashboard watches it through
the :class:`Callback` events and steers it with :meth:`Trainer.stop`, :meth:`Trainer.pause`
and by setting :attr:`Trainer.learning_rate`, all safe to call from another thread.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from ._blas import blas_threads

__all__ = ["Callback", "History", "Trainer", "TrainingDiverged", "SCHEDULES"]

SCHEDULES = ("constant", "step", "cosine")


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; the weights are the last finite ones."""


class Callback:
    """Hooks into training. Override what you need; ``trainer.network`` is the network.

    ``logs`` is a dict: per batch ``loss``, ``accuracy``, ``learning_rate``; per epoch the same
    means plus ``val_loss`` and ``val_accuracy`` when there is validation data.
    """

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
    batch_loss, batch_accuracy : list of float
        Each mini-batch's mean cost (with the regularisation term) and accuracy.
    epoch_loss, epoch_accuracy, val_loss, val_accuracy, learning_rate, epoch_time : list
        One entry per completed epoch (val_* only with validation data).
    status : str
        "running", "completed", "stopped" (by request or a callback), "early_stopped" or
        "diverged".
    message : str
        Why training ended, in words.
    """

    def __init__(self):
        self.batch_loss, self.batch_accuracy = [], []
        self.epoch_loss, self.epoch_accuracy = [], []
        self.val_loss, self.val_accuracy = [], []
        self.learning_rate, self.epoch_time = [], []
        self.status = "running"
        self.message = ""

    @property
    def epochs(self):
        """Number of completed epochs."""
        return len(self.epoch_loss)

    def to_dict(self):
        return {k: (list(v) if isinstance(v, list) else v) for k, v in vars(self).items()}

    def __repr__(self):
        last = f", val_accuracy={self.val_accuracy[-1]:.4f}" if self.val_accuracy else ""
        return f"<History {self.epochs} epochs, status={self.status!r}{last}>"


class Trainer:
    """Trains a network on ``(X, y)`` by mini-batch stochastic gradient descent.

    Parameters
    ----------
    network : Network
    X : array (n, n_in); y : labels (n,) or targets (n, n_out)
    epochs, batch_size : int
    learning_rate : float
        The step size (the book's eta) at the start of training.
    momentum : float in [0, 1)
        Velocity kept from the previous step: ``v = momentum * v - eta * grad; w += v``.
    l2, l1 : float
        The book's regularisation parameter lambda: the cost gains ``(l2 / 2n) sum w^2`` and
        ``(l1 / n) sum |w|``, where n is the size of the training set (weights only, not biases).
    dropout : float in [0, 1)
        Probability of dropping each hidden neuron during training.
    schedule : {"constant", "step", "cosine"} or callable
        How the learning rate changes: "step" multiplies it by ``step_gamma`` every ``step_size``
        epochs; "cosine" anneals it to zero along half a cosine; a callable gets the training
        progress in epochs (a float) and returns a multiplier.
    validation : (X_val, y_val) or None
        Evaluated after every epoch.
    early_stopping : int or None
        Stop after this many epochs without a better validation accuracy, and restore the best
        weights. Needs ``validation``.
    callbacks : list of Callback
    shuffle : bool
        Reshuffle the training set each epoch (with the network's own random generator).
    transform : callable or None
        ``transform(X, rng) -> X`` applied to the whole training set at the start of every
        epoch: data augmentation (see :func:`nnwidgets.datasets.augment.augment`).
    threads : int or None
        BLAS threads while training. None picks one thread for small layers, where the thread
        pool's start-up costs more than it saves (see ``bench/train_speed.py``), else all cores.
    """

    def __init__(self, network, X, y, *, epochs=10, batch_size=64, learning_rate=0.1,
                 momentum=0.0, l2=0.0, l1=0.0, dropout=0.0, schedule="constant", step_size=10,
                 step_gamma=0.5, validation=None, early_stopping=None, callbacks=(),
                 shuffle=True, transform=None, threads=None):
        self.network = net = network
        self.X = net._check_X(X)
        self.Y = net._targets(y, len(self.X))
        self.labels = self.Y.argmax(axis=1)
        self.epochs = _positive_int(epochs, "epochs")
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.learning_rate = _check_range(learning_rate, "learning_rate", 0, math.inf, low_open=True)
        self.momentum = _check_range(momentum, "momentum", 0, 1, high_open=True)
        self.l2 = _check_range(l2, "l2", 0, math.inf)
        self.l1 = _check_range(l1, "l1", 0, math.inf)
        self.dropout = _check_range(dropout, "dropout", 0, 1, high_open=True)
        if not callable(schedule) and schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(map(repr, SCHEDULES))} or a "
                             f"function of the epoch; got {schedule!r}")
        self.schedule = schedule
        self.step_size = _positive_int(step_size, "step_size")
        self.step_gamma = _check_range(step_gamma, "step_gamma", 0, 1, low_open=True)
        self.validation = None
        if validation is not None:
            try:
                X_val, y_val = validation
            except (TypeError, ValueError):
                raise ValueError("validation must be a pair (X_val, y_val)") from None
            X_val = net._check_X(X_val)
            self.validation = (X_val, net._targets(y_val, len(X_val)))
        if early_stopping is not None:
            early_stopping = _positive_int(early_stopping, "early_stopping")
            if self.validation is None:
                raise ValueError("early_stopping needs validation data: pass validation=(X_val, y_val)")
        self.early_stopping = early_stopping
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances; got {type(cb).__name__}")
        self.shuffle = bool(shuffle)
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be a function (X, rng) -> X; got {transform!r}")
        self.transform = transform
        self.threads = threads
        self.history = History()
        self.epoch = 0  # epochs completed
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    # -- steering, from any thread ---------------------------------------------------------------
    def stop(self):
        """Ask training to stop after the current mini-batch."""
        self._stop.set()
        self._running.set()  # a paused run must wake up to stop

    def pause(self):
        """Hold training after the current mini-batch until :meth:`resume` (or :meth:`stop`)."""
        self._running.clear()

    def resume(self):
        self._running.set()

    @property
    def paused(self):
        return not self._running.is_set()

    @property
    def stop_requested(self):
        return self._stop.is_set()

    def current_learning_rate(self, progress):
        """The learning rate after ``progress`` epochs (a float), under the schedule."""
        if callable(self.schedule):
            factor = float(self.schedule(progress))
        elif self.schedule == "step":
            factor = self.step_gamma ** int(progress // self.step_size)
        elif self.schedule == "cosine":
            factor = 0.5 * (1.0 + math.cos(math.pi * min(progress / self.epochs, 1.0)))
        else:
            factor = 1.0
        return self.learning_rate * factor

    # -- the loop ------------------------------------------------------------------------------
    def run(self):
        """Train; returns the :class:`History` (also kept as ``network.history_``).

        Raises :class:`TrainingDiverged` if the loss stops being finite; the network then keeps
        the weights from before the failing step, and the history what happened until then.
        """
        net = self.network
        net.history_ = history = self.history
        threads = self.threads if self.threads is not None else _auto_threads(net, self.batch_size)
        with blas_threads(threads):
            try:
                self._loop(history)
            finally:
                if history.status == "running":  # an exception we did not expect
                    history.status, history.message = "stopped", "stopped by an error"
                for cb in self.callbacks:
                    cb.on_train_end(self)
                net.notify_changed()
        if history.status == "diverged":
            raise TrainingDiverged(history.message)
        return history

    def _loop(self, history):
        net = self.network
        n = len(self.X)
        velocity_w = [np.zeros_like(w) for w in net.weights]
        velocity_b = [np.zeros_like(b) for b in net.biases]
        best = (-1.0, None)  # (validation accuracy, parameters) for early stopping
        since_best = 0

        for cb in self.callbacks:
            cb.on_train_begin(self)
        for epoch in range(self.epochs):
            for cb in self.callbacks:
                cb.on_epoch_begin(self, epoch)
            started = time.perf_counter()
            order = net.rng.permutation(n) if self.shuffle else np.arange(n)
            X = self.X if self.transform is None else self._transformed()
            losses, accuracies = [], []
            for batch, start in enumerate(range(0, n, self.batch_size)):
                self._running.wait()
                if self._stop.is_set():
                    history.status, history.message = "stopped", (
                        f"stopped on request during epoch {epoch + 1}, after {batch} mini-batches")
                    return
                idx = order[start:start + self.batch_size]
                eta = self.current_learning_rate(epoch + start / n)
                loss, accuracy = self._step(X[idx], self.Y[idx], self.labels[idx], eta, n,
                                            velocity_w, velocity_b)
                if not math.isfinite(loss):
                    history.status = "diverged"
                    history.message = (
                        f"training diverged: the loss became {loss} in epoch {epoch + 1}, "
                        f"mini-batch {batch + 1}, at learning_rate={eta:g}. The network keeps the "
                        f"weights from before that step; try a smaller learning rate.")
                    return
                losses.append(loss)
                accuracies.append(accuracy)
                history.batch_loss.append(loss)
                history.batch_accuracy.append(accuracy)
                logs = {"loss": loss, "accuracy": accuracy, "learning_rate": eta}
                for cb in self.callbacks:
                    cb.on_batch_end(self, batch, logs)

            logs = {"loss": float(np.mean(losses)), "accuracy": float(np.mean(accuracies)),
                    "learning_rate": self.current_learning_rate(epoch)}
            history.epoch_loss.append(logs["loss"])
            history.epoch_accuracy.append(logs["accuracy"])
            history.learning_rate.append(logs["learning_rate"])
            if self.validation is not None:
                X_val, Y_val = self.validation
                a = net.forward(X_val)
                logs["val_loss"] = float(net._cost.fn(a, Y_val).mean())
                logs["val_accuracy"] = float((a.argmax(1) == Y_val.argmax(1)).mean())
                history.val_loss.append(logs["val_loss"])
                history.val_accuracy.append(logs["val_accuracy"])
            history.epoch_time.append(time.perf_counter() - started)
            self.epoch = epoch + 1
            net.notify_changed()
            for cb in self.callbacks:
                cb.on_epoch_end(self, epoch, logs)

            if self.early_stopping is not None:
                if logs["val_accuracy"] > best[0]:
                    best = (logs["val_accuracy"], _snapshot(net))
                    since_best = 0
                else:
                    since_best += 1
                if since_best >= self.early_stopping:
                    net.weights, net.biases = best[1]
                    history.status = "early_stopped"
                    history.message = (
                        f"early stopping after epoch {epoch + 1}: no better validation accuracy "
                        f"for {self.early_stopping} epochs; restored the best weights (epoch "
                        f"{epoch + 1 - since_best}, val_accuracy={best[0]:.4f})")
                    return
            if self._stop.is_set():
                history.status, history.message = "stopped", f"stopped on request after epoch {epoch + 1}"
                return
        history.status, history.message = "completed", f"completed {self.epochs} epochs"

    def _transformed(self):
        X = np.asarray(self.transform(self.X, self.network.rng), dtype=self.X.dtype)
        if X.shape != self.X.shape:
            raise ValueError(f"transform must return an array of shape {self.X.shape}; "
                             f"got {X.shape}")
        return X

    def _step(self, X, Y, labels, eta, n, velocity_w, velocity_b):
        """One mini-batch: gradients, then the update. Returns (loss, accuracy).

        The update is applied only when the loss and every gradient are finite, so a diverging
        run leaves the last finite weights in place.
        """
        net = self.network
        # Overflow is detected below and reported as divergence, in words; numpy's own
        # warnings would only repeat it less clearly.
        with np.errstate(over="ignore", invalid="ignore"):
            nabla_b, nabla_w, a = net.backprop(X, Y, dropout=self.dropout, rng=net.rng)
            loss = float(net._cost.fn(a, Y).mean())
        if self.l2:
            loss += 0.5 * self.l2 / n * sum(float(np.vdot(w, w)) for w in net.weights)
        if self.l1:
            loss += self.l1 / n * sum(float(np.abs(w).sum()) for w in net.weights)
        # A sum of squares is finite only if every entry is (and BLAS computes it fastest).
        if not math.isfinite(loss) or not all(math.isfinite(np.vdot(g, g)) for g in nabla_w):
            return math.nan if math.isfinite(loss) else loss, math.nan
        accuracy = float(np.count_nonzero(a.argmax(axis=1) == labels)) / len(labels)
        for w, b, gw, gb, vw, vb in zip(net.weights, net.biases, nabla_w, nabla_b,
                                        velocity_w, velocity_b):
            if self.l2:
                gw += (self.l2 / n) * w  # weight decay: d/dw of (l2/2n) w^2
            if self.l1:
                gw += (self.l1 / n) * np.sign(w)
            gw *= eta  # the step, scaled in place: no temporaries on the hot path
            gb *= eta
            if self.momentum:
                vw *= self.momentum
                vw -= gw
                vb *= self.momentum
                vb -= gb
                w += vw
                b += vb
            else:
                w -= gw
                b -= gb
        return loss, accuracy


def _snapshot(net):
    return [w.copy() for w in net.weights], [b.copy() for b in net.biases]


def _auto_threads(net, batch_size):
    # Below about a million multiply-adds per matrix product, waking the BLAS thread pool
    # costs as much as it saves (bench/train_speed.py), and a second thread spinning on a
    # busy 2-core machine (a notebook server, a browser) can make it several times slower.
    largest = max(a * b for a, b in zip(net.sizes[:-1], net.sizes[1:]))
    return 1 if largest * batch_size < 1_000_000 else None


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def _check_range(value, name, low, high, *, low_open=False, high_open=False):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number; got {value!r}") from None
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        lo, hi = ("(" if low_open else "[") + f"{low}", f"{high}" + (")" if high_open else "]")
        raise ValueError(f"{name} must be in {lo}, {hi}; got {value}")
    return value
