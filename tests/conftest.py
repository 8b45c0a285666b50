"""Fixtures shared by the test suite (pytest finds them here; no test module imports another).

The training dashboard's tests share a small problem, a network and dashboard factories, a
recording of what the page is sent, and the page's messages delivered as anywidget delivers
them. Other modules may add their own shared fixtures below.
"""

from __future__ import annotations

import signal
import time
from types import SimpleNamespace

import numpy as np
import pytest


@pytest.fixture(scope="session")
def small_problem():
    """600 points in 8 dimensions, 3 classes, and the first 120 as a validation set.

    Rows != columns != classes, so a transposition anywhere fails. With batch size 4 an epoch is
    150 mini-batches: many mini-batches (for pauses, steps and turns) in little time.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 8)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    X.setflags(write=False)  # shared by every test: none may change it
    y.setflags(write=False)
    return SimpleNamespace(
        X=X, y=y, X_val=X[:120], y_val=y[:120], batch_size=4, batches_per_epoch=600 // 4
    )


@pytest.fixture
def make_net():
    """``make_net(**options)``: a [8, 16, 3] Network for the small problem, always seeded 1, so
    two calls give the same starting weights."""
    from nnwidgets import Network

    return lambda **options: Network([8, 16, 3], seed=1, **options)


@pytest.fixture
def make_dash(small_problem, make_net):
    """``make_dash(net=None, **options)``: a TrainingDashboard on the small problem (200 epochs
    of 150 mini-batches, learning rate 0.05: still training whenever a test acts on it).

    Every dashboard made is closed after the test, so none leaves a thread behind.
    """
    from nnwidgets import TrainingDashboard

    made = []

    def make(net=None, **options):
        p = small_problem
        settings = dict(
            train=(p.X, p.y),
            validation=(p.X_val, p.y_val),
            epochs=200,
            batch_size=p.batch_size,
            learning_rate=0.05,
        )
        settings.update(options)
        dash = TrainingDashboard(net or make_net(), **settings)
        made.append(dash)
        return dash

    yield make
    for dash in made:
        dash.close()


@pytest.fixture
def dash(make_dash):
    """A dashboard with a long run, not started."""
    return make_dash()


@pytest.fixture
def wait_for():
    """``wait_for(condition, timeout=10)``: poll a condition another thread makes true, bounded,
    so that a failure cannot hang the suite."""

    def wait(condition, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not reached within {timeout} s")
            time.sleep(0.005)

    return wait


@pytest.fixture
def recorded(monkeypatch):
    """What ipywidgets publishes to the page, recorded instead of sent: a list of
    ``(monotonic time, msg_type, data, buffers)``, for widgets made during the test.

    The comm (the transport to the kernel, inert outside one) is replaced; everything above it
    (traits, hold_sync, binary buffers) runs as it does in a notebook.
    """
    import comm

    sent = []

    class RecordingComm(comm.DummyComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            sent.append((time.monotonic(), msg_type, data, buffers))

    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    return sent


@pytest.fixture
def from_page():
    """``from_page(widget, content)``: a custom message as the page sends it, delivered through
    ipywidgets' own handler (an exception there would be logged and dropped, as in a kernel)."""

    def deliver(widget, content):
        widget._handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        )

    return deliver


@pytest.fixture
def page_writes():
    """``page_writes(widget, state)``: trait values written by the page, through ipywidgets'
    own handler."""

    def deliver(widget, state):
        widget._handle_msg(
            {
                "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
                "buffers": [],
            }
        )

    return deliver


@pytest.fixture
def decoded():
    """``decoded(wire)``: a binary array as the page receives it (``{view, dtype, shape}``),
    back as a NumPy array."""
    return lambda wire: np.frombuffer(wire["view"], wire["dtype"]).reshape(wire["shape"])


@pytest.fixture
def default_sigint():
    """SIGINT raises KeyboardInterrupt during the test, however the suite was started.

    A test run started with SIGINT ignored (a background job, ``nohup``, some CI runners)
    inherits the ignored disposition, and a raised SIGINT would then do nothing.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


# -- a network and an input for the diagram's tests (a module's own fixtures of these names win)


@pytest.fixture
def net():
    """[784, 16, 12, 10]: two hidden layers of different widths, so a layer/width mix-up fails."""
    from nnwidgets import Network

    return Network([784, 16, 12, 10], seed=0)


@pytest.fixture
def x():
    """One input of 784 values in [0, 1), float32 as the page sends it."""
    return np.random.default_rng(1).random(784).astype(np.float32)


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 serving what a test puts in ``server.routes``
    (``_tiny_mnist``): for the download tests."""
    from _tiny_mnist import running_server

    with running_server() as httpd:
        yield httpd
