"""The reader's own book-style network goes straight into the widgets (issue 9).

The book's class has ``sizes``, ``weights`` as (n_out, n_in), ``biases`` as (n_out, 1) columns,
sigmoid neurons and ``backprop(x, y)``; no ``predict_proba``, no function names.
"""

import numpy as np

from nnwidgets import DigitCanvas, ModelInfo, NetworkDiagram, TrainingDashboard
from nnwidgets.labs import reference as ref

rng = np.random.default_rng(0)
X = rng.uniform(0, 1, (60, 784)).astype(np.float32)
y = rng.integers(0, 10, 60)


class BookNet:
    """The book's Network, written as a reader of lab 5 would (biases as columns)."""

    def __init__(self, sizes):
        r = np.random.default_rng(1)
        self.sizes = sizes
        self.biases = [r.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [r.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = ref.sigmoid(w @ a + b)
        return a

    def backprop(self, x, y):
        return ref.backprop(x, y, self.weights, self.biases)


def test_canvas_diagram_and_card_take_the_readers_network():
    book = BookNet([784, 12, 10])
    digit = X[0].reshape(28, 28)
    canvas = DigitCanvas(network=book)
    canvas.show(digit)
    expected = book.feedforward(X[0].reshape(-1, 1)).ravel()
    np.testing.assert_allclose(canvas.probabilities, expected, rtol=1e-5)
    assert canvas.network.book_network is book and canvas._network["activation"] == "sigmoid"
    diagram = NetworkDiagram(book)
    diagram.show(X[0])
    np.testing.assert_allclose(diagram.activations[-1], expected, rtol=1e-5)
    assert ModelInfo(book).architecture["sizes"] == [784, 12, 10]


def test_the_dashboard_trains_the_readers_network_with_its_backprop():
    book = BookNet([784, 12, 10])
    before = book.weights[0].copy()
    dash = TrainingDashboard(book, train=(X, y), epochs=1, batch_size=10, learning_rate=1.0)
    history = dash.run()
    assert history.status == "completed"
    assert not np.allclose(book.weights[0], before)  # the reader's own arrays moved
    assert dash.runs[0].network.book_network is book
