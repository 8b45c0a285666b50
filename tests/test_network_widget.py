"""NetworkWidget: one way to validate, subscribe, and receive new weights from any thread.

Run against both widgets built on it (the canvas and the model card), with real networks.
"""

import threading
import time

import numpy as np
import pytest

from nnwidgets.network import Network
from nnwidgets.training import Callback
from nnwidgets.widgets import _sync
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.info import ModelInfo

WIDGETS = [DigitCanvas, ModelInfo]


def digit_net(seed=0):
    return Network([784, 16, 10], seed=seed)


def sent_weights(canvas, layer=-1):
    w = canvas._network["weights"][layer]
    return np.frombuffer(w["view"], np.float32).reshape(w["shape"])


@pytest.mark.parametrize("cls", WIDGETS)
def test_none_is_rejected_and_nothing_changes(cls):
    net = digit_net()
    widget = cls(net)
    state = widget.get_state()
    with pytest.raises(ValueError, match=rf"{cls.__name__}.network cannot be None"):
        widget.network = None
    assert widget.network is net and widget.get_state().keys() == state.keys()
    assert len(net._listeners) == 1


@pytest.mark.parametrize("cls", WIDGETS)
def test_non_finite_weights_are_rejected_before_any_change(cls):
    good, bad = digit_net(), digit_net(1)
    bad.weights[0][3, 5] = np.nan
    widget = cls(good)
    before = widget.get_state()
    with pytest.raises(ValueError, match=r"weights\[0\] contain NaN or infinite"):
        widget.network = bad
    assert widget.network is good and bad._listeners == []
    after = widget.get_state()
    for key in ("_network", "architecture"):
        if key in before:
            assert after[key] is before[key]


@pytest.mark.parametrize("cls", WIDGETS)
def test_subscribes_once_and_unsubscribes_on_reassignment_and_close(cls):
    a, b = digit_net(), digit_net(1)
    widget = cls(a)
    assert len(a._listeners) == 1
    widget.network = b
    assert a._listeners == [] and len(b._listeners) == 1
    widget.close()
    assert b._listeners == []


@pytest.mark.parametrize("cls", WIDGETS)
def test_unknown_keywords_get_one_message(cls):
    with pytest.raises(
        TypeError,
        match=rf"{cls.__name__}\(\) got an unexpected keyword argument "
        r"'netwrok'; expected one of: .*network.*Check the spelling",
    ):
        cls(digit_net(), netwrok=1)


def test_notifications_are_coalesced_and_the_latest_weights_win():
    """A thousand notifications in a burst become a handful of sends, the last one current."""
    net = digit_net()
    canvas = DigitCanvas(net)
    sends = []
    canvas.observe(lambda c: sends.append(time.monotonic()), names="_network")
    started = time.monotonic()
    for i in range(1000):
        net.weights[-1][0, 0] = i
        net.notify_changed()
    assert _sync.flush()
    elapsed = time.monotonic() - started
    assert 1 <= len(sends) <= elapsed / _sync.MIN_INTERVAL + 2
    assert sent_weights(canvas)[0, 0] == 999
    gaps = np.diff(sends)
    assert (gaps >= _sync.MIN_INTERVAL * 0.9).all()  # at most ten a second


def test_the_notifying_thread_never_writes_the_widget():
    """Training threads only mark widgets dirty; the one writer thread sends."""
    net = digit_net()
    canvas = DigitCanvas(net)
    canvas.show(np.eye(28, dtype=np.float32))
    writers = set()
    canvas.observe(
        lambda c: writers.add(threading.current_thread().name), names=["_network", "probabilities"]
    )

    def train_like():
        for _ in range(5):
            net.weights[-1] += 0.1
            net.notify_changed()
            time.sleep(0.03)

    t = threading.Thread(target=train_like, name="trainer")
    t.start()
    t.join(10)
    assert _sync.flush()
    assert writers == {"nnwidgets-writer"}
    expected = net.predict_proba(canvas.pixels.reshape(1, 784))[0]
    np.testing.assert_allclose(canvas.probabilities, expected, rtol=1e-6)


def test_a_canvas_follows_fit_in_a_background_thread():
    """The canvas shows the weights fit ends with, and heard of them during training too."""
    rng = np.random.default_rng(0)
    X = rng.random((3000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 3000)
    net = digit_net()
    canvas = DigitCanvas(net)
    sends = []
    canvas.observe(lambda c: sends.append(1), names="_network")
    during = []  # (what the canvas was sent, the network's weights) after the first epoch

    class AfterFirstEpoch(Callback):
        # Training notifies at every epoch's end, before the callbacks: here, with training
        # still under way, that notification must reach the canvas. (Waiting for it makes the
        # test independent of speed: two epochs of 3,000 digits take some 30 ms, less than
        # the writer's 0.1 s between two sends, so without it one send may hold both.)
        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 0:
                flushed = _sync.flush()
                during.append((flushed, sent_weights(canvas, 0).copy(), net.weights[0].copy()))

    kwargs = dict(epochs=2, batch_size=10, callbacks=[AfterFirstEpoch()])
    t = threading.Thread(target=net.fit, args=(X, y), kwargs=kwargs)
    t.start()
    t.join(60)
    assert not t.is_alive()
    assert _sync.flush()
    [(flushed, sent_mid, weights_mid)] = during
    assert flushed
    np.testing.assert_array_equal(sent_mid, weights_mid)  # the first epoch's weights
    np.testing.assert_array_equal(sent_weights(canvas, 0), net.weights[0])
    np.testing.assert_array_equal(sent_weights(canvas, -1), net.weights[-1])
    assert not np.array_equal(sent_mid, net.weights[0])  # the second epoch moved them
    assert len(sends) >= 2


def test_a_closed_widget_is_not_written_by_a_pending_send():
    net = digit_net()
    canvas = DigitCanvas(net)
    before = canvas._network
    net.notify_changed()
    canvas.close()
    assert _sync.flush()
    assert canvas._network is before


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.full((28, 28), np.nan), "NaN"),
        (np.full((28, 28), -5.0), r"\[0, 1\]"),
        (np.full((28, 28), 255.0), r"\[0, 1\]"),
        (np.full((28, 28), 1e30), r"\[0, 1\]"),
        (np.zeros((28, 27)), "shape"),
        (np.full((28, 28), "x"), "numbers"),
    ],
)
def test_assigned_pixels_are_checked_before_they_are_stored(bad, match):
    canvas = DigitCanvas(digit_net())
    canvas.show(np.eye(28, dtype=np.float32))
    pixels, prediction = canvas.pixels.copy(), canvas.prediction
    with pytest.raises(ValueError, match=match):
        canvas.pixels = bad
    np.testing.assert_array_equal(canvas.pixels, pixels)
    assert canvas.prediction == prediction


def test_uint8_pixels_are_scaled_as_show_scales_them():
    canvas = DigitCanvas(digit_net())
    img = np.zeros((28, 28), np.uint8)
    img[10:18, 12:16] = 255
    canvas.pixels = img
    assert canvas.pixels.dtype == np.float32 and canvas.pixels.max() == 1.0
    assert canvas.prediction is not None


def test_slow_sends_are_spaced_out_so_the_writer_stays_mostly_idle():
    """A widget whose send takes 10 ms gets one at most every 10 ms / MAX_DUTY, not ten a second."""

    class Slow:
        sends = []

        def _send_network_state(self):
            self.sends.append(time.monotonic())
            time.sleep(0.01)

    widget = Slow()
    started = time.monotonic()
    while time.monotonic() - started < 1.5:
        _sync.request(widget)
        time.sleep(0.005)
    assert _sync.flush()
    _sync.cancel(widget)
    gaps = np.diff(widget.sends)
    assert len(widget.sends) >= 2
    assert (gaps >= 0.01 / _sync.MAX_DUTY * 0.9).all(), gaps


def test_requests_for_a_widget_already_waiting_do_not_wake_the_writer(monkeypatch):
    """A training thread notifies after every epoch, hundreds of times a second: only the first
    request marks the widget; the others leave the writer asleep (each wake-up takes the GIL
    from training), and the one send still reads the state as it is when sent."""

    class Widget:
        sent = []
        value = 0

        def _send_network_state(self):
            self.sent.append(self.value)

    writer = _sync._Writer()
    wakes = []
    notify_all = writer._cond.notify_all
    monkeypatch.setattr(writer._cond, "notify_all", lambda: (wakes.append(1), notify_all()))
    widget = Widget()
    writer._next_allowed[widget] = time.monotonic() + 0.3  # sent recently: the next waits
    for i in range(1, 101):
        widget.value = i
        writer.request(widget)
    assert len(wakes) == 1
    assert writer.flush(5.0)
    assert widget.sent == [100]  # one send, of the latest state
