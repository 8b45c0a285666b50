"""A feed-forward network written from scratch in NumPy, to be read next to the book.

Orientation follows the book: ``weights[l]`` has shape (n_out, n_in) and ``biases[l]`` shape
(n_out,). Where the book feeds one column vector at a time, we feed a whole mini-batch as rows
(one example per row), so the book's ``w a + b`` becomes ``a @ w.T + b`` and every equation
works on all examples at once. Training lives in :mod:`nnwidgets.training`; the file format
in :mod:`nnwidgets.modelfile`, which this module uses and which never imports it back.
"""

from __future__ import annotations

import copy
import numbers
import threading
import warnings
from contextlib import contextmanager

import numpy as np

from . import _checks, functions, modelfile

__all__ = ["Network", "Workspace", "hidden_errors", "output_error"]

INITS = ("large", "scaled", "book")

#: The most weights and biases a Network may have (400 MB as float32): a layer of 10**6 typed
#: for 100 would otherwise fill the memory while drawing them, and the kernel would die.
MAX_PARAMS = 10**8

#: Where the parameters and the training buffers start: a multiple of 64 bytes, a cache line.
#: BLAS's kernels read such arrays a line at a time: at mini-batch 10, [784, 100], ``x W^T``
#: took 10.7 us with both arrays so placed and 17.0 us with the weights 16 bytes off (NumPy's
#: own arrays start on any multiple of 16), ``delta^T x`` 10.2 us against 13.0.
ALIGNMENT = 64


def aligned_empty(shape, dtype):
    """A new uninitialised array of ``shape`` and ``dtype`` whose data starts at a multiple of
    :data:`ALIGNMENT` bytes (a view of a slightly larger buffer)."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    buffer = np.empty(size + ALIGNMENT, np.uint8)
    start = -buffer.ctypes.data % ALIGNMENT
    return buffer[start : start + size].view(dtype).reshape(shape)


def aligned_zeros(shape, dtype):
    """``np.zeros(shape, dtype)``, placed as :func:`aligned_empty` places it."""
    out = aligned_empty(shape, dtype)
    out[...] = 0
    return out


def aligned_copy(a, dtype=None):
    """A copy of ``a`` (as ``dtype``, like ``astype``), placed as :func:`aligned_empty` places
    it."""
    a = np.asarray(a)
    out = aligned_empty(a.shape, a.dtype if dtype is None else dtype)
    np.copyto(out, a, casting="unsafe")
    return out


def _product(a, w):
    """``a @ w.T``: inputs (n, n_in) times weights (n_out, n_in).

    One example goes through NumPy's own loop rather than BLAS: as fast at these sizes, and it
    does not queue for OpenBLAS's threads while another thread trains on them (a widget
    re-predicting one digit during training waited 6 ms a call for them instead of 0.2 ms, and
    slowed the training down).
    """
    if a.shape[0] == 1:
        return np.einsum("ij,j->i", w, a[0])[None, :]
    return a @ w.T


def _product_into(a, w, out, rows=None):
    """``a @ w.T`` written into ``out``, ``rows`` rows of ``a`` at a time when given: BLAS's
    kernels for small products can be faster than its general way (see
    :meth:`Workspace.product_rows`)."""
    if rows is None:
        return np.matmul(a, w.T, out=out)
    for start in range(0, len(a), rows):
        np.matmul(a[start : start + rows], w.T, out=out[start : start + rows])
    return out


def output_error(output, cost, z, a, y, *, out=None):
    r"""BP1, the output layer's error: :math:`\delta^L = \nabla_a C \odot f'(z^L)`.

    ``output`` is the output layer's :class:`~nnwidgets.functions.Activation` and ``cost`` a
    :class:`~nnwidgets.functions.Cost`; ``z``, ``a`` and ``y`` are the output layer's weighted
    inputs, its activations ``f(z)`` and the targets, each (m, n_out), one example per row.
    Returns a new (m, n_out) array: each example's :math:`\partial C/\partial z^L` (not divided
    by m). Where the cost's derivative cancels the output's (``functions.CANCELLING_PAIRS``:
    sigmoid or softmax with cross-entropy, softmax with log-likelihood) it is exactly
    ``a - y``, which is also more accurate than multiplying the two. A reader's own cost
    (:class:`~nnwidgets.functions.CustomCost`) gives the whole of it, network2's way:
    ``cost.delta(z, a, y)``. With ``out`` (an (m, n_out) array) the error is written there
    instead.
    """
    if cost.custom:  # the reader's delta(z, a, y) is BP1 whole, f'(z) included (network2's)
        return cost.delta(z, a, y, out=out)
    if not output.custom and (output.name, cost.name) in functions.CANCELLING_PAIRS:
        return np.subtract(a, y, out=out)
    return output.backward(z, a, cost.grad(a, y), out=out)


def hidden_errors(weights, zs, activations, delta_out, activation, *, scales=None, out=None):
    r"""BP2, back through the hidden layers: :math:`\delta^l = ((w^{l+1})^T \delta^{l+1})
    \odot f'(z^l)`. Returns every layer's error ``[delta^2, ..., delta^L]``.

    ``weights`` are the network's ``weights`` (``weights[i]`` of shape (n_out, n_in));
    ``zs[i]`` and ``activations[i]`` the weighted inputs and activations ``f(z)`` of the layer
    that ``weights[i]`` feeds, each (m, n), as the forward pass made them (only the hidden
    layers' are read); ``delta_out`` is BP1's (m, n_out) error of the output layer and
    ``activation`` the hidden layers' :class:`~nnwidgets.functions.Activation`. The result's
    ``[i]`` is the error of the layer ``weights[i]`` feeds, so ``[-1]`` is ``delta_out`` itself
    and, by BP3, ``[i].sum(axis=0)`` is ``nabla_b[i]``.

    ``scales[i]`` (optional, for hidden layer i, i.e. the layer ``weights[i]`` feeds) is a
    multiplier of that layer's activations on their way to the next layer, broadcastable to
    (m, n), or None: a neuron whose activation was multiplied by s passes s times its error
    back, since d(s a)/dz = s f'(z). Dropout's masks are such scales, and so are the edits a
    :class:`~nnwidgets.widgets.diagram.NetworkDiagram` makes.

    ``out[i]`` (optional) is an (m, n) array for hidden layer i's error, written instead of a
    new one.
    """
    deltas = [delta_out]
    delta = delta_out
    for i in range(len(weights) - 1, 0, -1):
        # (w^{l+1})^T delta^{l+1}, one example per row
        grad_a = np.matmul(delta, weights[i], out=None if out is None else out[i - 1])
        scale = scales[i - 1] if scales is not None else None
        if scale is not None:
            grad_a *= scale  # d(s a)/da = s: a silenced neuron gets no error
        delta = activation.backward(zs[i - 1], activations[i - 1], grad_a, out=grad_a)  # f'(z^l)
        deltas.append(delta)
    deltas.reverse()
    return deltas


class Workspace:
    """The arrays backpropagation writes for a mini-batch, kept for the next one.

    ``net.backprop(X, Y, out=work)`` writes every layer's z, activation and error, and the
    gradient, into these arrays instead of new ones, and returns views of them: each call
    overwrites the last one's results. The gradient lies in one array, :attr:`gradient`, in
    the order of ``weights + biases`` (the lists :attr:`nabla_w` and :attr:`nabla_b` are views
    of it), so a training step can scale or check all of it in one call. Mini-batches of up
    to ``batch_size`` examples fit. One workspace per thread: two calls writing into it at
    once would mix their numbers.
    """

    def __init__(self, network, batch_size):
        sizes, dtype = network.sizes, network.dtype
        self.batch_size = batch_size
        self.dtype = dtype
        self.gradient = aligned_empty(network.n_params, dtype)
        self.nabla_w, start = [], 0
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.nabla_w.append(self.gradient[start : start + n_out * n_in].reshape(n_out, n_in))
            start += n_out * n_in
        self.nabla_b = []
        for n_out in sizes[1:]:
            self.nabla_b.append(self.gradient[start : start + n_out])
            start += n_out
        self._zs = [aligned_empty((batch_size, n), dtype) for n in sizes[1:]]
        self._activations = [aligned_empty((batch_size, n), dtype) for n in sizes[1:]]  # f(z)
        # Every layer's error in one array, the first m rows of each lying one after the
        # other for a mini-batch of m (see rows): one call then reads all of them.
        self._errors = aligned_empty(batch_size * sum(sizes[1:]), dtype)
        self._rows, self._all_errors = {}, {}  # m -> rows(m), all_errors(m)
        self._product_rows = {}  # m -> product_rows(m)
        self._sizes = sizes
        self._x = self._y = None  # gather's, made at its first call
        self._x_rows = {}  # m -> the first m rows of self._x

    def gather(self, X, Y, idx):
        """Rows ``idx`` of ``X`` and of the targets ``Y``, one mini-batch, copied into arrays
        kept for the next one (views of them, which the next call overwrites).

        ``np.take`` into a given array with ``mode="clip"`` copies the rows straight there,
        where its default mode copies them twice and ``X[idx]`` makes a new array: so the
        indices must be valid (a permutation's are), as an index past the end is clipped.
        """
        if X.dtype != self.dtype or Y.dtype != self.dtype:
            return X[idx], Y[idx]
        if self._y is None:
            self._y = aligned_empty((self.batch_size, self._sizes[-1]), self.dtype)
        y = self._y[: len(idx)]
        return self.gather_inputs(X, idx), np.take(Y, idx, axis=0, out=y, mode="clip")

    def gather_inputs(self, X, idx):
        """Rows ``idx`` of ``X`` alone, as :meth:`gather` copies them (a view of an array kept
        for the next call, which overwrites it); a training loop that has its targets in order
        already gathers only these."""
        if X.dtype != self.dtype:
            return X[idx]
        x = self._x_rows.get(len(idx))
        if x is None:  # the same view every time for each size: a loop may remember it
            if self._x is None:
                self._x = aligned_empty((self.batch_size, self._sizes[0]), self.dtype)
            x = self._x_rows[len(idx)] = self._x[: len(idx)]
        return X.take(idx, 0, x, "clip")  # the method: no Python wrapper

    def rows(self, m):
        """Views of the first ``m`` rows: (zs, activations, hidden errors, output error)."""
        views = self._rows.get(m)
        if views is None:
            if not 0 < m <= self.batch_size:
                raise ValueError(
                    f"this workspace holds mini-batches of 1 to {self.batch_size} examples; got {m}"
                )
            errors, start = [], 0
            for n in self._sizes[1:]:
                errors.append(self._errors[start : start + m * n].reshape(m, n))
                start += m * n
            views = self._rows[m] = (
                [z[:m] for z in self._zs],
                [a[:m] for a in self._activations],
                errors[:-1],
                errors[-1],
            )
            self._all_errors[m] = self._errors[:start]
        return views

    def product_rows(self, m):
        """For each layer, how many rows of a mini-batch of ``m`` its forward product takes at
        a time (None: all at once), as :func:`nnwidgets._blas.product_rows` says is fastest
        with the BLAS threads in effect when first asked for this ``m``."""
        rows = self._product_rows.get(m)
        if rows is None:
            from ._blas import product_rows  # threadpoolctl, only when training asks

            sizes = self._sizes
            rows = self._product_rows[m] = [
                product_rows(m, n_in, n_out, self.dtype) for n_in, n_out in zip(sizes, sizes[1:])
            ]
        return rows

    def all_errors(self, m):
        """Every layer's error for a mini-batch of ``m``, as :meth:`rows` lays them out, in one
        flat array (so that one call sums all their squares)."""
        errors = self._all_errors.get(m)
        if errors is None:
            self.rows(m)
            errors = self._all_errors[m]
        return errors


class Network:
    """A fully connected feed-forward network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[784, 100, 10]`` is 784 inputs, one hidden layer of
        100 neurons and 10 outputs.
    activation : {"sigmoid", "tanh", "relu", "leaky_relu", "linear"} or object
        Activation of the hidden layers: a name, or your own object (or class) with
        ``fn(z)`` and ``prime(z)``, network2's names, one example per row.
    output : {"softmax", "sigmoid", "tanh", "relu", "leaky_relu", "linear"} or object
        Activation of the output layer: a name, or an object as for ``activation``.
    cost : {"cross_entropy", "log_likelihood", "quadratic"} or object
        The cost that training minimises: a name, or your own object (or class) with
        ``fn(a, y)``, each example's cost, shape (n,), and ``delta(z, a, y)``, the output
        layer's error dC/dz (BP1, the output's derivative included), shape (n, n_out).

        Your pieces are checked on a small probe now (a missing method, a wrong shape or a
        non-finite value is a TypeError/ValueError naming the object) and train like the
        built-ins, by a generic path. The widgets' pages run only built-in functions: an
        activation whose ``fn`` equals a built-in's on a grid of z (to 1e-9) runs there as that
        one, and :meth:`save` stores such pieces by the built-in's name; for any other the
        widgets say they cannot run it and :meth:`save` refuses. :func:`nnwidgets.gradcheck`
        says which of your pieces disagrees with its own derivative.
    init : {"scaled", "large", "book"}
        ``"large"``: weights and biases drawn from N(0, 1), the book's first choice, which
        saturates sigmoid neurons. ``"scaled"``: weights from N(0, 1/n_in) (N(0, 2/n_in), He's
        choice, for ReLU-like activations) and zero biases. ``"book"``: weights from
        N(0, 1/n_in) and biases from N(0, 1) whatever the activation, the default of the
        book's ``network2.py``, so its chapter 3 and 5 figures can be reproduced.
    seed : int, None or numpy Generator
        Seeds this network's own random generator (initialisation, shuffling, dropout).
    dtype : {"float32", "float64"}
        Precision of weights and computation.

    Attributes
    ----------
    weights, biases : list of ndarray
        ``weights[l]`` of shape (sizes[l+1], sizes[l]); ``biases[l]`` of shape (sizes[l+1],).
    history_ : History or None
        What the last call to :meth:`fit` recorded.
    """

    def __init__(
        self,
        sizes,
        *,
        activation="relu",
        output="softmax",
        cost="cross_entropy",
        init="scaled",
        seed=None,
        dtype="float32",
    ):
        self.sizes = _check_sizes(sizes)
        self._hidden = functions.activation_from(
            activation, where="activation", allowed=functions.HIDDEN_ACTIVATIONS
        )
        self._output = functions.activation_from(output, where="output")
        if self._output.name == "softmax" and self.sizes[-1] < 2:
            raise ValueError(
                f"output='softmax' needs at least 2 output neurons: over one neuron "
                f"it is always 1.0 and cannot learn; got sizes {self.sizes}. For a "
                f"single yes/no output use output='sigmoid'"
            )
        self._cost = functions.cost_from(cost, self._output, self.sizes[-1])
        _warn_if_mismatched(self._output.builtin, self._cost.builtin)
        if init not in INITS:
            raise ValueError(f"init must be one of {', '.join(map(repr, INITS))}; got {init!r}")
        self.init = init
        self.dtype = _check_dtype(dtype)
        self.seed = _checks.check_seed(seed)
        self.rng = np.random.default_rng(self.seed)
        self.weights, self.biases = self._initial_parameters()
        self.history_ = None
        # Subscribers may (un)subscribe from the notebook's thread while training notifies from
        # its own, so the list is only touched under this lock.
        self._listeners = []
        self._listeners_lock = threading.Lock()
        # Held while a Trainer runs: two training loops on one network would interleave updates.
        self._train_lock = threading.Lock()

    # -- configuration -------------------------------------------------------------------------
    @property
    def activation(self):
        """Name of the hidden layers' activation (for your own object, its class's name)."""
        return self._hidden.name

    @property
    def output(self):
        """Name of the output layer's activation (for your own object, its class's name)."""
        return self._output.name

    @property
    def cost(self):
        """Name of the cost function (for your own object, its class's name)."""
        return self._cost.name

    @property
    def activation_function(self):
        """The hidden layers' :class:`~nnwidgets.functions.Activation` object; its ``builtin``
        is the built-in it computes (None for your own function that matches none)."""
        return self._hidden

    @property
    def output_function(self):
        """The output layer's :class:`~nnwidgets.functions.Activation` object."""
        return self._output

    @property
    def cost_function(self):
        """The :class:`~nnwidgets.functions.Cost` object: ``fn(a, y)`` per example and ``grad``."""
        return self._cost

    @property
    def training(self):
        """True while a :class:`~nnwidgets.training.Trainer` is training this network."""
        return self._train_lock.locked()

    @contextmanager
    def exclusive_training(self):
        """Held by a Trainer while it runs: a second one on this network is refused at once.

        Two loops updating the same arrays would interleave their steps and neither history
        would describe the result, so the second gets a RuntimeError instead of waiting.
        """
        if not self._train_lock.acquire(blocking=False):
            raise RuntimeError(
                "this network is already training (another fit() or "
                "Trainer.run(), perhaps in another thread); stop it or wait for "
                "it to finish before training again"
            )
        try:
            yield
        finally:
            self._train_lock.release()

    @property
    def num_layers(self):
        return len(self.sizes)

    @property
    def n_params(self):
        """Number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def config(self):
        """The constructor arguments, as plain Python values (for saving and display)."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output": self.output,
            "cost": self.cost,
            "init": self.init,
            "dtype": self.dtype.name,
        }

    def _own_pieces(self):
        """The reader's own objects among the activation, output and cost, as passed in."""
        pieces = {"activation": self._hidden, "output": self._output, "cost": self._cost}
        return {key: f.source for key, f in pieces.items() if f.custom}

    def __repr__(self):
        own = self._own_pieces()

        def shown(key):  # yours by its class's name: MyCrossEntropy, or MyCrossEntropy()
            if key not in own:
                return repr(getattr(self, key))
            return getattr(self, key) + ("" if isinstance(own[key], type) else "()")

        return (
            f"Network({self.sizes}, activation={shown('activation')}, "
            f"output={shown('output')}, cost={shown('cost')}, dtype={self.dtype.name!r})"
        )

    def _initial_parameters(self):
        weights, biases = [], []
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            if self.init == "large":
                std, bias_std = 1.0, 1.0
            elif self.init == "book":
                std, bias_std = 1.0 / np.sqrt(n_in), 1.0  # network2's default_weight_initializer
            else:
                last = l == len(self.sizes) - 2
                kind = (self._output if last else self._hidden).builtin
                gain = 2.0 if kind in ("relu", "leaky_relu") else 1.0  # He et al. for ReLU
                std, bias_std = np.sqrt(gain / n_in), 0.0
            weights.append(aligned_copy(self.rng.standard_normal((n_out, n_in)) * std, self.dtype))
            biases.append(aligned_copy(self.rng.standard_normal(n_out) * bias_std, self.dtype))
        return weights, biases

    # -- the forward pass ----------------------------------------------------------------------
    def forward(self, X, *, return_activations=False):
        """Feed ``X`` (n, sizes[0]) forward; the output activations (n, sizes[-1]).

        With ``return_activations=True``, every layer's activations ``[X, a1, ..., aL]``
        instead, which is what the activation diagram draws.
        """
        a = X = self.check_inputs(X)
        activations = [a]
        # An overflow (inputs of 1e30) is named by check_outputs below, not NumPy's warning.
        with np.errstate(over="ignore", invalid="ignore"):
            for l, (w, b) in enumerate(zip(self.weights, self.biases)):
                f = self._output if l == len(self.weights) - 1 else self._hidden
                a = f.fn(_product(a, w) + b)  # a^l = f(w^l a^{l-1} + b^l), all examples at once
                activations.append(a)
        _checks.check_outputs(a, X, self.weights)
        return activations if return_activations else a

    def feedforward(self, a):
        """The book's ``feedforward``: one example as a column (n_in, 1) in, (n_out, 1) out."""
        a = np.asarray(a)
        return self.forward(a.reshape(1, -1)).reshape(-1, 1)

    def predict_proba(self, X):
        """Output activations, shape (n, n_out); probabilities when the output is softmax."""
        return self.forward(X)

    def logits(self, X):
        r"""The output layer's weighted inputs :math:`z^L = w^L a^{L-1} + b^L`, shape (n, n_out),
        one example per row: what the output activation squashes (``softmax(logits(X))`` is
        :meth:`predict_proba` for a softmax output). Temperature scaling divides them by T.
        """
        X = self.check_inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):  # named by check_outputs
            z = self._weighted_inputs(X)[0][-1]
        return _checks.check_outputs(z, X, self.weights, what="logits")

    def _weighted_inputs(self, X):
        """Every layer's weighted inputs and activations, ``([z^2, ..., z^L], [a^2, ..., a^L])``,
        for checked inputs ``X``: what :func:`output_error` and :func:`hidden_errors` read."""
        zs, activations = [], []
        a = X
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            f = self._output if l == len(self.weights) - 1 else self._hidden
            z = _product(a, w) + b  # z^l = w^l a^{l-1} + b^l
            a = f.fn(z)  # a^l = f(z^l); fn writes a new array, z stays as it was
            zs.append(z)
            activations.append(a)
        return zs, activations

    def predict(self, X):
        """The class of each example, (n,) ints: the most active output neuron.

        With one sigmoid output (a yes/no network) the class is 1 where the output is at
        least 0.5, else 0. With one output of another kind (linear, tanh, ReLU) the network
        does regression, which has no classes: ``predict`` returns the outputs themselves,
        (n,) floats, and :meth:`score` refuses (use :meth:`loss`).
        """
        a = self.forward(X)
        return self.classes(a) if self.has_accuracy else a[:, 0]

    @property
    def has_accuracy(self):
        """True when the network classifies: two or more outputs, or one sigmoid output.

        One output of another kind is regression: no accuracy (training records NaN for it).
        """
        return self.sizes[-1] >= 2 or self._output.builtin == "sigmoid"

    def classes(self, outputs):
        """The class each row of ``outputs`` (n, n_out) stands for, (n,) ints: the one rule
        behind :meth:`predict`, :meth:`score` and every accuracy training reports.

        Applied to targets it gives the true classes: the hot position of a one-hot row. With
        several outputs, the most active one (argmax); with one sigmoid output, 1 where it is
        at least 0.5, else 0 (an argmax over one column would always say 0).
        """
        outputs = np.asarray(outputs)
        if outputs.ndim != 2 or outputs.shape[1] != self.sizes[-1]:
            one = " (one example's? outputs.reshape(1, -1))" if outputs.ndim == 1 else ""
            raise ValueError(
                f"outputs must have shape (n, {self.sizes[-1]}), a row per example of this "
                f"network's {self.sizes[-1]} outputs; got shape {outputs.shape}{one}"
            )
        if self.sizes[-1] >= 2:
            return outputs.argmax(axis=1)
        if not self.has_accuracy:
            raise ValueError(
                f"a network with one {self.output} output does regression, which "
                f"has no classes; only a sigmoid output is a yes/no classifier"
            )
        return (outputs[:, 0] >= 0.5).astype(np.intp)

    def score(self, X, y):
        """Fraction of examples classified correctly, in [0, 1] (see :meth:`classes`)."""
        y = _checks.one_example_label(X, y)  # one example as a vector, with its one label
        X = self.check_inputs(X)
        if not self.has_accuracy:
            raise ValueError(
                f"score is the fraction classified correctly, and a network with "
                f"one {self.output} output does regression: it has no accuracy; "
                f"use loss(X, y)"
            )
        truth = _checks.check_labels(y, len(X), self.sizes[-1])
        if truth.ndim == 2:
            truth = self.classes(truth)
        return float((self.classes(self.forward(X)) == truth).mean())

    def loss(self, X, y):
        """Mean cost over the examples (no regularisation term)."""
        y = _checks.one_example_label(X, y)  # one example as a vector, with its one label
        a = self.forward(X)
        return float(self._cost.fn(a, self.targets(y, len(a))).mean())

    # -- backpropagation -----------------------------------------------------------------------
    def backprop(self, X, Y, *, dropout=0.0, rng=None, out=None, scale=1.0):
        """Gradients of the mean cost over a mini-batch, by backpropagation.

        ``X`` is (m, n_in) and ``Y`` the (m, n_out) targets, both already validated. Returns
        ``(nabla_b, nabla_w, a_out)``: lists shaped like ``biases`` and ``weights``, and the
        output activations (for the loss and accuracy, at no extra cost). ``dropout`` is the
        probability of silencing each hidden neuron (inverted dropout: survivors are scaled up
        by 1/(1-p) so nothing changes at test time): one for every hidden layer, or a sequence
        with one per hidden layer.

        ``out``, a :class:`Workspace` from :meth:`workspace`, is where a training loop has
        every array written instead of into new ones; the results are then views of it, which
        the next call with it overwrites. ``scale`` multiplies the gradients: the loop passes
        ``-eta`` and receives the step ``-eta * gradient`` itself, for the price of scaling the
        small output error instead of every weight.
        """
        work = Workspace(self, len(X)) if out is None else out
        # The forward pass, BP1 and BP2 (and how the book's layer numbers map to lists there).
        deltas, inputs, a_out = self._errors(X, Y, dropout=dropout, rng=rng, out=work, scale=scale)
        nabla_b, nabla_w = self._gradients(deltas, inputs, work)  # BP3 and BP4
        return nabla_b, nabla_w, a_out

    @staticmethod
    def _gradients(deltas, inputs, work):
        """The second half of :meth:`backprop`: BP3 and BP4 from :meth:`_errors`' results,
        written into the workspace ``work``; returns its ``(nabla_b, nabla_w)``."""
        nabla_b, nabla_w = work.nabla_b, work.nabla_w
        for i, delta in enumerate(deltas):
            np.add.reduce(delta, axis=0, out=nabla_b[i])  # BP3: dC/db^l = delta^l
            np.matmul(delta.T, inputs[i], out=nabla_w[i])  # BP4: dC/dw^l = delta^l (a^{l-1})^T
        return nabla_b, nabla_w

    def _errors(self, X, Y, *, dropout=0.0, rng=None, out=None, scale=1.0):
        """The first half of :meth:`backprop`: the forward pass, then BP1 and BP2.

        Returns ``(deltas, inputs, a_out)``: every layer's error (``deltas[i]``, (m, n), for
        the layer ``weights[i]`` feeds, divided by m and times ``scale`` like the gradients),
        what each layer received (``inputs[0]`` is ``X``; after dropout, the masked
        activations) and the output activations. BP3 and BP4 make the gradients of them:
        ``nabla_b[i] = deltas[i].sum(axis=0)``, ``nabla_w[i] = deltas[i].T @ inputs[i]``
        (:meth:`_gradients`, the second half), or a training step adds them straight into the
        parameters. Arguments as for :meth:`backprop`; with ``out`` the results are
        views of that workspace. ``scale=None`` leaves each example's error as it is, neither
        divided nor scaled: for a training step whose products scale instead (gemm's alpha).
        """
        # Layer numbers. The book calls the input layer 1 and writes w^l, b^l, z^l, a^l for the
        # weights and biases *into* layer l, its weighted input and its activation (a^1 = x).
        # Python lists start at 0 and hold no weights for the input layer, so with l = i + 2:
        #     weights[i], biases[i], zs[i], activations[i]   are the book's   w^l, b^l, z^l, a^l
        #     inputs[i]   is the book's a^{l-1} (inputs[0] = x), as the layer received it
        # The comments below use the book's superscripts for that l.
        m = len(X)
        work = Workspace(self, m) if out is None else out
        zs, activations, errors, delta_out = work.rows(m)
        weights, biases, hidden = self.weights, self.biases, self._hidden
        L = len(weights)
        rates = dropout_rates(dropout, L - 1)  # one per hidden layer, or None for no dropout
        # Forward, keeping what the backward pass needs: each layer's weighted input z, its
        # activation a = f(z) and what the next layer received (a, or a through dropout's mask).
        # The hidden layers, then the output layer: the loop asks no question a step could
        # answer once (at mini-batch 10 a step's Python costs as much as its smaller products).
        inputs, masks = [X], []
        a = X
        blocks = work.product_rows(m)  # (the product's rows at a time: a matter of speed)
        for i in range(L - 1):
            z = _product_into(a, weights[i], zs[i], blocks[i])
            z += biases[i]  # z^l = w^l a^{l-1} + b^l
            a = hidden.fn(z, out=activations[i])  # a^l = f(z^l)
            if rates is not None:
                mask = None
                if rates[i]:
                    mask = (rng.random(a.shape, dtype=np.float32) >= rates[i]).astype(a.dtype)
                    mask /= 1.0 - rates[i]  # inverted dropout: survivors scaled by 1/(1-p)
                    a = a * mask  # what the next layer receives
                masks.append(mask)
            inputs.append(a)
        z = _product_into(a, weights[-1], zs[-1], blocks[-1])
        z += biases[-1]  # z^L = w^L a^{L-1} + b^L
        a_out = self._output.fn(z, out=activations[-1])  # a^L = f(z^L)

        # BP1 and BP2: every layer's error delta^l = dC/dz^l, divided by m because the cost is
        # a mean over the mini-batch (the errors, and so the gradients, are linear in delta^L:
        # dividing, or scaling, it once scales them all).
        delta_out = output_error(self._output, self._cost, z, a_out, Y, out=delta_out)
        if scale == 1.0:
            delta_out /= m
        elif scale is not None:
            delta_out *= scale / m
        scales = masks if rates else None
        deltas = hidden_errors(
            weights, zs, activations, delta_out, hidden, scales=scales, out=errors
        )
        return deltas, inputs, a_out

    def workspace(self, batch_size):
        """A :class:`Workspace` for :meth:`backprop` on up to ``batch_size`` examples."""
        return Workspace(self, _checks.positive_int(batch_size, "batch_size"))

    def input_gradient(self, X, y):
        r"""Each example's :math:`\nabla_x C_x`, shape (n, n_in): how its cost changes with
        its pixels.

        Backpropagation carried one step past the first layer: BP1 and BP2 give
        :math:`\delta^2` (the first layer fed by the inputs, in the book's numbering), and
        since :math:`z^2 = w^2 x + b^2`, :math:`\partial C/\partial x = (w^2)^T \delta^2`.
        Unlike :meth:`backprop`, the cost is not averaged over the examples: row i is the
        gradient of example i's own cost. No dropout (the network as it predicts). ``y`` are
        labels or targets as for :meth:`fit`, or one label for one example given as a vector.
        :func:`nnwidgets.gradcheck` with ``wrt="input"`` checks it against finite differences;
        FGSM steps along its sign.
        """
        y = _checks.one_example_label(X, y)
        X = self.check_inputs(X)
        Y = self.targets(y, len(X))
        with np.errstate(over="ignore", invalid="ignore"):  # named by check_outputs
            deltas = self._each_examples_errors(X, Y)
            gradient = deltas[0] @ self.weights[0]  # dC/dx = (w^2)^T delta^2, one per row
        return _checks.check_outputs(gradient, X, self.weights, what="input gradients")

    def _each_examples_errors(self, X, Y):
        """BP1 and BP2 for checked inputs ``X`` and targets ``Y``, no dropout: every layer's
        error, one row per example, not divided by their number."""
        zs, activations = self._weighted_inputs(X)
        delta = output_error(self._output, self._cost, zs[-1], activations[-1], Y)  # BP1
        return hidden_errors(self.weights, zs, activations, delta, self._hidden)  # BP2

    def _mean_errors(self, X, Y):
        r"""BP1 to BP3 for checked inputs ``X`` and targets ``Y``: each layer's error averaged
        over the examples, which is :math:`\partial C/\partial b^l` of the mean cost (BP3),
        ``[b^2, ..., b^L]``. No BP4 (its products cost as much as the forward pass) and no
        dropout: what :mod:`~nnwidgets.layer_speed` measures."""
        return [d.mean(axis=0) for d in self._each_examples_errors(X, Y)]  # BP3

    # -- training ------------------------------------------------------------------------------
    def fit(self, X, y, *, epochs=10, batch_size=64, learning_rate=0.1, **options):
        """Train by mini-batch stochastic gradient descent; returns the :class:`History`.

        See :class:`nnwidgets.training.Trainer` for every option (momentum, l2, l1, dropout,
        schedule, validation, early_stopping, callbacks, threads). The history is also kept
        as ``self.history_``, including when training stops early or diverges; a run refused
        before it begins (a callback's ``on_train_begin`` raising) leaves the previous one.
        """
        from .training import OPTIONS, Trainer

        _checks.reject_unknown(options, OPTIONS, "fit")
        trainer = Trainer(
            self, X, y, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, **options
        )
        return trainer.run()

    def SGD(
        self,
        training_data,
        epochs,
        mini_batch_size,
        eta,
        test_data=None,
        *,
        lmbda=0.0,
        verbose=True,
        **options,
    ):
        """The book's interface: lists of ``(x, y)`` column-vector pairs.

        ``training_data`` holds ``(x, y)`` with x of shape (784, 1) and y a one-hot (10, 1)
        column (or an int label); ``test_data`` holds ``(x, label)``. Prints "Epoch j: correct
        / total" as the book's code does, and returns the :class:`History`.
        """
        from .training import OPTIONS, Callback, callback_list

        _checks.reject_unknown(
            options,
            set(OPTIONS) - {"epochs", "batch_size", "learning_rate", "l2", "validation"},
            "SGD",
        )
        X, y = _from_book_format(training_data, "training_data", self.sizes)
        validation = (
            _from_book_format(test_data, "test_data", self.sizes) if test_data is not None else None
        )

        class _BookPrinter(Callback):
            def on_epoch_end(self, trainer, epoch, logs):
                if "val_accuracy" in logs:
                    n = len(validation[0])
                    print(f"Epoch {epoch}: {round(logs['val_accuracy'] * n)} / {n}")
                else:
                    print(f"Epoch {epoch} complete")

        callbacks = callback_list(options.pop("callbacks", None))
        if verbose:
            callbacks.append(_BookPrinter())
        return self.fit(
            X,
            y,
            epochs=epochs,
            batch_size=mini_batch_size,
            learning_rate=eta,
            l2=lmbda,
            validation=validation,
            callbacks=callbacks,
            **options,
        )

    # -- changes, for widgets that show this network ---------------------------------------------
    def subscribe(self, callback):
        """Call ``callback(network)`` whenever the weights change; returns an unsubscribe function.

        Training notifies during each epoch (at most every ``notify_interval`` seconds), at
        its end and when training stops; :meth:`set_parameters` notifies too. Callbacks run on
        the thread that changed the weights, the training thread included, so they must be
        cheap: the widgets only mark themselves out of date there and send from elsewhere.
        Safe to call from any thread.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable; got {callback!r}")
        with self._listeners_lock:
            self._listeners.append(callback)

        def unsubscribe():
            with self._listeners_lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def notify_changed(self):
        """Tell subscribers the weights changed (call after editing weights by hand)."""
        with self._listeners_lock:
            callbacks = list(self._listeners)
        # Called outside the lock: a callback may unsubscribe itself or subscribe another.
        for callback in callbacks:
            callback(self)

    def set_parameters(self, weights, biases):
        """Replace every weight and bias (validated against the architecture), then notify.

        Nothing changes unless every array passes: a refused layer leaves all of them as they
        were."""
        weights, biases = _parameter_list(weights, "weights"), _parameter_list(biases, "biases")
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ValueError(
                f"expected {len(self.weights)} weight matrices and bias vectors "
                f"for sizes {self.sizes}; got {len(weights)} and {len(biases)}"
            )
        new_w, new_b = [], []
        for l, (w, b, w0, b0) in enumerate(zip(weights, biases, self.weights, self.biases)):
            w, b = _real_array(w, f"layer {l}: weights"), _real_array(b, f"layer {l}: biases")
            if w.shape != w0.shape or b.shape != b0.shape:
                raise ValueError(
                    f"layer {l}: expected weights {w0.shape} and biases {b0.shape}; "
                    f"got {w.shape} and {b.shape}"
                )
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise ValueError(f"layer {l}: weights and biases must be finite")
            with np.errstate(over="ignore"):  # 1e300 as float32 is inf: refused just below
                w_new, b_new = aligned_copy(w, self.dtype), aligned_copy(b, self.dtype)
            if not (np.isfinite(w_new).all() and np.isfinite(b_new).all()):
                top = max(float(np.abs(a).max(initial=0)) for a in (w, b))
                raise ValueError(
                    f"layer {l}: weights and biases must fit this network's {self.dtype} (at "
                    f"most {float(np.finfo(self.dtype).max):.3g} in size); got values up to "
                    f"{top:.3g}"
                )
            new_w.append(w_new)
            new_b.append(b_new)
        self.weights, self.biases = new_w, new_b
        self.notify_changed()

    def copy(self):
        """An independent copy with the same configuration and parameters (no subscribers)."""
        twin = type(self)(**{**self.config(), **self._own_pieces()})
        twin.weights = [aligned_copy(w) for w in self.weights]
        twin.biases = [aligned_copy(b) for b in self.biases]
        # The generator's state too: the twin shuffles (and drops out) as this one would next,
        # so training both compares their settings, not their draws.
        twin.seed = self.seed
        twin.rng = copy.deepcopy(self.rng)
        return twin

    # -- files ---------------------------------------------------------------------------------
    def save(self, path, *, dtype=None):
        """Write the network to an ``.npz`` file (atomically; never pickle).

        ``dtype="float16"`` halves the file, at a precision cost that predictions rarely notice.
        A network with NaN or infinite weights is refused (ValueError saying which layer).
        A file names its functions: your own activation or cost is stored as the built-in it
        computes (``activation_function.builtin``), and one that computes none is refused
        (ValueError naming it); nothing is written then.
        """
        modelfile.write(path, self._file_config(), self.weights, self.biases, dtype=dtype)

    def _file_config(self):
        """:meth:`config` with built-in names only, as a model file stores them."""
        config = self.config()
        kinds = {"activation": "activation", "output": "activation", "cost": "cost"}
        for key, f in (
            ("activation", self._hidden),
            ("output", self._output),
            ("cost", self._cost),
        ):
            if not f.custom:
                continue
            if f.builtin is None:
                names = (
                    functions.COSTS
                    if key == "cost"
                    else functions.HIDDEN_ACTIVATIONS
                    if key == "activation"
                    else functions.ACTIVATIONS
                )
                raise ValueError(
                    f"cannot save: {key} {f.name} is your own {kinds[key]}, and a model file "
                    f"stores functions by name; {f.name} computes none of the built-in ones "
                    f"({', '.join(names)}), so a loaded network could not run it. Save the "
                    f"parameters yourself (np.savez(path, *net.weights, *net.biases)) or train "
                    f"with a built-in {kinds[key]}; nothing was written"
                )
            config[key] = f.builtin
        return config

    @classmethod
    def load(cls, path):
        """Read a network written by :meth:`save`, as an instance of ``cls``.

        Raises :class:`nnwidgets.modelfile.ModelFileError` (a ValueError) naming the file for
        anything wrong in it; the file is never unpickled.
        """
        config, weights, biases = modelfile.read(path)
        try:
            net = cls(**config)
        except (TypeError, ValueError) as exc:
            raise modelfile.ModelFileError(
                f"{str(path)!r}: its config {config} does not make a network: {exc}"
            ) from exc
        net.set_parameters(weights, biases)
        return net

    # -- input checks, for the training loop and gradcheck too ------------------------------------
    def check_inputs(self, X, *, name="X"):
        """``X`` as a finite (n, n_in) array of this network's dtype (images are flattened);
        ``name`` is what an error message calls it."""
        return _checks.check_inputs(X, self.sizes[0], self.dtype, name)

    def targets(self, y, n=None, *, name="y"):
        """The (n, n_out) target matrix for integer labels (one-hot) or targets ``y``.

        With one output neuron each number is the desired output itself ((n,) or (n, 1)):
        labels 0 and 1 for a yes/no network, any number for regression. ``name`` is what an
        error message calls them.
        """
        n = len(y) if n is None else n
        return _checks.targets(y, n, self.sizes[-1], self.dtype, name)


# Pairs that train but do not mean what the user asked for. A sigmoid output with the
# log-likelihood cost: -ln a_y rewards raising the target neuron alone, and sigmoid outputs are
# independent, so every output rises to 1 and the loss goes to 0 while the network guesses.
_MISMATCHED = {("sigmoid", "log_likelihood"): "cost='log_likelihood' is for output='softmax'"}


def _warn_if_mismatched(output, cost):
    """Warn about an output/cost pair that trains to a low loss without learning."""
    why = _MISMATCHED.get((output, cost))
    if why:
        warnings.warn(
            f"output={output!r} with cost={cost!r} trains to a loss near 0 without "
            f"learning: the outputs are independent, so all of them rise to 1. {why}; "
            f"for sigmoid outputs use cost='cross_entropy' or 'quadratic'.",
            UserWarning,
            stacklevel=3,
        )


def dropout_rates(dropout, n_hidden):
    """``dropout`` as a tuple of one rate per hidden layer, or None when every rate is 0.

    A number is every hidden layer's rate; a sequence must hold ``n_hidden`` of them (the
    Trainer checks each is in [0, 1) with messages naming the setting).
    """
    if dropout.__class__ is float and not dropout:  # no dropout, the common case: at once
        return None
    if isinstance(dropout, numbers.Real):
        return (float(dropout),) * n_hidden if dropout else None
    rates = tuple(float(p) for p in dropout)
    if len(rates) != n_hidden:
        raise ValueError(
            f"dropout must be one number for every hidden layer or a list of {n_hidden} (one "
            f"per hidden layer); got {len(rates)}: {list(rates)}"
        )
    return rates if any(rates) else None


def _check_sizes(sizes):
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(
            f"sizes must be a list of layer sizes like [784, 100, 10]; got {sizes!r}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output layer; got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s <= 0:
            raise ValueError(f"every layer size must be a positive integer; got {sizes}")
    sizes = [int(s) for s in sizes]
    n_params = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    if n_params > MAX_PARAMS:  # drawing them could take the machine's memory, and the kernel
        raise ValueError(
            f"sizes {sizes} make {n_params:,} weights and biases ({n_params * 4 / 1e9:.3g} GB "
            f"as float32); a Network holds at most {MAX_PARAMS:,}. A layer size with a zero "
            f"too many? [784, 100, 10] has 79,510"
        )
    return sizes


def _parameter_list(arrays, name):
    """``arrays`` (a list, tuple or generator of arrays) as a list, or a TypeError naming it."""
    if arrays is None or isinstance(arrays, (str, bytes, dict)):
        raise TypeError(
            f"{name} must be a list of arrays, one per layer; got {_checks._shorten(arrays)}"
        )
    try:
        return list(arrays)
    except TypeError:
        raise TypeError(
            f"{name} must be a list of arrays, one per layer; got {type(arrays).__name__}"
        ) from None


def _real_array(a, where):
    """``a`` as an array of real numbers, or an error naming ``where``: never a string array
    reaching isfinite, nor a complex one losing its imaginary part with a warning."""
    try:
        a = np.asarray(a)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{where} must be a rectangular array of numbers") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{where} must hold real numbers; got dtype {a.dtype}")
    return a


def _check_dtype(dtype):
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    if isinstance(name, str) and name not in ("float32", "float64"):
        try:  # "f4", "double", "single": NumPy's other names for the two
            name = np.dtype(name).name
        except TypeError:
            pass
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")
    return np.dtype(name)


def _from_book_format(data, name, sizes):
    """Lists of (x, y) column-vector pairs, as the book's loader makes them, to (X, targets):
    x an (n_in, 1) column, y a label, a one-hot (n_out, 1) column or, with one output, the
    desired output itself."""
    if data is None or isinstance(data, (str, bytes, dict)):
        raise TypeError(f"{name} must be a list of (x, y) pairs; got {_checks._shorten(data)}")
    data = list(data)
    if not data:
        raise ValueError(f"{name} is empty")
    n_in, n_out = sizes[0], sizes[-1]
    X, Y = np.empty((len(data), n_in)), np.zeros((len(data), n_out))
    for i, pair in enumerate(data):
        try:
            x, y = pair
            x = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be a list of (x, y) pairs with x a column vector; "
                f"{name}[{i}] is {_book_item(pair)}"
            ) from None
        if x.size != n_in:
            raise ValueError(
                f"{name}[{i}]: x must be a ({n_in}, 1) column for this network's {n_in} "
                f"inputs; got shape {x.shape}"
            )
        X[i] = x.reshape(-1)
        Y[i] = _book_target(y, n_out, f"{name}[{i}]")
    return X, Y


def _book_target(y, n_out, where):
    """One book example's y as its (n_out,) target row, or a ValueError naming ``where``."""
    t = np.asarray(y)
    if t.dtype.kind in "biuf" and t.size == n_out and (n_out > 1 or t.ndim > 0):
        return t.reshape(-1)  # a one-hot column (or the one output's desired value)
    if t.dtype.kind in "biuf" and t.size == 1:
        value = float(t.reshape(()))
        if n_out == 1:
            return value  # one output: the desired output itself (0/1, or any number)
        if value.is_integer() and 0 <= value < n_out:
            row = np.zeros(n_out)
            row[int(value)] = 1.0
            return row
    raise ValueError(
        f"{where}: y must be a label in 0..{n_out - 1} or a one-hot ({n_out}, 1) column "
        f"for this network's {n_out} outputs; got {_book_item(y)}"
    )


def _book_item(value):
    """An example's part, for a message: an array by its shape, anything else by its repr."""
    if isinstance(value, np.ndarray) and value.ndim:
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return _checks._shorten(value)
