"""A feed-forward network written from scratch in NumPy, to be read next to the book.

Orientation follows the book: ``weights[l]`` has shape (n_out, n_in) and ``biases[l]`` shape
(n_out,). Where the book feeds one column vector at a time, we feed a whole mini-batch as rows
(one example per row), so the book's ``w a + b`` becomes ``a @ w.T + b`` and every equation
works on all examples at once. Training lives in :mod:`nnwidgets.training`; saving and loading
in :mod:`nnwidgets.modelfile`.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import functions

__all__ = ["Network"]

INITS = ("large", "scaled")


class Network:
    """A fully connected feed-forward network.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input first: ``[784, 100, 10]`` is 784 inputs, one hidden layer of
        100 neurons and 10 outputs.
    activation : {"sigmoid", "tanh", "relu", "leaky_relu", "linear"}
        Activation of the hidden layers.
    output : {"softmax", "sigmoid", "tanh", "relu", "leaky_relu", "linear"}
        Activation of the output layer.
    cost : {"cross_entropy", "log_likelihood", "quadratic"}
        The cost that training minimises.
    init : {"scaled", "large"}
        ``"large"``: weights and biases drawn from N(0, 1), the book's first choice, which
        saturates sigmoid neurons. ``"scaled"``: weights from N(0, 1/n_in) (N(0, 2/n_in), He's
        choice, for ReLU-like activations) and zero biases.
    seed : int or None
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

    def __init__(self, sizes, *, activation="relu", output="softmax", cost="cross_entropy",
                 init="scaled", seed=None, dtype="float32"):
        self.sizes = _check_sizes(sizes)
        self._hidden = functions.get_activation(
            activation, where="activation", allowed=functions.HIDDEN_ACTIVATIONS)
        self._output = functions.get_activation(output, where="output")
        self._cost = functions.get_cost(cost, output)
        if init not in INITS:
            raise ValueError(f"init must be one of {', '.join(map(repr, INITS))}; got {init!r}")
        self.init = init
        self.dtype = _check_dtype(dtype)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.weights, self.biases = self._initial_parameters()
        self.history_ = None
        self._listeners = []

    # -- configuration -------------------------------------------------------------------------
    @property
    def activation(self):
        """Name of the hidden layers' activation."""
        return self._hidden.name

    @property
    def output(self):
        """Name of the output layer's activation."""
        return self._output.name

    @property
    def cost(self):
        """Name of the cost function."""
        return self._cost.name

    @property
    def num_layers(self):
        return len(self.sizes)

    @property
    def n_params(self):
        """Number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def config(self):
        """The constructor arguments, as plain Python values (for saving and display)."""
        return {"sizes": list(self.sizes), "activation": self.activation, "output": self.output,
                "cost": self.cost, "init": self.init, "dtype": self.dtype.name}

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.activation!r}, output={self.output!r}, "
                f"cost={self.cost!r}, dtype={self.dtype.name!r})")

    def _initial_parameters(self):
        weights, biases = [], []
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            if self.init == "large":
                std, bias_std = 1.0, 1.0
            else:
                last = l == len(self.sizes) - 2
                kind = self.output if last else self.activation
                gain = 2.0 if kind in ("relu", "leaky_relu") else 1.0  # He et al. for ReLU
                std, bias_std = np.sqrt(gain / n_in), 0.0
            weights.append((self.rng.standard_normal((n_out, n_in)) * std).astype(self.dtype))
            biases.append((self.rng.standard_normal(n_out) * bias_std).astype(self.dtype))
        return weights, biases

    # -- the forward pass ----------------------------------------------------------------------
    def forward(self, X, *, return_activations=False):
        """Feed ``X`` (n, sizes[0]) forward; the output activations (n, sizes[-1]).

        With ``return_activations=True``, every layer's activations ``[X, a1, ..., aL]``
        instead, which is what the activation diagram draws.
        """
        a = self._check_X(X)
        activations = [a]
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            f = self._output if l == len(self.weights) - 1 else self._hidden
            a = f.fn(a @ w.T + b)  # a^l = f(w^l a^{l-1} + b^l), all examples at once
            activations.append(a)
        return activations if return_activations else a

    def feedforward(self, a):
        """The book's ``feedforward``: one example as a column vector (n_in, 1) in, (n_out, 1) out."""
        a = np.asarray(a)
        return self.forward(a.reshape(1, -1)).reshape(-1, 1)

    def predict_proba(self, X):
        """Output activations, shape (n, n_out); probabilities when the output is softmax."""
        return self.forward(X)

    def predict(self, X):
        """The most active output neuron for each example: (n,) int labels."""
        return self.forward(X).argmax(axis=1)

    def score(self, X, y):
        """Fraction of examples classified correctly, in [0, 1]."""
        labels = self._check_labels(y, len(self._check_X(X)))
        if labels.ndim == 2:
            labels = labels.argmax(axis=1)
        return float((self.predict(X) == labels).mean())

    def loss(self, X, y):
        """Mean cost over the examples (no regularisation term)."""
        a = self.forward(X)
        return float(self._cost.fn(a, self._targets(y, len(a))).mean())

    # -- backpropagation -----------------------------------------------------------------------
    def backprop(self, X, Y, *, dropout=0.0, rng=None):
        """Gradients of the mean cost over a mini-batch, by backpropagation.

        ``X`` is (m, n_in) and ``Y`` the (m, n_out) targets, both already validated. Returns
        ``(nabla_b, nabla_w, a_out)``: lists shaped like ``biases`` and ``weights``, and the
        output activations (for the loss and accuracy, at no extra cost). ``dropout`` is the
        probability of silencing each hidden neuron (inverted dropout: survivors are scaled up
        by 1/(1-p) so nothing changes at test time).
        """
        m = len(X)
        L = len(self.weights)
        # Forward, remembering every z and activation: backpropagation needs them.
        # With dropout, ``fzs`` keeps f(z) before masking, which the derivatives need.
        activations, zs, fzs, masks = [X], [], [X], []
        a = X
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ w.T
            z += b  # z^l = w^l a^{l-1} + b^l, adding b in place: one array fewer per layer
            f = self._output if l == L - 1 else self._hidden
            a = f.fn(z)
            fzs.append(a)
            if dropout and l < L - 1:
                keep = (rng.random(a.shape, dtype=np.float32) >= dropout).astype(a.dtype)
                keep /= 1.0 - dropout
                a = a * keep
                masks.append(keep)
            zs.append(z)
            activations.append(a)

        nabla_b, nabla_w = [None] * L, [None] * L
        # BP1: the error of the output layer, delta^L = grad_a C (.) f'(z^L).
        if (self.output, self.cost) in functions.CANCELLING_PAIRS:
            delta = activations[-1] - Y  # f' cancels the cost's derivative exactly
        else:
            delta = self._output.backward(zs[-1], activations[-1], self._cost.grad(activations[-1], Y))
        delta = delta / m  # the cost is a mean over the mini-batch
        for l in range(L - 1, -1, -1):
            nabla_b[l] = delta.sum(axis=0)  # BP3: dC/db^l = delta^l
            nabla_w[l] = delta.T @ activations[l]  # BP4: dC/dw^l = delta^l (a^{l-1})^T
            if l == 0:
                break  # the input layer has no error to compute
            # BP2: delta^{l-1} = ((w^l)^T delta^l) (.) f'(z^{l-1}); dropout masks pass through.
            grad_a = delta @ self.weights[l]
            if masks:
                grad_a *= masks[l - 1]
            delta = self._hidden.backward(zs[l - 1], fzs[l], grad_a)
        return nabla_b, nabla_w, activations[-1]

    # -- training ------------------------------------------------------------------------------
    def fit(self, X, y, *, epochs=10, batch_size=64, learning_rate=0.1, **options):
        """Train by mini-batch stochastic gradient descent; returns the :class:`History`.

        See :class:`nnwidgets.training.Trainer` for every option (momentum, l2, l1, dropout,
        schedule, validation, early_stopping, callbacks, threads). The history is also kept
        as ``self.history_``, including when training stops early or diverges.
        """
        from .training import Trainer

        trainer = Trainer(self, X, y, epochs=epochs, batch_size=batch_size,
                          learning_rate=learning_rate, **options)
        return trainer.run()

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None, *,
            lmbda=0.0, verbose=True, **options):
        """The book's interface: lists of ``(x, y)`` column-vector pairs.

        ``training_data`` holds ``(x, y)`` with x of shape (784, 1) and y a one-hot (10, 1)
        column (or an int label); ``test_data`` holds ``(x, label)``. Prints "Epoch j: correct
        / total" as the book's code does, and returns the :class:`History`.
        """
        from .training import Callback

        X, y = _from_book_format(training_data, "training_data")
        validation = _from_book_format(test_data, "test_data") if test_data is not None else None

        class _BookPrinter(Callback):
            def on_epoch_end(self, trainer, epoch, logs):
                if "val_accuracy" in logs:
                    n = len(validation[0])
                    print(f"Epoch {epoch}: {round(logs['val_accuracy'] * n)} / {n}")
                else:
                    print(f"Epoch {epoch} complete")

        callbacks = list(options.pop("callbacks", []))
        if verbose:
            callbacks.append(_BookPrinter())
        return self.fit(X, y, epochs=epochs, batch_size=mini_batch_size, learning_rate=eta,
                        l2=lmbda, validation=validation, callbacks=callbacks, **options)

    # -- changes, for widgets that show this network ---------------------------------------------
    def subscribe(self, callback):
        """Call ``callback(network)`` whenever the weights change; returns an unsubscribe function.

        Training notifies at the end of every epoch and when it stops; :meth:`set_parameters`
        and :meth:`load` notify too. The widgets use this to redraw.
        """
        self._listeners.append(callback)

        def unsubscribe():
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def notify_changed(self):
        """Tell subscribers the weights changed (call after editing weights by hand)."""
        for callback in list(self._listeners):
            callback(self)

    def set_parameters(self, weights, biases):
        """Replace every weight and bias (validated against the architecture), then notify."""
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ValueError(f"expected {len(self.weights)} weight matrices and bias vectors "
                             f"for sizes {self.sizes}; got {len(weights)} and {len(biases)}")
        new_w, new_b = [], []
        for l, (w, b, w0, b0) in enumerate(zip(weights, biases, self.weights, self.biases)):
            w, b = np.asarray(w), np.asarray(b)
            if w.shape != w0.shape or b.shape != b0.shape:
                raise ValueError(f"layer {l}: expected weights {w0.shape} and biases {b0.shape}; "
                                 f"got {w.shape} and {b.shape}")
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise ValueError(f"layer {l}: weights and biases must be finite")
            new_w.append(w.astype(self.dtype))
            new_b.append(b.astype(self.dtype))
        self.weights, self.biases = new_w, new_b
        self.notify_changed()

    def copy(self):
        """An independent copy with the same configuration and parameters (no subscribers)."""
        twin = Network(self.sizes, **{k: v for k, v in self.config().items() if k != "sizes"})
        twin.weights = [w.copy() for w in self.weights]
        twin.biases = [b.copy() for b in self.biases]
        return twin

    # -- files ---------------------------------------------------------------------------------
    def save(self, path, *, dtype=None):
        """Write the network to an ``.npz`` file (atomically; never pickle).

        ``dtype="float16"`` halves the file, at a precision cost that predictions rarely notice.
        """
        from .modelfile import save_network

        save_network(self, path, dtype=dtype)

    @classmethod
    def load(cls, path):
        """Read a network written by :meth:`save`."""
        from .modelfile import load_network

        return load_network(path)

    # -- input checks ----------------------------------------------------------------------------
    def _check_X(self, X):
        """``X`` as a finite (n, n_in) array of this network's dtype."""
        try:
            X = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"X must be an array of numbers; got {type(X).__name__}") from exc
        n_in = self.sizes[0]
        if X.ndim == 1 and X.size == n_in:
            X = X.reshape(1, n_in)
        elif X.ndim > 2 and int(np.prod(X.shape[1:])) == n_in:
            X = X.reshape(len(X), n_in)  # (n, 28, 28) images are fine
        if X.ndim != 2 or X.shape[1] != n_in:
            raise ValueError(f"X must have shape (n_samples, {n_in}) for this network's "
                             f"{n_in} inputs; got shape {X.shape}")
        if len(X) == 0:
            raise ValueError("X is empty: expected at least one example")
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values; inputs must be finite")
        return X

    def _check_labels(self, y, n):
        """Integer labels (n,) in range, or targets (n, n_out); shape-checked against n."""
        y = np.asarray(y)
        n_out = self.sizes[-1]
        if y.ndim == 2 and y.shape == (n, n_out):
            if not np.isfinite(y).all():
                raise ValueError("y contains NaN or infinite values")
            return y
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != n:
            raise ValueError(f"y must be {n} integer labels (shape ({n},)) or targets of shape "
                             f"({n}, {n_out}); got shape {y.shape}")
        if y.dtype.kind not in "iu":
            if y.dtype.kind == "f" and np.isfinite(y).all() and (y == np.round(y)).all():
                y = y.astype(np.int64)
            else:
                raise ValueError(f"y must hold integer class labels; got dtype {y.dtype}")
        if y.min() < 0 or y.max() >= n_out:
            bad = y[(y < 0) | (y >= n_out)][0]
            raise ValueError(f"labels must be in 0..{n_out - 1} for {n_out} outputs; got {bad}")
        return y

    def _targets(self, y, n):
        """The (n, n_out) target matrix for labels or targets ``y``."""
        y = self._check_labels(y, n)
        if y.ndim == 2:
            return y.astype(self.dtype, copy=False)
        Y = np.zeros((n, self.sizes[-1]), dtype=self.dtype)
        Y[np.arange(n), y] = 1.0
        return Y


def _check_sizes(sizes):
    try:
        sizes = list(sizes)
    except TypeError:
        raise TypeError(f"sizes must be a list of layer sizes like [784, 100, 10]; "
                        f"got {sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output layer; got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s <= 0:
            raise ValueError(f"every layer size must be a positive integer; got {sizes}")
    return [int(s) for s in sizes]


def _check_dtype(dtype):
    name = np.dtype(dtype).name if isinstance(dtype, (type, np.dtype)) else dtype
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")
    return np.dtype(name)


def _from_book_format(data, name):
    """Lists of (x, y) column-vector pairs, as the book's loader makes them, to (X, labels)."""
    data = list(data)
    if not data:
        raise ValueError(f"{name} is empty")
    try:
        X = np.stack([np.asarray(x, dtype=np.float64).reshape(-1) for x, _ in data])
        ys = [np.asarray(y) for _, y in data]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a list of (x, y) pairs with x a column vector") from exc
    labels = np.array([int(y.argmax()) if y.size > 1 else int(y) for y in ys])
    return X, labels
