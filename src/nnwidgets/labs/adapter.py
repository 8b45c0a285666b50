"""The reader's own book-style network as an :class:`nnwidgets.Network`, for the widgets.

The book's class keeps ``sizes``, ``weights`` (n_out, n_in) and ``biases`` as (n_out, 1) columns,
and computes gradients one example at a time with ``backprop(x, y)``. :func:`as_network` wraps
such an object so the canvas, the diagram and the dashboard can use it. The wrapper holds no
parameters of its own: it reads and writes the reader's arrays, so training in the dashboard
trains the reader's network, and the reader's own ``feedforward`` sees every step.
"""

from __future__ import annotations

import numpy as np

from ..network import Network

__all__ = ["as_network", "BookNetwork"]


def as_network(book_net, *, seed=None):
    """Wrap a book-style network (``sizes``, ``weights``, ``biases``, ``backprop(x, y)``).

    The result is an :class:`nnwidgets.Network` with sigmoid neurons and the quadratic cost, as
    in the book, in float64. Its forward pass is NumPy's, vectorised; its gradients come from
    ``book_net.backprop``, one example at a time, averaged over each mini-batch: so
    ``TrainingDashboard(as_network(net), ...)`` trains ``net`` with the reader's own
    backpropagation (the dashboard's own update step applies them). A network already an
    :class:`nnwidgets.Network` is returned unchanged. ``seed`` seeds the wrapper's random
    generator, which shuffles the training data: the same seed, the same run.
    """
    if isinstance(book_net, Network):
        return book_net
    return BookNetwork(book_net, seed=seed)


class BookNetwork(Network):
    """A view of a book-style network as a :class:`Network`; see :func:`as_network`."""

    def __init__(self, book_net, *, seed=None):
        missing = [a for a in ("sizes", "weights", "biases") if not hasattr(book_net, a)]
        if missing:
            raise TypeError(f"as_network needs an object with sizes, weights and biases (the "
                            f"book's Network); {type(book_net).__name__} lacks {', '.join(missing)}")
        self._book = None  # while Network.__init__ runs, its random parameters stay here
        super().__init__(book_net.sizes, activation="sigmoid", output="sigmoid", cost="quadratic",
                         init="large", seed=seed, dtype="float64")
        shapes = [w.shape for w in self._own[0]]
        got = [np.shape(w) for w in book_net.weights]
        if got != shapes:
            flipped = " (transposed: the book's weights[l] is (n_out, n_in))" if got == [s[::-1] for s in shapes] else ""
            raise ValueError(f"weights must have shapes {shapes} for sizes {list(book_net.sizes)}; "
                             f"got {got}{flipped}")
        if [np.size(b) for b in book_net.biases] != [s[0] for s in shapes]:
            raise ValueError(f"biases must have {[s[0] for s in shapes]} entries per layer; "
                             f"got {[np.size(b) for b in book_net.biases]}")
        # float64 and contiguous, so that the (n, 1) columns and our (n,) views share memory.
        book_net.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in book_net.weights]
        book_net.biases = [np.ascontiguousarray(b, dtype=np.float64).reshape(-1, 1)
                           for b in book_net.biases]
        self._book = book_net
        self._own = None

    @property
    def book_network(self):
        """The wrapped object."""
        return self._book

    # The parameters live in the book network: views here, so in-place updates reach it.
    @property
    def weights(self):
        return self._own[0] if self._book is None else self._book.weights

    @weights.setter
    def weights(self, value):
        if self._book is None:
            self._own = [list(value), getattr(self, "_own", None) and self._own[1]]
        else:
            self._book.weights = [np.ascontiguousarray(w, dtype=np.float64) for w in value]

    @property
    def biases(self):
        if self._book is None:
            return self._own[1]
        return [b.reshape(-1) for b in self._book.biases]  # views of the (n, 1) columns

    @biases.setter
    def biases(self, value):
        if self._book is None:
            self._own[1] = list(value)
        else:
            self._book.biases = [np.ascontiguousarray(b, dtype=np.float64).reshape(-1, 1) for b in value]

    def copy(self):
        """A plain, independent :class:`Network` with the same parameters (the reader's stay put)."""
        twin = Network(**self.config())
        twin.weights = [w.copy() for w in self.weights]
        twin.biases = [b.copy() for b in self.biases]
        return twin

    def backprop(self, X, Y, *, dropout=0.0, rng=None):
        """The book network's ``backprop(x, y)`` on each row, averaged; ``(nabla_b, nabla_w, a_out)``."""
        if dropout:
            raise ValueError("dropout needs the vectorised backprop; a book network has none "
                             f"(got dropout={dropout})")
        sum_b = [np.zeros(n) for n in self.sizes[1:]]
        sum_w = [np.zeros_like(w) for w in self.weights]
        for x, y in zip(X, Y):
            nabla_b, nabla_w = self._book.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            for l, (gb, gw) in enumerate(zip(nabla_b, nabla_w)):
                sum_b[l] += np.reshape(gb, -1)
                sum_w[l] += gw
        m = len(X)
        return [s / m for s in sum_b], [s / m for s in sum_w], self.forward(X)
