"""nnwidgets.book: the reader's own book-style network as a Network, one wrapper per object.

The wrapper never replaces the reader's arrays: it reads them and writes training steps into
them in place, so the reader's ``feedforward`` and every reference the reader holds follow.
"""

import random
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.book import WATCH_INTERVAL, BookNetwork, as_network
from nnwidgets.labs import reference as ref
from nnwidgets.training import Trainer

SIZES = [4, 6, 3]  # rows != columns in every layer
rng = np.random.default_rng(1)
X = rng.uniform(0, 1, (12, 4))
y = rng.integers(0, 3, 12)


class BookNet:
    """The book's Network as a reader writes it in lab 5: biases as columns, and an SGD whose
    update replaces the lists of arrays (``self.weights = [w - ...]``), as the book's does."""

    def __init__(self, sizes=SIZES, *, seed=0):
        r = np.random.default_rng(seed)
        self.sizes = sizes
        self.biases = [r.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [r.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = ref.sigmoid(w @ a + b)
        return a

    def backprop(self, x, y):
        return ref.backprop(x, y, self.weights, self.biases)

    def update_mini_batch(self, mini_batch, eta):
        self.weights, self.biases = ref.update_mini_batch(
            self.weights,
            self.biases,
            mini_batch,
            eta,
            backprop=lambda x, y, W, B: ref.backprop(x, y, W, B),
        )

    def SGD(self, training_data, epochs, mini_batch_size, eta):
        for _ in range(epochs):
            random.Random(0).shuffle(training_data)
            for k in range(0, len(training_data), mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)


def book_pairs(n=8):
    return [(x.reshape(-1, 1), np.eye(3)[[k]].T) for x, k in zip(X[:n], y[:n])]


def as_columns(arrays):
    return [np.array(a, dtype=np.float64).reshape(-1) for a in arrays]


# -- one wrapper per object --------------------------------------------------------------------
def test_the_same_object_gets_the_same_wrapper():
    book = BookNet()
    assert as_network(book) is as_network(book)
    ns = SimpleNamespace(sizes=SIZES, weights=book.weights, biases=book.biases)
    assert as_network(ns) is as_network(ns)  # not weakly referenceable, still one wrapper
    assert as_network(ns) is not as_network(book)
    net = Network(SIZES)
    assert as_network(net) is net


def test_a_wrapper_nobody_holds_is_forgotten():
    import gc

    from nnwidgets import book as book_module

    book = BookNet()
    as_network(book)
    gc.collect()
    assert id(book) not in book_module._wrappers


def test_a_seed_given_again_reseeds_the_shared_wrapper():
    book = BookNet()
    net = as_network(book, seed=3)
    net.rng.random()
    assert as_network(book, seed=3) is net
    assert net.rng.random() == np.random.default_rng(3).random()


def test_the_wrapper_draws_no_random_parameters():
    # The parent's random initialisation is skipped: the generator is untouched, its first
    # number the seed's first.
    net = as_network(BookNet(), seed=7)
    assert net.rng.random() == np.random.default_rng(7).random()
    assert isinstance(net, BookNetwork) and net.sizes == SIZES


# -- the reader's arrays stay the reader's ----------------------------------------------------
class FlatBiasNet(BookNet):
    """A reader who keeps biases as 1-D vectors (and feeds 1-D inputs)."""

    def __init__(self):
        super().__init__()
        self.biases = [b.reshape(-1).copy() for b in self.biases]

    def backprop(self, x, y):
        return ref.backprop(x, y, self.weights, [b.reshape(-1, 1) for b in self.biases])


def test_one_dimensional_biases_stay_one_dimensional():
    book = FlatBiasNet()
    arrays = book.weights + book.biases
    x = X[0]  # 1-D in, 1-D out, with 1-D biases
    before = book.feedforward(x)
    assert before.shape == (3,)
    net = as_network(book)
    assert [b.shape for b in book.biases] == [(6,), (3,)]
    assert all(a is b for a, b in zip(book.weights + book.biases, arrays))
    np.testing.assert_array_equal(book.feedforward(x), before)  # same shape, same values
    np.testing.assert_allclose(
        net.predict_proba(X[:1])[0], ref.feedforward_batch(X[:1], book.weights, book.biases)[0]
    )
    net.fit(X, y, epochs=1, batch_size=4, learning_rate=1.0)
    assert all(a is b for a, b in zip(book.weights + book.biases, arrays))  # trained in place
    assert [b.shape for b in book.biases] == [(6,), (3,)]
    assert not np.allclose(book.biases[0], BookNet().biases[0].ravel())


@pytest.mark.parametrize("kind", ["float32", "fortran"])
def test_float32_and_fortran_arrays_are_kept_and_trained_in_place(kind):
    book = BookNet()
    if kind == "float32":
        book.weights = [w.astype(np.float32) for w in book.weights]
        book.biases = [b.astype(np.float32) for b in book.biases]
    else:
        book.weights = [np.asfortranarray(w) for w in book.weights]
    arrays = book.weights + book.biases
    kept = [a.copy() for a in arrays]
    net = as_network(book)
    assert all(a is b for a, b in zip(book.weights + book.biases, arrays))
    net.fit(X, y, epochs=1, batch_size=4, learning_rate=1.0)
    assert all(a is b for a, b in zip(book.weights + book.biases, arrays))
    assert all(not np.allclose(a, b) for a, b in zip(arrays, kept))
    if kind == "float32":
        assert all(a.dtype == np.float32 for a in arrays)
    else:
        assert all(w.flags.f_contiguous for w in book.weights)


def test_integer_weights_are_shown_but_not_trained():
    book = BookNet()
    book.weights = [np.round(w).astype(np.int64) for w in book.weights]
    arrays = list(book.weights)
    net = as_network(book)
    assert all(a is b for a, b in zip(book.weights, arrays))
    np.testing.assert_allclose(
        net.predict_proba(X)[0], ref.feedforward_batch(X[:1], book.weights, book.biases)[0]
    )
    with pytest.raises(TypeError, match=r"weights\[0\] in place, but it is writable int64"):
        Trainer(net, X, y)


def test_set_parameters_writes_into_the_readers_arrays():
    book = BookNet()
    arrays = book.weights + book.biases
    net = as_network(book)
    new_w = [np.full(w.shape, 0.5) for w in net.weights]
    new_b = [np.full(b.shape, -0.25) for b in net.biases]
    net.set_parameters(new_w, new_b)
    assert all(a is b for a, b in zip(book.weights + book.biases, arrays))
    assert book.weights[1][2, 3] == 0.5 and book.biases[0].shape == (6, 1)
    assert book.biases[0][4, 0] == -0.25


# -- what the wrapper refuses --------------------------------------------------------------------
def refuses(book, error, *phrases):
    with pytest.raises(error) as info:
        as_network(book)
    for phrase in phrases:
        assert phrase in str(info.value), str(info.value)


def test_transposed_weights_are_named():
    book = BookNet()
    book.weights = [w.T for w in book.weights]
    refuses(book, ValueError, "weights[0] must have shape (6, 4)", "transposed")


def test_row_biases_are_named():
    book = BookNet()
    book.biases[1] = book.biases[1].reshape(1, -1)
    refuses(book, ValueError, "biases[1] must be a column of shape (3, 1)", "got (1, 3)", "a row")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_weights_are_named(bad):
    book = BookNet()
    book.weights[1][0, 0] = bad
    refuses(book, ValueError, "weights[1] contains NaN or infinite values")


def test_a_list_instead_of_an_array_is_named():
    book = BookNet()
    book.biases[0] = book.biases[0].tolist()
    refuses(book, TypeError, "biases[0] must be a NumPy array", "got list")


def test_a_missing_layer_is_named():
    book = BookNet()
    book.weights = book.weights[:1]
    refuses(book, ValueError, "weights must hold 2 arrays for sizes [4, 6, 3]", "got 1")


def test_an_array_under_activation_is_not_an_activation_name():
    book = BookNet()
    book.activation = np.zeros(3)  # a reader caching activations
    assert as_network(book).activation == "sigmoid"
    book.activation = "tanh"
    refuses(book, ValueError, "activation is 'tanh'")


# -- training needs what training needs, said at construction -------------------------------------
def test_a_book_network_without_backprop_is_refused_by_the_trainer_at_once():
    book = BookNet()
    net = as_network(SimpleNamespace(sizes=SIZES, weights=book.weights, biases=book.biases))
    with pytest.raises(TypeError, match=r"needs its backprop\(x, y\) method"):
        Trainer(net, X, y)


def test_dropout_on_a_book_network_is_refused_by_the_trainer_at_once():
    with pytest.raises(ValueError, match="dropout needs the vectorised backprop"):
        Trainer(as_network(BookNet()), X, y, dropout=0.5)


# -- the reader's own training is noticed ----------------------------------------------------------
def test_poll_notices_the_readers_own_sgd_and_in_place_edits():
    book = BookNet()
    net = as_network(book)
    heard = []
    unsubscribe = net.subscribe(heard.append)
    try:
        assert net.poll() is False  # nothing changed yet
        book.SGD(book_pairs(), 1, 4, 3.0)  # replaces the lists of arrays
        assert net.poll() is True and heard == [net]
        assert net.poll() is False
        book.weights[0][0, 0] += 1e-9  # the smallest in-place edit
        assert net.poll() is True and len(heard) == 2
        net.notify_changed()  # an explicit notification counts as heard: no second one
        assert net.poll() is False and len(heard) == 3
    finally:
        unsubscribe()


def test_the_watcher_notifies_subscribers_without_notify_changed():
    from nnwidgets import book as book_module

    book = BookNet()
    net = as_network(book)
    heard = threading.Event()
    unsubscribe = net.subscribe(lambda n: heard.set())
    try:
        assert net in book_module._watcher._watched
        time.sleep(3 * WATCH_INTERVAL)
        assert not heard.is_set()  # nothing changed: nobody is told
        book.SGD(book_pairs(), 1, 4, 3.0)
        assert heard.wait(20 * WATCH_INTERVAL)
    finally:
        unsubscribe()
    assert net not in book_module._watcher._watched


def test_the_watcher_thread_ends_when_nothing_is_watched():
    # In a fresh process: here, widgets other tests left open may still be watched.
    code = """if True:
        import threading, time
        from types import SimpleNamespace
        import numpy as np
        from nnwidgets.book import WATCH_INTERVAL, as_network

        book = SimpleNamespace(sizes=[2, 3], weights=[np.ones((3, 2))], biases=[np.ones(3)])
        net = as_network(book)
        heard = threading.Event()
        unsubscribe = net.subscribe(lambda n: heard.set())
        book.weights[0][0, 0] = 5.0
        assert heard.wait(20 * WATCH_INTERVAL)
        unsubscribe()
        time.sleep(3 * WATCH_INTERVAL)
        print([t.name for t in threading.enumerate() if t.name.startswith("nnwidgets")])
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_an_in_place_edit_through_the_wrapper_reaches_the_readers_columns():
    book = BookNet()
    net = as_network(book)
    x = np.linspace(0, 1, 4)
    np.testing.assert_allclose(net.predict_proba(x)[0], book.feedforward(x.reshape(-1, 1)).ravel())
    b = net.biases[1]
    b[0] += 1.0  # an in-place edit, as the trainer makes: the reader's column sees it
    assert book.biases[1][0, 0] == b[0]
    assert book.biases[1].shape == (3, 1)


def test_fit_trains_the_readers_arrays_with_its_backprop():
    book = BookNet()
    before = [w.copy() for w in book.weights] + [b.copy() for b in book.biases]
    as_network(book).fit(X, y, epochs=1, batch_size=4, learning_rate=1.0)
    after = book.weights + book.biases
    assert all(not np.allclose(a, b) for a, b in zip(after, before))


def test_the_wrappers_backprop_is_the_readers_averaged():
    calls = []

    class Counting(BookNet):
        def backprop(self, x, y):
            calls.append(x.shape)
            return super().backprop(x, y)

    book = Counting()
    net = as_network(book)
    Y = np.eye(3)[y[:4]]
    nabla_b, nabla_w, _ = net.backprop(X[:4], Y)
    assert calls == [(4, 1)] * 4  # once per example, as a column
    want_b, want_w, _ = net.copy().backprop(X[:4], Y)  # the vectorised Network's gradients
    for a, b in zip(nabla_b + nabla_w, want_b + want_w):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
