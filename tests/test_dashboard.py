"""TrainingDashboard without a browser: real networks, real threads, real widget serialisation.

Messages to the front end are counted by replacing the comm (the transport to the kernel, which
is inert outside one) with one that records what ipywidgets publishes; everything above it
(traits, hold_sync, buffers) runs as it does in a notebook.
"""

import math
import re
import signal
import threading
import time

import comm
import numpy as np
import pytest

from nnwidgets import Callback, Network, load_bundled
from nnwidgets.widgets.dashboard.series import DecimatingSeries
from nnwidgets.widgets.dashboard import TrainingDashboard
from nnwidgets.widgets.dashboard.panels import neuron_health, panel_data
from nnwidgets.widgets.dashboard.runs import explain_divergence, run_labels

# A small separable problem: 600 points in 8 dimensions, 3 classes. Rows != columns != classes,
# so a transposition anywhere fails. Batch size 4 gives 150 mini-batches per epoch.
_rng = np.random.default_rng(0)
X = _rng.normal(size=(600, 8)).astype(np.float32)
y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
X_val, y_val = X[:120], y[:120]
BATCHES_PER_EPOCH = 600 // 4


def make_net(**kwargs):
    return Network([8, 16, 3], seed=1, **kwargs)


def make_dash(net=None, **kwargs):
    options = dict(train=(X, y), validation=(X_val, y_val), epochs=200, batch_size=4, learning_rate=0.05)
    options.update(kwargs)
    return TrainingDashboard(net or make_net(), **options)


def wait_for(condition, timeout=10.0):
    """Poll a condition the training thread makes true (bounded, so a failure cannot hang)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached within %s s" % timeout)
        time.sleep(0.005)


@pytest.fixture
def dash():
    """A long run (200 epochs x 150 mini-batches): it is still training when a test acts on it."""
    d = make_dash()
    yield d
    d.stop()
    d.wait(timeout=10)


# --------------------------------------------------------------------------------- threads


def test_start_returns_at_once_and_trains_in_a_thread(dash):
    began = time.perf_counter()
    dash.start()
    assert time.perf_counter() - began < 0.5
    assert dash.training
    assert dash._thread is not threading.current_thread()
    wait_for(lambda: len(dash.history.batch_loss) >= 50)
    assert dash.status in ("running", "ready")  # "ready" until the writer's first update


def test_second_start_is_refused_with_a_message(dash):
    dash.start()
    with pytest.raises(RuntimeError, match=r"start\(\): this dashboard is already training"):
        dash.start()
    assert dash._thread.is_alive()


def test_a_second_dashboard_cannot_train_the_same_network(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) > 0)
    other = make_dash(dash.runs[0].network)
    with pytest.raises(RuntimeError, match="already training elsewhere"):
        other.start()


def test_stop_ends_between_mini_batches_with_history_intact(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 30)
    dash.stop()
    history = dash.wait(timeout=10)
    assert history.status == "stopped"
    assert "stopped on request" in history.message
    assert history is dash.runs[0].network.history_
    n = len(history.batch_loss)
    assert n >= 30 and len(history.batch_accuracy) == n
    assert all(math.isfinite(v) for v in history.batch_loss)
    assert dash.runs[0].batch.total == n  # the dashboard saw every mini-batch the history has
    time.sleep(0.1)
    assert len(history.batch_loss) == n
    assert dash.status == "stopped"


def test_pause_holds_training_and_resume_goes_on(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 10)
    dash.pause()
    n = len(dash.history.batch_loss)
    time.sleep(0.3)
    assert len(dash.history.batch_loss) == n  # no mini-batch after pause() returned
    dash._publish()
    assert dash.status == "paused"
    with pytest.raises(RuntimeError, match="paused, so it would never end"):
        dash.wait()
    dash.resume()
    wait_for(lambda: len(dash.history.batch_loss) > n + 10)


@pytest.mark.parametrize("from_state", ["idle", "paused"])
def test_step_trains_exactly_one_mini_batch(from_state):
    d = make_dash()
    try:
        if from_state == "paused":
            d.start()
            wait_for(lambda: len(d.history.batch_loss) >= 5)
            d.pause()
        n = len(d.history.batch_loss)
        d.step()
        assert len(d.history.batch_loss) == n + 1
        d.step()
        assert len(d.history.batch_loss) == n + 2
        time.sleep(0.2)
        assert len(d.history.batch_loss) == n + 2
    finally:
        d.stop()
        d.wait(timeout=10)


def test_run_blocks_and_returns_the_history_fit_would():
    # Same seed, same data, same settings: the dashboard's Trainer and fit's take the same steps.
    d = make_dash(epochs=2)
    history = d.run()
    assert history is d.runs[0].network.history_
    assert history.status == "completed" and history.epochs == 2
    twin = make_net()
    expected = twin.fit(X, y, epochs=2, batch_size=4, learning_rate=0.05, validation=(X_val, y_val))
    np.testing.assert_allclose(history.batch_loss, expected.batch_loss, rtol=1e-6)
    assert history.val_accuracy == expected.val_accuracy
    assert d.status == "completed" and not d.training


def test_keyboard_interrupt_in_run_stops_after_the_mini_batch():
    class Interrupt(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if len(trainer.history.batch_loss) == 7:
                signal.raise_signal(signal.SIGINT)  # what the notebook's Stop button sends

    d = make_dash(callbacks=[Interrupt()])
    history = d.run()  # returns instead of raising KeyboardInterrupt
    assert history.status == "stopped"
    assert "keyboard interrupt" in history.message
    assert len(history.batch_loss) == 7 == d.runs[0].batch.total
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_keyboard_interrupt_in_wait_stops_training(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) > 0)
    threading.Timer(0.2, signal.raise_signal, (signal.SIGINT,)).start()
    history = dash.wait()
    assert history.status == "stopped"
    assert "keyboard interrupt" in history.message
    assert not dash.training


def test_diverging_run_is_reported_and_keeps_finite_weights():
    d = make_dash(epochs=3, learning_rate=1e30)
    history = d.run()
    assert history.status == "diverged" and d.status == "diverged"
    assert "learning rate" in d.message
    assert all(np.isfinite(w).all() for w in d.runs[0].network.weights)


def test_divergence_is_explained_with_the_loss_it_reached():
    # lr 100 on this problem: the loss climbs for a dozen mini-batches, then a step overflows.
    d = make_dash(epochs=3, learning_rate=100)
    history = d.run()
    assert d.status == "diverged" and not d.training
    finite = [v for v in history.batch_loss if math.isfinite(v)]
    start, peak = finite[0], max(finite[1:])
    assert peak > 2 * start
    assert d.message.startswith(f"learning rate 100 is too high: the loss rose from {start:.3g} "
                                f"to {peak:.3g}. Training stopped")
    assert history.message in d.message  # the Trainer's own account is kept too
    assert d._runs[0]["message"] == d.message and d._runs[0]["status"] == "diverged"
    assert all(np.isfinite(w).all() for w in d.runs[0].network.weights)
    # The panels show the weights the network kept, not a blank.
    assert d._panels is not None and np.isfinite(_decoded(d._panels["confusion"])).all()


@pytest.mark.parametrize("losses, expected", [
    ([2.3, 2.9, 19.0, 7.0], "learning rate 100 is too high: the loss rose from 2.3 to 19. "),
    ([], "learning rate 100 is too high: the very first mini-batch"),
    ([2.3, 2.2, 2.25], "learning rate 100 may be too high: collapsed"),  # no rise: say what the Trainer said
])
def test_explain_divergence(losses, expected):
    class History:
        batch_loss = losses
        message = "collapsed"

    assert explain_divergence(History, 100.0).startswith(expected)


# -------------------------------------------------------------------------------- panels


def _decoded(wire):
    return np.frombuffer(wire["view"], wire["dtype"]).reshape(wire["shape"])


def test_panels_arrive_after_each_epoch_and_describe_the_validation_set():
    d = make_dash(epochs=2, batch_size=20)
    assert d._panels is None  # nothing until an epoch ends
    d.run()
    p = d._panels
    assert p["epoch"] == 2 and p["n"] == 120 and p["classes"] == 3
    # The confusion matrix is the network's on the validation set: rows true, columns predicted.
    predicted = d.runs[0].network.predict(X_val)
    expected = np.zeros((3, 3))
    np.add.at(expected, (y_val, predicted), 1)
    np.testing.assert_array_equal(_decoded(p["confusion"]), expected)
    assert p["wrong"] == int((predicted != y_val).sum())
    assert p["accuracy"] == pytest.approx((predicted == y_val).mean())
    # 8 inputs are not images: no pictures, but histograms and words for each layer.
    assert p["images"] is None and p["first_weights"] is None and p["gallery"] == []
    assert [layer["name"] for layer in p["layers"]] == ["layer 1 (hidden, 16 relu)",
                                                       "layer 2 (output, 3 softmax)"]
    hidden = p["layers"][0]
    assert hidden["health"].startswith(f"{hidden['unhealthy']} of 16 ReLUs" if hidden["unhealthy"]
                                       else "none of the 16 ReLUs is dead")
    weights = d.runs[0].network.weights[0]
    counts = _decoded(hidden["weights"]["counts"])
    assert counts.sum() == weights.size
    assert hidden["weights"]["lo"] == pytest.approx(weights.min()) and hidden["weights"]["hi"] == pytest.approx(weights.max())
    assert _decoded(hidden["activations"]["counts"]).sum() == 120 * 16


def test_panels_are_sent_once_an_epoch_with_the_curves(recorded):
    d = make_dash(epochs=3, batch_size=20)
    d.run()
    sent = [m for m in recorded if m[2].get("method") == "update" and "_panels" in m[2]["state"]]
    assert 1 <= len(sent) <= 3
    assert all("_live" in m[2]["state"] or "_runs" in m[2]["state"] for m in sent)  # one message


def test_panels_are_computed_by_the_writer_at_most_once_a_second(monkeypatch):
    # 200 short epochs (150 mini-batches each, tens of ms): the training thread only copies the
    # weights; the writer computes the panels of the latest copy, throttled, and the last epoch's.
    from nnwidgets.widgets.dashboard import publisher as module

    calls = []

    def recording_panel_data(*args, **kwargs):
        calls.append((threading.current_thread().name, kwargs["epoch"]))
        return panel_data(*args, **kwargs)

    monkeypatch.setattr(module, "panel_data", recording_panel_data)
    d = make_dash(epochs=200)
    began = time.monotonic()
    d.start()
    d.wait(timeout=30)
    elapsed = time.monotonic() - began
    assert {name for name, _ in calls} == {"nnwidgets-dashboard-writer"}
    assert 1 <= len(calls) <= elapsed / module.PANEL_INTERVAL + 2
    assert elapsed > 1.0  # long enough for an unthrottled writer to compute many more
    assert calls[-1][1] == 200 and d._panels["epoch"] == 200
    # The copy the panels describe is the trained network's final state.
    predicted = d.runs[0].network.predict(X_val)
    assert _decoded(d._panels["confusion"]).trace() == (predicted == y_val).sum()


def test_refresh_panels_on_demand_before_training():
    d = make_dash()
    p = d.refresh_panels()
    assert p["epoch"] == 0 and d._panels is p
    assert _decoded(p["confusion"]).sum() == 120


@pytest.fixture(scope="module")
def mnist_panels():
    """Panels of an untrained 784-20-10 sigmoid net on 300 bundled digits: many mistakes."""
    data = load_bundled()
    net = Network([784, 20, 10], activation="sigmoid", seed=3)
    Xv, yv = data.X_test[:300], data.y_test[:300]
    return net, Xv, yv, panel_data(net, Xv, yv, data.X_train, net.targets(data.y_train), epoch=0)


def test_mnist_panels_carry_the_digits_of_each_cell_and_mistake(mnist_panels):
    net, Xv, yv, p = mnist_panels
    pool = _decoded(p["images"])
    assert pool.shape[1:] == (28, 28) and pool.dtype == np.uint8
    predicted = net.predict(Xv)
    for cell in p["cells"]:
        members = np.flatnonzero((yv == cell["true"]) & (predicted == cell["pred"]))
        assert 1 <= len(cell["images"]) <= 8
        # each image shown in the cell is one of that cell's digits (as uint8 pixels)
        for k in cell["images"]:
            assert any(np.array_equal(pool[k], np.rint(Xv[i] * 255).reshape(28, 28)) for i in members)
    assert len(p["gallery"]) == min(24, p["wrong"])
    for g in p["gallery"]:
        assert g["pred"] != g["true"]
    first = _decoded(p["first_weights"])
    np.testing.assert_array_equal(first, net.weights[0][p["neurons"]])
    assert first.shape == (20, 784)  # fewer neurons than the sample size: all of them


def test_neuron_health_counts_dead_relus_and_saturated_sigmoids():
    a = np.ones((50, 4))
    a[:, 1] = 0  # dead: zero on every example
    a[:-1, 2] = 0  # alive on one example only: not dead
    bad, units, words = neuron_health("relu", a)
    assert (bad, units) == (1, 4)
    assert words.startswith("1 of 4 ReLUs (25%) are dead: they output 0 on every one of the 50 examples")
    s = np.full((50, 5), 0.5)
    s[:, 0] = 0.999  # saturated high
    s[:, 1] = 0.001  # saturated low
    s[:44, 2] = 0.999  # 88% of examples: under the 90% line
    bad, units, words = neuron_health("sigmoid", s)
    assert (bad, units) == (2, 5) and "2 of 5 sigmoid neurons (40%) are saturated" in words
    t = np.full((10, 2), -0.995)  # tanh saturates at -1 too
    assert neuron_health("tanh", t)[0] == 2
    assert neuron_health("linear", t)[0] is None
    # None dead, none saturated: said so, not "0 of 4 are dead".
    assert neuron_health("relu", np.ones((3, 4)))[2].startswith("none of the 4 ReLUs is dead")
    assert neuron_health("sigmoid", np.full((3, 2), 0.5))[2].startswith("none of the 2 sigmoid neurons")


# ----------------------------------------------------------------------- live settings


def test_learning_rate_set_on_the_widget_reaches_the_trainer(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    dash.pause()
    dash.learning_rate = 0.01
    trainer = dash.runs[0].trainer
    assert trainer.learning_rate == 0.05  # applied between mini-batches, by the training thread
    dash.step()
    assert trainer.learning_rate == 0.01
    (change,) = dash.runs[0].changes
    assert change["name"] == "learning_rate" and change["old"] == 0.05 and change["new"] == 0.01
    assert change["batch"] == len(dash.history.batch_loss) % BATCHES_PER_EPOCH
    assert dash.runs[0].marks[-1]["text"] == "learning_rate 0.05 → 0.01"


@pytest.mark.parametrize("name, bad", [("learning_rate", 0), ("learning_rate", -1),
                                        ("learning_rate", float("nan")), ("momentum", 1.0),
                                        ("dropout", -0.1), ("l2", "a lot")])
def test_invalid_live_settings_are_refused_naming_the_setting(name, bad):
    d = make_dash()
    before = getattr(d, name)
    with pytest.raises(ValueError, match=name):
        setattr(d, name, bad)
    assert getattr(d, name) == before
    assert getattr(d.runs[0].trainer, name) == before


def _from_page(widget, content):
    """Deliver a custom message as the page sends it, through ipywidgets' own handler."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def test_the_page_buttons_and_inputs_act(dash):
    _from_page(dash, {"action": "start"})
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    _from_page(dash, {"action": "set", "name": "learning_rate", "value": -3})
    assert "learning_rate must be in (0, inf)" in dash.message
    assert dash.learning_rate == 0.05
    _from_page(dash, {"action": "set", "name": "learning_rate", "value": 0.02})
    assert dash.learning_rate == 0.02
    _from_page(dash, {"action": "start"})
    assert "already training" in dash.message
    _from_page(dash, {"action": "stop"})
    assert dash.wait(timeout=10).status == "stopped"
    assert dash.runs[0].trainer.learning_rate == 0.02


def test_a_change_asked_for_just_before_training_ends_is_kept(dash):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    dash.pause()
    dash.learning_rate = 0.02  # queued for the next mini-batch, which never comes
    dash.stop()
    dash.wait(timeout=10)
    run = dash.runs[0]
    assert run.trainer.learning_rate == 0.02
    assert [(c["name"], c["new"]) for c in run.changes] == [("learning_rate", 0.02)]


def test_changed_settings_before_start_apply_to_the_next_run():
    d = make_dash(epochs=1)
    d.learning_rate = 0.2
    assert d.run().learning_rate == [0.2]


# ------------------------------------------------------------------- what the page receives


class RecordingComm(comm.DummyComm):
    """The kernel end of the widget's comm, recording each message instead of sending it."""

    sent = []

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        RecordingComm.sent.append((time.monotonic(), msg_type, data, buffers))


@pytest.fixture
def recorded(monkeypatch):
    RecordingComm.sent = []
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    return RecordingComm.sent


def test_updates_to_the_page_are_throttled_and_batched(recorded):
    # batch_size 1: thousands of mini-batches a second, far more than the page may be sent,
    # at the fastest update rate allowed (20 a second).
    d = make_dash(batch_size=1, epochs=200, update_interval=0.05)
    d.start()
    wait_for(lambda: len(d.history.batch_loss) >= 100)
    began = time.monotonic()
    count_from = len(recorded)
    time.sleep(1.5)
    d.stop()
    d.wait(timeout=10)
    window = [m for m in recorded[count_from:] if m[0] <= began + 1.5]
    updates = [m for m in window if m[2].get("method") == "update"]
    batches = d.runs[0].batch.total
    assert batches > 1000  # many more mini-batches than messages
    assert 5 <= len(updates) <= 1.5 * 20, f"{len(updates)} updates in 1.5 s"
    # Each update carries the curves and the progress together (hold_sync), as binary buffers.
    live = [m for m in updates if "_live" in m[2]["state"]]
    assert live and all("progress" in m[2]["state"] for m in live)
    assert all(m[3] for m in live)


def test_memory_is_bounded_however_many_mini_batches(recorded):
    # 400 epochs x 150 mini-batches = 60,000 points, kept in at most 64 buckets per curve.
    d = make_dash(epochs=400, max_points=64)
    d.run()
    run = d.runs[0]
    assert run.batch.total == 60_000 and len(d.history.batch_loss) == 60_000
    assert len(run.batch) <= 65 and len(run.epoch) <= 65
    curves = d._runs[0]["curves"]
    assert curves["batch"]["x"]["shape"][0] <= 65
    assert curves["epoch"]["x"]["shape"][0] <= 65
    # The buckets still span the whole run and average it faithfully.
    x = np.frombuffer(curves["batch"]["x"]["view"], np.float32)
    counts = np.frombuffer(curves["batch"]["count"]["view"], np.float32)
    loss = np.frombuffer(curves["batch"]["loss"]["view"], np.float32)
    assert counts.sum() == 60_000
    stride = counts[0]  # mini-batches per bucket, a power of two: 60,000 / 64 rounded up
    assert stride == 1024 and x[0] == pytest.approx((stride + 1) / 2 / BATCHES_PER_EPOCH, rel=1e-3)
    assert x[-1] > 395
    np.testing.assert_allclose((loss * counts).sum() / counts.sum(), np.mean(d.history.batch_loss), rtol=1e-4)
    # The largest message to the page stays small (a few kB), not 60,000 points: the curves
    # plus, once an epoch, the panels (a 3x3 matrix and six 30-bin histograms here).
    assert max(sum(b.nbytes for b in (m[3] or [])) for m in recorded) < 64 * 4 * 12 + 1024


# -------------------------------------------------------------------------------- buffer


def test_decimating_series_keeps_the_first_points_exactly_then_averages():
    s = DecimatingSeries(("v",), capacity=4)
    for i in range(4):
        s.append(i, 10 * i)
    cols, counts = s.snapshot()
    # 4 buckets fill the capacity: merged pairwise into 2 of stride 2.
    np.testing.assert_array_equal(cols[1], [5, 25])  # (0 + 10) / 2, (20 + 30) / 2
    np.testing.assert_array_equal(counts, [2, 2])
    s.append(4, 40)  # half a bucket: shown as its own point
    cols, counts = s.snapshot()
    np.testing.assert_array_equal(cols[1], [5, 25, 40])
    np.testing.assert_array_equal(counts, [2, 2, 1])
    for i in range(5, 1000):
        s.append(i, 10 * i)
    cols, counts = s.snapshot()
    assert len(s) <= 5 and counts.sum() == 1000
    np.testing.assert_allclose((cols[1] * counts).sum() / 1000, 10 * 999 / 2)


def test_batch_curve_is_the_trainers_history_read_in_order():
    # The writer reads mini-batch losses from the Trainer's History (nothing is recorded on the
    # training thread): every one of them, in order, at x = (i + 1) / batches per epoch.
    d = make_dash(epochs=3, max_points=2 * 3 * BATCHES_PER_EPOCH)
    d.run()
    curves = d._runs[0]["curves"]["batch"]
    x = np.frombuffer(curves["x"]["view"], np.float32)
    loss = np.frombuffer(curves["loss"]["view"], np.float32)
    accuracy = np.frombuffer(curves["accuracy"]["view"], np.float32)
    n = 3 * BATCHES_PER_EPOCH
    assert len(d.history.batch_loss) == n == len(x)
    np.testing.assert_allclose(x, np.arange(1, n + 1) / BATCHES_PER_EPOCH, rtol=1e-6)
    np.testing.assert_allclose(loss, d.history.batch_loss, rtol=1e-6)
    np.testing.assert_allclose(accuracy, d.history.batch_accuracy, rtol=1e-6)


def _reference_buckets(values, capacity):
    """The decimation rule one point at a time: bucket means and counts."""
    sums, counts, stride, partial = [], [], 1, []
    for v in values:
        partial.append(v)
        if len(partial) == stride:
            sums.append(np.mean(partial))
            counts.append(stride)
            partial = []
            if len(sums) == capacity:
                sums = [(a + b) / 2 for a, b in zip(sums[::2], sums[1::2])]
                counts = [a + b for a, b in zip(counts[::2], counts[1::2])]
                stride *= 2
    if partial:
        sums.append(np.mean(partial))
        counts.append(len(partial))
    return np.array(sums), np.array(counts)


@pytest.mark.parametrize("seed", range(6))
def test_decimating_series_folds_any_queue_as_point_by_point(seed):
    # The writer folds whatever queued since its last read in one block: blocks of any size,
    # across bucket ends and merges, must give the buckets of the one-point-at-a-time rule.
    rng = np.random.default_rng(seed)
    capacity = int(rng.choice([2, 4, 8, 16]))
    values = rng.normal(size=int(rng.integers(1, 3000)))
    s = DecimatingSeries(("v",), capacity=capacity)
    reads = set(rng.integers(0, len(values), size=int(rng.integers(0, 40))).tolist())
    i = 0
    while i < len(values):  # one by one (append), or a block at a time (extend), at random
        if rng.random() < 0.5:
            s.append(float(i), values[i])
            i += 1
        else:
            k = int(rng.integers(1, 300))
            s.extend(np.arange(i, min(i + k, len(values)), dtype=float), values[i:i + k])
            i += k
        if i in reads:
            s.snapshot()
    cols, counts = s.snapshot()
    want_v, want_counts = _reference_buckets(values, capacity)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_allclose(cols[1], want_v, rtol=1e-12, atol=1e-12)
    want_x, _ = _reference_buckets(np.arange(len(values), dtype=float), capacity)
    np.testing.assert_allclose(cols[0], want_x, rtol=1e-12)


@pytest.mark.parametrize("capacity", [0, 3, 2.0, True])
def test_decimating_series_rejects_bad_capacity(capacity):
    with pytest.raises(ValueError, match="capacity must be an even integer"):
        DecimatingSeries(("v",), capacity)


# ------------------------------------------------------------------------------- compare


def test_run_labels_name_what_differs():
    base = {"sizes": [784, 30, 10], "cost": "cross_entropy", "learning_rate": 0.5, "l2": 0.0}
    quad = {**base, "cost": "quadratic"}
    assert run_labels([base, quad]) == ["cost=cross_entropy", "cost=quadratic"]
    both = {**quad, "l2": 5.0}
    assert run_labels([base, both]) == ["cost=cross_entropy, l2=0", "cost=quadratic, l2=5"]
    assert run_labels([base, base]) == ["run 1", "run 2"]
    assert run_labels([base, quad], ["mine", None]) == ["mine", "cost=quadratic"]


def test_add_run_compares_runs_one_after_another():
    d = make_dash(epochs=1)
    second = d.add_run(make_net(cost="quadratic", output="sigmoid"))
    assert [r.label for r in d.runs] == ["output=softmax, cost=cross_entropy",
                                         "output=sigmoid, cost=quadratic"]
    assert second.settings["epochs"] == 1  # the dashboard's settings unless given
    d.run()
    assert [r.status for r in d.runs] == ["completed", "completed"]
    assert d.history is second.history and d.histories[0].epochs == 1
    assert [r["label"] for r in d._runs] == [r.label for r in d.runs]
    assert all(r["curves"] is not None for r in d._runs)
    with pytest.raises(RuntimeError, match="nothing left to train"):
        d.start()
    with pytest.raises(ValueError, match=r"already run 2 .*network\.copy\(\)"):
        d.add_run(second.network)


def test_add_run_accepts_a_list_of_networks():
    d = make_dash(epochs=1, batch_size=50)
    runs = d.add_run([make_net(activation="sigmoid"), make_net(activation="tanh")], learning_rate=0.2)
    assert len(runs) == 2 and d.runs[1:] == runs
    assert [r.label for r in d.runs] == ["activation=relu, learning_rate=0.05",
                                         "activation=sigmoid, learning_rate=0.2",
                                         "activation=tanh, learning_rate=0.2"]
    d.run()
    assert [r.status for r in d.runs] == ["completed"] * 3
    assert [len(r.history.epoch_loss) for r in d.runs] == [1, 1, 1]


def test_add_run_list_is_checked_before_any_run_is_added():
    d = make_dash()
    net = make_net()
    with pytest.raises(ValueError, match="holds the same network twice"):
        d.add_run([net, net])
    with pytest.raises(ValueError, match=r"expects a Network or a list of Networks; got str"):
        d.add_run([make_net(), "net"])
    with pytest.raises(ValueError, match="label cannot be given with a list"):
        d.add_run([make_net()], label="x")
    assert len(d.runs) == 1


def test_add_run_settings_override_and_label():
    d = make_dash(epochs=1)
    d.add_run(make_net(), learning_rate=0.5, label="fast")
    assert [r.label for r in d.runs] == ["learning_rate=0.05", "fast"]
    assert d.runs[1].trainer.learning_rate == 0.5


# ------------------------------------------------------------------- interleaved runs


class TurnLog(Callback):
    """Which network trained each mini-batch and ended each epoch, in the order they happened."""

    def __init__(self, nets):
        self.names = {id(n): name for name, n in nets.items()}
        self.batches, self.epochs = [], []

    def on_batch_end(self, trainer, batch, logs):
        self.batches.append(self.names[id(trainer.network)])

    def on_epoch_end(self, trainer, epoch, logs):
        self.epochs.append((self.names[id(trainer.network)], epoch))


def two_runs(**kwargs):
    a, b = make_net(), make_net(cost="quadratic", output="sigmoid")
    log = TurnLog({"a": a, "b": b})
    d = make_dash(a, callbacks=[log], **kwargs)
    d.add_run(b)
    return d, log, (a, b)


def test_interleaved_runs_take_turns_one_epoch_each():
    d, log, (a, b) = two_runs(epochs=3, interleave=True)
    d.run()
    assert log.epochs == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    assert [r.status for r in d.runs] == ["completed", "completed"]
    assert [len(h.epoch_loss) for h in d.histories] == [3, 3]
    assert [r.batch.total for r in d.runs] == [3 * BATCHES_PER_EPOCH] * 2
    # Taking turns changes nothing in what each network learns: same weights as one after another.
    d2, _, (a2, b2) = two_runs(epochs=3)
    d2.run()
    for mine, theirs in ((a, a2), (b, b2)):
        for w, w2 in zip(mine.weights, theirs.weights):
            np.testing.assert_allclose(w, w2, rtol=1e-6, atol=1e-7)


def test_interleaved_by_mini_batches_alternates_every_n():
    d, log, _ = two_runs(epochs=1, interleave=7)
    d.start()
    d.wait(timeout=30)
    # 150 mini-batches each, in turns of 7: a x7, b x7, ... the last turns shorter.
    expected = []
    for start in range(0, BATCHES_PER_EPOCH, 7):
        n = min(7, BATCHES_PER_EPOCH - start)
        expected += ["a"] * n + ["b"] * n
    assert log.batches == expected


def test_interleaved_curves_grow_side_by_side_and_both_reach_the_page(recorded):
    d, _, _ = two_runs(epochs=200, interleave=True)
    d.start()
    try:
        wait_for(lambda: len(d.histories[1].epoch_loss) >= 2)
        d.pause()
        done = [len(h.batch_loss) for h in d.histories]
        assert abs(done[0] - done[1]) <= BATCHES_PER_EPOCH  # at most one turn apart
        assert all(r.status == "running" for r in d.runs)
        d._publish()
        waiting = 1 - d._live["run"]  # the page gets the run whose turn it is as _live...
        assert d._runs[waiting]["curves"] is not None  # ...and the other's curves so far in _runs
        assert d.progress["samples"] == sum(done) * 4  # both runs' samples (batch size 4)
        assert d.progress["samples_total"] == 2 * 200 * 600
    finally:
        d.stop()
        d.wait(timeout=10)
    # stop() ends every run of the rotation, not only the one whose turn it was
    assert [r.status for r in d.runs] == ["stopped", "stopped"]
    assert not d.training


def test_interleaved_live_change_applies_to_the_run_whose_turn_it_is(dash, monkeypatch):
    monkeypatch.setattr("nnwidgets.widgets.dashboard.widget.PARK_TIMEOUT", 3.0)  # a lost step fails fast
    dash.add_run(make_net(activation="tanh"))
    dash.interleave = 5
    dash.start()
    wait_for(lambda: len(dash.histories[1].batch_loss) >= 10)
    dash.pause()
    for _ in range(6):  # across a change of turn, each step trains one mini-batch of one run
        before = sum(len(h.batch_loss) for h in dash.histories)
        dash.step()
        assert sum(len(h.batch_loss) for h in dash.histories) == before + 1
    while dash._active is not dash.runs[1]:  # the second run's turn, so "the first" would be wrong
        dash.step()
    active = dash._active
    dash.learning_rate = 0.02
    dash.step()
    assert active.trainer.learning_rate == 0.02 and [c["new"] for c in active.changes] == [0.02]
    other = next(r for r in dash.runs if r is not active)
    assert other.trainer.learning_rate == 0.05 and other.changes == []


@pytest.mark.parametrize("bad", [0, -2, 2.5, "batch", [1]])
def test_interleave_must_be_a_bool_or_a_count(bad):
    with pytest.raises(ValueError, match=r"interleave must be False .* got " + re.escape(repr(bad))):
        make_dash(interleave=bad)


def test_blas_threads_leave_a_core_to_the_page():
    from nnwidgets.widgets.dashboard.runs import threads_beside_a_page

    big = Network([784, 100, 10], seed=0)  # 78,400 x 32 multiply-adds: the Trainer would use all cores
    assert threads_beside_a_page(big, 32, cores=2) == 1
    assert threads_beside_a_page(big, 32, cores=8) == 7
    assert threads_beside_a_page(big, 32, cores=1) == 1
    assert threads_beside_a_page(make_net(), 32, cores=8) == 1  # small layers: one thread anyway
    assert make_dash(batch_size=1).runs[0].trainer.threads == 1
    assert make_dash(threads=2).runs[0].trainer.threads == 2  # given: kept


# ------------------------------------------------------------------------ bad arguments


@pytest.mark.parametrize("kwargs, error, match", [
    ({"train": X}, ValueError, "train must be a pair"),
    ({"learning_rate": -1}, ValueError, "learning_rate"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"epochs": 2.5}, ValueError, "epochs"),
    ({"learnin_rate": 0.1}, TypeError, "unexpected keyword argument 'learnin_rate'.*Check the spelling"),
    ({"update_interval": 0.001}, ValueError, "update_interval must be between 0.05 and 10"),
    ({"max_points": 7}, ValueError, "max_points must be an even integer"),
    ({"validation": (X_val,)}, ValueError, "validation must be a pair"),
])
def test_bad_arguments_name_the_parameter(kwargs, error, match):
    options = {"train": (X, y), "epochs": 1}
    options.update(kwargs)
    with pytest.raises(error, match=match):
        TrainingDashboard(make_net(), **options)


def test_add_run_rejects_unknown_settings():
    with pytest.raises(TypeError, match="add_run.*'lr'"):
        make_dash().add_run(make_net(), lr=0.1)


def test_dashboard_trains_mnist_from_the_bundled_data():
    data = load_bundled()
    net = Network([784, 20, 10], seed=0)
    d = TrainingDashboard(net, train=(data.X_train[:1000], data.y_train[:1000]),
                          validation=(data.X_test[:200], data.y_test[:200]), epochs=2, batch_size=20)
    history = d.run()
    assert history.val_accuracy[-1] > 0.5
    assert d.progress == {"run": None, "runs": 1}


def test_unread_points_stay_bounded_and_are_not_lost():
    """Appending only queues a point; with nobody reading, the queue still stays bounded."""
    series = DecimatingSeries(["loss"], capacity=8)
    n = 3 * DecimatingSeries.QUEUE_LIMIT + 5
    for i in range(n):
        series.append(float(i), 1.0)
        assert len(series._queue) <= DecimatingSeries.QUEUE_LIMIT
    assert series.total == n
    columns, counts = series.snapshot()
    assert counts.sum() == n and len(counts) <= 8 + 1
    np.testing.assert_allclose(np.sum(columns[0] * counts), n * (n - 1) / 2)  # every x counted once
