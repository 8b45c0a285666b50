"""The reader's own book-style network goes straight into the widgets (issue 9).

The book's class has ``sizes``, ``weights`` as (n_out, n_in), ``biases`` as (n_out, 1) columns,
sigmoid neurons and ``backprop(x, y)``; no ``predict_proba``, no function names.
"""

import time

import numpy as np
import pytest

from nnwidgets import DigitCanvas, ModelInfo, NetworkDiagram, TrainingDashboard
from nnwidgets.labs import reference as ref
from nnwidgets.widgets import _sync

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


def test_dropout_on_a_book_network_is_refused_when_asked_not_mid_run():
    # The reader's backprop(x, y) has no dropout: asking for it, at the start or live, is a
    # ValueError at once, and the run (and the trainer's setting) carry on unharmed.
    book = BookNet([784, 12, 10])
    dash = TrainingDashboard(book, train=(X, y), epochs=1, batch_size=10, learning_rate=1.0)
    with pytest.raises(ValueError, match="dropout"):
        dash.dropout = 0.5
    assert dash.dropout == 0.0 and dash.runs[0].trainer.dropout == 0.0
    with pytest.raises(ValueError, match="dropout"):
        dash.runs[0].trainer.dropout = 0.5
    assert dash.run().status == "completed"


def sent_weights(widget):
    """The first layer's weights as the widget last sent them to the page (float32)."""
    w = widget._network["weights"][0]
    return np.frombuffer(w["view"], np.float32).reshape(w["shape"])


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def book_sgd(book, pairs, eta):
    """The reader's own training step, as the book writes it: new lists of new arrays."""
    book.weights, book.biases = ref.update_mini_batch(book.weights, book.biases, pairs, eta)


def test_every_widget_on_the_readers_network_shares_one_wrapper():
    book = BookNet([784, 12, 10])
    canvas = DigitCanvas(network=book)
    dash = TrainingDashboard(book, train=(X, y), epochs=1, batch_size=10, learning_rate=1.0)
    assert dash.runs[0].network is canvas.network is NetworkDiagram(book).network
    dash.run()
    # The dashboard trained the shared wrapper, whose subscribers include the canvas.
    assert _sync.flush(10)
    np.testing.assert_allclose(sent_weights(canvas), book.weights[0], rtol=1e-6)
    canvas.close()
    dash.close()


def test_a_widget_follows_the_readers_own_training_without_notify_changed():
    book = BookNet([784, 12, 10])
    canvas = DigitCanvas(network=book)
    try:
        np.testing.assert_allclose(sent_weights(canvas), book.weights[0], rtol=1e-6)
        pairs = [(x.reshape(-1, 1), np.eye(10)[[k]].T) for x, k in zip(X[:10], y[:10])]
        book_sgd(book, pairs, 3.0)  # no notify_changed(), no reassignment
        assert wait_until(lambda: np.allclose(sent_weights(canvas), book.weights[0], rtol=1e-6))
        book.weights[0] *= 0.5  # an in-place edit is noticed too
        assert wait_until(lambda: np.allclose(sent_weights(canvas), book.weights[0], rtol=1e-6))
    finally:
        canvas.close()


def test_an_array_named_activation_does_not_confuse_the_widgets():
    book = BookNet([784, 12, 10])
    book.activation = np.zeros((12, 1))  # a reader caching the hidden activations
    canvas = DigitCanvas(network=book)
    assert canvas._network["activation"] == "sigmoid"
    canvas.close()


def test_a_dashboard_refuses_what_a_book_network_cannot_train_when_built():
    class NoBackprop:
        def __init__(self, sizes):
            book = BookNet(sizes)
            self.sizes, self.weights, self.biases = sizes, book.weights, book.biases

    with pytest.raises(TypeError, match=r"needs its backprop\(x, y\) method"):
        TrainingDashboard(NoBackprop([784, 12, 10]), train=(X, y))
    with pytest.raises(ValueError, match="dropout needs the vectorised backprop"):
        TrainingDashboard(BookNet([784, 12, 10]), train=(X, y), dropout=0.2)
