"""The reader's own book-style network as an :class:`nnwidgets.Network`, for the widgets.

The book's class keeps ``sizes``, ``weights`` (n_out, n_in) and ``biases`` as (n_out, 1)
columns, and computes gradients one example at a time with ``backprop(x, y)``.
:func:`as_network` wraps such an object so that the canvas, the diagram and the dashboard can
use it. The wrapper holds no parameters of its own: it reads the reader's arrays and writes
into them in place, so training in the dashboard trains the reader's network, and the reader's
own ``feedforward`` sees every step.

Three promises:

- **One wrapper per book network.** ``as_network(net) is as_network(net)``: every widget and
  dashboard given ``net`` shares one wrapper, one list of subscribers and one training lock.
- **The reader's object is changed only through its parameters' values.** Its arrays are never
  replaced, reshaped or converted: 1-D biases stay 1-D, float32, Fortran-ordered or integer
  arrays stay what they are. Training writes its steps into them in place.
- **The widgets follow the reader's own training.** After ``net.SGD(...)`` or
  ``net.update_mini_batch(...)`` (which replace or edit the arrays), a watcher notices within
  :data:`WATCH_INTERVAL` seconds (a CRC of the parameters' bytes, compared while anything
  subscribes) and notifies, so no ``notify_changed()`` is needed.
"""

from __future__ import annotations

import threading
import weakref
import zlib

import numpy as np

from . import _checks, functions
from .network import Network, _parameter_list

__all__ = ["as_network", "BookNetwork", "WATCH_INTERVAL"]

#: Seconds between two looks at a subscribed book network's parameters.
WATCH_INTERVAL = 0.2

# id(book) -> its wrapper. The wrapper holds the book, so the id cannot be reused while the
# entry lives; the entry goes when nothing holds the wrapper any more. Keyed by id rather than
# by the book itself because many objects (a SimpleNamespace) cannot be weakly referenced.
_wrappers: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_wrappers_lock = threading.Lock()


def as_network(book_net, *, seed=None, cost=None):
    """Wrap a book-style network (``sizes``, ``weights``, ``biases``; ``backprop(x, y)`` to train).

    The result is an :class:`nnwidgets.Network` with sigmoid neurons and the quadratic cost, as
    in the book, or the cost ``cost`` names: a built-in's name, or a network2-style cost (an
    object or class with ``fn(a, y)`` and ``delta(z, a, y)``, one example per row, checked as
    ``Network(cost=...)`` checks it). The book network's own ``backprop`` computes the
    gradients, with whatever cost it uses; ``cost`` says which one that is, for the loss
    training reports, :func:`~nnwidgets.gradcheck` and the diagram's errors. Given again for
    the same book network, it replaces the wrapper's cost.

    Its forward pass is NumPy's, vectorised; its gradients come from ``book_net.backprop``,
    one example at a time, averaged over each mini-batch: so
    ``TrainingDashboard(as_network(net), ...)`` trains ``net`` with the reader's own
    backpropagation (the dashboard's own update step applies them, in place).

    The same object always gets the same wrapper (``as_network(net) is as_network(net)``), and
    a network already an :class:`nnwidgets.Network` is returned unchanged. ``seed`` (re)seeds
    the wrapper's random generator, which shuffles the training data: the same seed, the same
    run. The reader's parameters are checked at every call: ``weights[l]`` must be a NumPy array
    of shape (sizes[l+1], sizes[l]) and ``biases[l]`` one of shape (sizes[l+1], 1) or
    (sizes[l+1],), all finite; anything else is refused (``ValueError``/``TypeError`` naming
    the array and why).
    """
    if isinstance(book_net, Network):
        if cost is not None:
            raise ValueError(
                f"cost is for a book-style network; {book_net!r} is a Network already, with "
                f"its own cost (make it with Network(..., cost=...)); got cost={cost!r}"
            )
        return book_net
    sizes = _check_book(book_net)
    with _wrappers_lock:
        wrapper = _wrappers.get(id(book_net))
        if wrapper is None or wrapper._book is not book_net or wrapper.sizes != sizes:
            cost = "quadratic" if cost is None else cost
            wrapper = BookNetwork(book_net, seed=seed, cost=cost)
            _wrappers[id(book_net)] = wrapper
        else:
            if seed is not None:
                wrapper.seed = _checks.check_seed(seed)
                wrapper.rng = np.random.default_rng(wrapper.seed)
            if cost is not None:
                wrapper._cost = functions.cost_from(cost, wrapper._output, sizes[-1])
    return wrapper


def book_activation(book_net):
    """The activation a book-style object names: a string attribute ``activation``, else None.

    Only a string names a function: a reader may keep anything under that name (a cached
    array of activations, say), which says nothing about the neurons.
    """
    name = getattr(book_net, "activation", None)
    return name if isinstance(name, str) else None


def _check_book(book_net):
    """The book network's sizes, after checking that a wrapper can serve its parameters."""
    missing = [a for a in ("sizes", "weights", "biases") if not hasattr(book_net, a)]
    if missing:
        raise TypeError(
            f"as_network needs an object with sizes, weights and biases (the "
            f"book's Network); {type(book_net).__name__} lacks {', '.join(missing)}"
        )
    activation = book_activation(book_net)
    if activation not in (None, "sigmoid"):
        raise ValueError(
            f"as_network wraps the book's sigmoid networks; this one's activation is {activation!r}"
        )
    try:
        sizes = [int(n) for n in book_net.sizes]
    except (TypeError, ValueError):
        raise TypeError(
            f"sizes must be a list of layer sizes like [784, 30, 10]; got {book_net.sizes!r}"
        ) from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must hold at least two positive layer sizes; got {sizes}")
    shapes = [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    for kind in ("weights", "biases"):
        arrays = getattr(book_net, kind)
        try:
            count = len(arrays)
        except TypeError:
            raise TypeError(
                f"{kind} must be a list of NumPy arrays, one per layer; got {type(arrays).__name__}"
            ) from None
        if count != len(shapes):
            raise ValueError(
                f"{kind} must hold {len(shapes)} arrays for sizes {sizes}, one per "
                f"layer; got {count}"
            )
    for l, ((n_out, n_in), w, b) in enumerate(zip(shapes, book_net.weights, book_net.biases)):
        _check_array(w, f"weights[{l}]")
        if w.shape != (n_out, n_in):
            flipped = (
                " (transposed: the book's weights[l] is (n_out, n_in))"
                if w.shape == (n_in, n_out)
                else ""
            )
            raise ValueError(
                f"weights[{l}] must have shape {(n_out, n_in)} for sizes {sizes} "
                f"(n_out, n_in); got {w.shape}{flipped}"
            )
        _check_array(b, f"biases[{l}]")
        if b.shape not in ((n_out, 1), (n_out,)):
            why = " (a row: the book's biases are columns)" if b.shape == (1, n_out) else ""
            raise ValueError(
                f"biases[{l}] must be a column of shape {(n_out, 1)} or a vector "
                f"of shape {(n_out,)} for sizes {sizes}; got {b.shape}{why}"
            )
    return sizes


def _check_array(a, where):
    if not isinstance(a, np.ndarray) or isinstance(a, np.matrix):
        raise TypeError(
            f"{where} must be a NumPy array, which the widgets read and training "
            f"updates in place; got {type(a).__name__} (use np.array(...))"
        )
    if a.dtype.kind not in "iuf":
        raise TypeError(f"{where} must hold real numbers; got dtype {a.dtype}")
    # A sum is finite only if every entry is (integers always are).
    if a.dtype.kind == "f" and not np.isfinite(a.sum(dtype=np.float64)):
        raise ValueError(
            f"{where} contains NaN or infinite values; the widgets can only show "
            f"finite weights (re-initialise the network, or train it with a "
            f"smaller learning rate)"
        )


def _column_view(b):
    """``b`` as a 1-D view of the same memory: (n, 1) -> (n,), (n,) unchanged."""
    return b[:, 0] if b.ndim == 2 else b


class BookNetwork(Network):
    """A view of a book-style network as a :class:`Network`; see :func:`as_network`.

    Build it with :func:`as_network`, which keeps one per book network.
    """

    def __init__(self, book_net, *, seed=None, cost="quadratic"):
        _check_book(book_net)
        self._book = book_net
        self._seen = None  # the parameters' fingerprint when subscribers last heard of them
        # The parent's set-up without its random draw: _initial_parameters below hands back
        # the reader's own arrays, and the weights setter leaves arrays alone that are already
        # the reader's.
        super().__init__(
            book_net.sizes,
            activation="sigmoid",
            output="sigmoid",
            cost=cost,
            init="large",
            seed=seed,
            dtype="float64",
        )

    def _initial_parameters(self):
        return self.weights, self.biases

    @property
    def book_network(self):
        """The wrapped object."""
        return self._book

    # The parameters live in the book network: its own arrays (biases as 1-D views of its
    # columns), so the trainer's in-place updates reach it.
    @property
    def weights(self):
        return list(self._book.weights)

    @weights.setter
    def weights(self, values):
        self._write("weights", list(self._book.weights), values)

    @property
    def biases(self):
        return [_column_view(b) for b in self._book.biases]

    @biases.setter
    def biases(self, values):
        self._write("biases", self.biases, values)

    def set_parameters(self, weights, biases):
        """As :meth:`Network.set_parameters`, into the reader's arrays; every array is checked
        first, so a read-only one refuses the call before any layer is written."""
        weights, biases = _parameter_list(weights, "weights"), _parameter_list(biases, "biases")
        self._check_writable("weights", list(self._book.weights), weights)
        self._check_writable("biases", self.biases, biases)
        super().set_parameters(weights, biases)

    def _check_writable(self, kind, targets, values):
        """Raise unless every one of ``values`` can be copied into its target."""
        for l, (target, value) in enumerate(zip(targets, values)):
            if _same_view(value, target):
                continue
            if not target.flags.writeable:
                raise TypeError(
                    f"cannot write into the book network's {kind}[{l}] ({target.dtype}, "
                    f"read-only): nothing was written (make it writable first)"
                )

    def _write(self, kind, targets, values):
        """Copy ``values`` into the reader's arrays (never replacing them); all are checked
        before the first is written."""
        values = list(values)
        if len(values) != len(targets):
            raise ValueError(f"expected {len(targets)} arrays for {kind}; got {len(values)}")
        checked = []
        for l, (target, value) in enumerate(zip(targets, values)):
            if _same_view(value, target):
                continue
            value = np.asarray(value)
            if value.shape != target.shape:
                raise ValueError(
                    f"{kind}[{l}] has shape {target.shape} in the book network; got {value.shape}"
                )
            if not target.flags.writeable or not np.can_cast(value, target.dtype, "same_kind"):
                raise TypeError(
                    f"cannot write into the book network's {kind}[{l}] ({target.dtype}, "
                    f"{_writable(target)}) from {value.dtype}; nothing was written"
                )
            checked.append((target, value))
        for target, value in checked:
            np.copyto(target, value, casting="same_kind")

    def copy(self):
        """A plain, independent :class:`Network` with the same parameters (the reader's stay
        put)."""
        twin = Network(**{**self.config(), **self._own_pieces()})
        twin.weights = [np.array(w, dtype=np.float64) for w in self.weights]
        twin.biases = [np.array(b, dtype=np.float64) for b in self.biases]
        return twin

    def __repr__(self):
        return f"as_network({type(self._book).__name__} with sizes {self.sizes})"

    # -- training ----------------------------------------------------------------------------
    def check_trainable(self, *, dropout=0.0):
        """Raise unless a trainer can train the book network: called when a Trainer is built.

        Training needs the reader's ``backprop(x, y)``, no dropout (the reader's backprop has
        none), and parameters that can hold a step in place (float arrays, writable).
        """
        if not callable(getattr(self._book, "backprop", None)):
            raise TypeError(
                f"training a book network needs its backprop(x, y) method, which "
                f"computes the gradients; {type(self._book).__name__} has none "
                f"(the widgets can still show it)"
            )
        if np.any(np.asarray(dropout, dtype=float)):  # a rate, or one per hidden layer
            raise ValueError(
                f"dropout needs the vectorised backprop; a book network's "
                f"backprop(x, y) has none (got dropout={dropout})"
            )
        for kind in ("weights", "biases"):
            for l, a in enumerate(getattr(self._book, kind)):
                if a.dtype.kind != "f" or not a.flags.writeable:
                    raise TypeError(
                        f"training writes each step into the book network's own "
                        f"{kind}[{l}] in place, but it is {_writable(a)} "
                        f"{a.dtype}: make it a float array first "
                        f"(np.array(..., dtype=float))"
                    )

    def backprop(self, X, Y, *, dropout=0.0, rng=None):
        """The book network's ``backprop(x, y)`` on each row, averaged: ``(nabla_b, nabla_w,
        a_out)``."""
        self.check_trainable(dropout=dropout)
        sum_b = [np.zeros(n) for n in self.sizes[1:]]
        sum_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in zip(X, Y):
            nabla_b, nabla_w = self._book.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            for l, (gb, gw) in enumerate(zip(nabla_b, nabla_w)):
                sum_b[l] += np.reshape(gb, -1)
                sum_w[l] += gw
        m = len(X)
        return [s / m for s in sum_b], [s / m for s in sum_w], self.forward(X)

    # -- changes the reader makes --------------------------------------------------------------
    def fingerprint(self):
        """A cheap summary of the parameters' values (CRC-32 of their bytes, shapes and types)."""
        crc = 0
        for a in (*self._book.weights, *self._book.biases):
            a = np.asarray(a)
            crc = zlib.crc32(f"{a.dtype.str}{a.shape}".encode(), crc)
            crc = zlib.crc32(a if a.flags.c_contiguous else np.ascontiguousarray(a), crc)
        return crc

    def poll(self):
        """Notify subscribers if the parameters changed since they last heard; True if so.

        The watcher calls this every :data:`WATCH_INTERVAL` seconds while anything subscribes;
        a trainer training this wrapper notifies by itself, so it is skipped meanwhile.
        """
        if self.training:
            return False
        try:
            now = self.fingerprint()
        except Exception:  # the reader's object mid-edit (a list being rebuilt): next time
            return False
        if now == self._seen:
            return False
        self.notify_changed()
        return True

    def notify_changed(self):
        try:
            self._seen = self.fingerprint()
        except Exception:
            self._seen = None
        super().notify_changed()

    def subscribe(self, callback):
        unsubscribe = super().subscribe(callback)
        if self._seen is None:
            self._seen = self.fingerprint()
        _watcher.watch(self)

        def unsubscribe_and_unwatch():
            unsubscribe()
            with self._listeners_lock:
                idle = not self._listeners
            if idle:
                _watcher.unwatch(self)

        return unsubscribe_and_unwatch


def _same_view(a, b):
    """True if ``a`` and ``b`` are the same array or views of exactly the same elements."""
    return a is b or (
        isinstance(a, np.ndarray)
        and a.shape == b.shape
        and a.dtype == b.dtype
        and a.strides == b.strides
        and a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
    )


def _writable(a):
    return "writable" if a.flags.writeable else "read-only"


class _Watcher:
    """One daemon thread polling every subscribed book network; it ends when none is left."""

    def __init__(self):
        self._cond = threading.Condition()
        self._watched = weakref.WeakSet()
        self._thread = None

    def watch(self, net):
        with self._cond:
            self._watched.add(net)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="nnwidgets-book-watcher", daemon=True
                )
                self._thread.start()

    def unwatch(self, net):
        with self._cond:
            self._watched.discard(net)
            self._cond.notify_all()

    def _run(self):
        while True:
            with self._cond:
                self._cond.wait(WATCH_INTERVAL)
                nets = list(self._watched)
                if not nets:
                    self._thread = None
                    return
            for net in nets:
                try:
                    net.poll()
                except Exception:  # a subscriber's error must not stop the watching
                    pass
            nets = net = None  # hold no wrapper while waiting: the set is weak for a reason


_watcher = _Watcher()
