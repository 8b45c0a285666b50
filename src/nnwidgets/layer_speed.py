r"""The speed of learning per layer, NNDL chapter 5's measure of the vanishing gradient.

For hidden layer l the speed is :math:`\lVert\partial C/\partial b^l\rVert`, the length of the
bias gradient of the *mean* cost over a fixed probe set. By BP3 the bias gradient is the error
:math:`\delta^l` itself, averaged over the probe, so this is the book's
:math:`\lVert\delta^l\rVert` (``fig/generate_gradient.py`` averages ``network2``'s ``nabla_b``
over the first 1,000 training digits and takes each hidden layer's norm). It is measured with the
same BP1-BP3 the network trains with (a reader's own ``backprop`` when the network has one),
skipping BP4's weight gradients, and without dropout: the network as it stands.

NumPy only, like the rest of the core: no widget is imported here.
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .network import Network
from .training import Callback

__all__ = ["LayerSpeed", "layer_speeds"]


def layer_speeds(net, X, y):
    r"""One :math:`\lVert\partial C/\partial b^l\rVert` per hidden layer, first hidden first.

    ``C`` is the network's cost averaged over the examples ``X`` (n, n_in) with labels or
    targets ``y``; the output layer is left out, as in NNDL. A network with no hidden layer
    gives an empty list.
    """
    _check_network(net)
    X = net.check_inputs(X)
    return _speeds(net, X, net.targets(y, len(X)))


def _check_network(net):
    if not callable(getattr(net, "check_inputs", None)):
        raise TypeError(f"net must be a Network; got {type(net).__name__}")


def _count(values, name, what):
    """How many examples ``values`` holds; a TypeError naming it when it is no array (a lone
    number has no examples to count)."""
    try:
        return len(values)
    except TypeError:
        raise TypeError(f"{name} must be {what}; got {type(values).__name__}") from None


def _speeds(net, X, Y):
    if type(net).backprop is Network.backprop:
        # BP1 to BP3 only, about half a backprop: the bias gradients are the mean errors.
        nabla_b = net._mean_errors(X, Y)
    else:  # the reader's own backprop (a book network): measured with theirs
        nabla_b, _, _ = net.backprop(X, Y)  # BP3: nabla_b[i] is the mean delta of layer i + 2
    return [float(np.linalg.norm(nb)) for nb in nabla_b[:-1]]


class LayerSpeed(Callback):
    r"""Records the speed of learning of every hidden layer while a network trains.

    Parameters
    ----------
    probe : (X, y)
        The fixed examples the gradient is averaged over: NNDL uses the first 1,000 training
        digits. Measured on the network as it stands, with no dropout.
    every : "epoch" or int
        ``"epoch"``: at the start of training and after each epoch. An int k: at the start and
        after every k mini-batches (counted across epochs).

    Attributes
    ----------
    records : list of (float, list of float)
        ``(progress, speeds)``: progress in epochs (0.0 at the start, 1.0 after the first epoch,
        fractions in between with ``every=k``) and one speed per hidden layer. Training starts a
        new list, which is also set as ``history.layer_speed`` on the trainer's
        :class:`~nnwidgets.training.History`.

    Example
    -------
    >>> speed = LayerSpeed((X[:1000], y[:1000]))
    >>> net.fit(X, y, epochs=5, callbacks=[speed])
    >>> net.history_.layer_speed[0]      # (0.0, [0.003, 0.017, 0.07, 0.285]) or so
    """

    reads_batch_logs = False  # it measures the network, whatever the losses were

    def __init__(self, probe, *, every="epoch"):
        try:
            X, y = probe
        except (TypeError, ValueError):
            raise ValueError(
                f"probe must be a pair (X, y) of examples and their labels; got "
                f"{type(probe).__name__}"
            ) from None
        n_x = _count(X, "probe's X", "an array of examples")
        n_y = _count(y, "probe's y", "labels or targets, one per example of X")
        if n_x != n_y:
            raise ValueError(
                f"probe's X and y must hold as many examples; got {n_x} inputs and {n_y} labels"
            )
        if n_x == 0:
            raise ValueError("probe must hold at least one example; got 0")
        if every != "epoch":
            if isinstance(every, str):
                raise ValueError(
                    f"every must be 'epoch' or a positive number of mini-batches; got {every!r}"
                )
            every = _checks.positive_int(every, "every")
        self.probe = (X, y)
        self.every = every
        self.records = []
        self._checked = None  # (inputs' key, X, Y) once validated for networks of that key

    def measure(self, net):
        """The speeds of ``net``'s hidden layers on the probe, now."""
        # Checked once for every network that checks inputs and targets alike: the dashboard
        # measures a new copy of the weights each epoch, and checking 1,000 digits again each
        # time cost a tenth of the measure.
        _check_network(net)
        key = (type(net), net.sizes[0], net.sizes[-1], getattr(net, "dtype", None))
        if self._checked is None or self._checked[0] != key:
            X = net.check_inputs(self.probe[0], name="the probe's X")
            self._checked = (key, X, net.targets(self.probe[1], len(X), name="the probe's y"))
        return _speeds(net, *self._checked[1:])

    def _record(self, trainer, progress):
        self.records.append((float(progress), self.measure(trainer.network)))

    def on_train_begin(self, trainer):
        self.records = []
        trainer.history.layer_speed = self.records
        self._batches = 0
        self._record(trainer, 0.0)

    def on_batch_end(self, trainer, batch, logs):
        if self.every == "epoch":
            return
        self._batches += 1
        if self._batches % self.every == 0:
            done = min(len(trainer.X), (batch + 1) * trainer.batch_size)
            self._record(trainer, trainer.epoch + done / len(trainer.X))

    def on_epoch_end(self, trainer, epoch, logs):
        if self.every == "epoch":
            self._record(trainer, epoch + 1)

    def __repr__(self):
        return f"LayerSpeed(probe of {len(self.probe[0])} examples, every={self.every!r})"
