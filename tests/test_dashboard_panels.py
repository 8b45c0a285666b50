"""The insight panels: what panel_data computes, and when the dashboard's writer sends them."""

import threading
import time

import numpy as np
import pytest

from nnwidgets import Network, load_bundled
from nnwidgets.widgets.dashboard.panels import neuron_health, panel_data


def test_panels_arrive_after_each_epoch_and_describe_the_validation_set(
    make_dash, small_problem, decoded
):
    X_val, y_val = small_problem.X_val, small_problem.y_val
    d = make_dash(epochs=2, batch_size=20)
    assert d._panels is None  # nothing until an epoch ends
    d.run()
    p = d._panels
    assert p["epoch"] == 2 and p["n"] == 120 and p["classes"] == 3
    # The confusion matrix is the network's on the validation set: rows true, columns predicted.
    predicted = d.runs[0].network.predict(X_val)
    expected = np.zeros((3, 3))
    np.add.at(expected, (y_val, predicted), 1)
    np.testing.assert_array_equal(decoded(p["confusion"]), expected)
    assert p["wrong"] == int((predicted != y_val).sum())
    assert p["accuracy"] == pytest.approx((predicted == y_val).mean())
    # 8 inputs are not images: no pictures, but histograms and words for each layer.
    assert p["images"] is None and p["first_weights"] is None and p["gallery"] == []
    assert [layer["name"] for layer in p["layers"]] == [
        "layer 1 (hidden, 16 relu)",
        "layer 2 (output, 3 softmax)",
    ]
    hidden = p["layers"][0]
    assert hidden["health"].startswith(
        f"{hidden['unhealthy']} of 16 ReLUs"
        if hidden["unhealthy"]
        else "none of the 16 ReLUs is dead"
    )
    weights = d.runs[0].network.weights[0]
    counts = decoded(hidden["weights"]["counts"])
    assert counts.sum() == weights.size
    assert hidden["weights"]["lo"] == pytest.approx(weights.min()) and hidden["weights"][
        "hi"
    ] == pytest.approx(weights.max())
    assert decoded(hidden["activations"]["counts"]).sum() == 120 * 16


def test_panels_are_sent_once_an_epoch_with_the_curves(recorded, make_dash):
    d = make_dash(epochs=3, batch_size=20)
    d.run()
    sent = [m for m in recorded if m[2].get("method") == "update" and "_panels" in m[2]["state"]]
    assert 1 <= len(sent) <= 3
    assert all("_live" in m[2]["state"] or "_runs" in m[2]["state"] for m in sent)  # one message


def test_panels_are_computed_by_the_writer_at_most_once_a_second(
    monkeypatch, make_dash, small_problem, decoded
):
    X_val, y_val = small_problem.X_val, small_problem.y_val
    # 400 short epochs (150 mini-batches each, a few ms): the training thread only copies the
    # weights; the writer computes the panels of the latest copy, throttled, and the last epoch's.
    from nnwidgets.widgets.dashboard import publisher as module

    calls = []

    def recording_panel_data(*args, **kwargs):
        calls.append((threading.current_thread().name, kwargs["epoch"]))
        return panel_data(*args, **kwargs)

    monkeypatch.setattr(module, "panel_data", recording_panel_data)
    d = make_dash(epochs=400)
    began = time.monotonic()
    d.start()
    d.wait(timeout=30)
    elapsed = time.monotonic() - began
    assert {name for name, _ in calls} == {"nnwidgets-dashboard-writer"}
    assert 1 <= len(calls) <= elapsed / module.PANEL_INTERVAL + 2
    assert elapsed > 1.0  # long enough for an unthrottled writer to compute many more
    assert calls[-1][1] == 400 and d._panels["epoch"] == 400
    # The copy the panels describe is the trained network's final state.
    predicted = d.runs[0].network.predict(X_val)
    assert decoded(d._panels["confusion"]).trace() == (predicted == y_val).sum()


def test_the_training_thread_copies_the_weights_for_the_panels_a_few_times_a_second(
    monkeypatch, make_dash
):
    # A copy at every epoch's end cost a fast run more than the panels drawn from it: 400
    # epochs of a few ms are copied about four times a second, and the last epoch always.
    from nnwidgets.widgets.dashboard import publisher as module

    copies = []
    real_copy = module.copy.copy

    def counting_copy(obj):
        copies.append(threading.current_thread().name)
        return real_copy(obj)

    monkeypatch.setattr(module.copy, "copy", counting_copy)
    d = make_dash(epochs=400)
    began = time.monotonic()
    d.start()
    d.wait(timeout=30)
    elapsed = time.monotonic() - began
    assert elapsed > 1.0  # a copy an epoch would be 400
    assert 2 <= len(copies) <= elapsed / module.PANEL_COPY_INTERVAL + 3
    assert set(copies) == {"nnwidgets-dashboard"}
    assert d._panels["epoch"] == 400


def test_refresh_panels_on_demand_before_training(make_dash, decoded):
    d = make_dash()
    p = d.refresh_panels()
    assert p["epoch"] == 0 and d._panels is p
    assert decoded(p["confusion"]).sum() == 120


@pytest.fixture(scope="module")
def mnist_panels():
    """Panels of an untrained 784-20-10 sigmoid net on 300 bundled digits: many mistakes."""
    data = load_bundled()
    net = Network([784, 20, 10], activation="sigmoid", seed=3)
    Xv, yv = data.X_test[:300], data.y_test[:300]
    return net, Xv, yv, panel_data(net, Xv, yv, data.X_train, net.targets(data.y_train), epoch=0)


def test_mnist_panels_carry_the_digits_of_each_cell_and_mistake(mnist_panels, decoded):
    net, Xv, yv, p = mnist_panels
    pool = decoded(p["images"])
    assert pool.shape[1:] == (28, 28) and pool.dtype == np.uint8
    predicted = net.predict(Xv)
    for cell in p["cells"]:
        members = np.flatnonzero((yv == cell["true"]) & (predicted == cell["pred"]))
        assert 1 <= len(cell["images"]) <= 8
        # each image shown in the cell is one of that cell's digits (as uint8 pixels)
        for k in cell["images"]:
            assert any(
                np.array_equal(pool[k], np.rint(Xv[i] * 255).reshape(28, 28)) for i in members
            )
    assert len(p["gallery"]) == min(24, p["wrong"])
    for g in p["gallery"]:
        assert g["pred"] != g["true"]
    first = decoded(p["first_weights"])
    np.testing.assert_array_equal(first, net.weights[0][p["neurons"]])
    assert first.shape == (20, 784)  # fewer neurons than the sample size: all of them


def test_neuron_health_counts_dead_relus_and_saturated_sigmoids():
    a = np.ones((50, 4))
    a[:, 1] = 0  # dead: zero on every example
    a[:-1, 2] = 0  # alive on one example only: not dead
    bad, units, words = neuron_health("relu", a)
    assert (bad, units) == (1, 4)
    assert words.startswith(
        "1 of 4 ReLUs (25%) are dead: they output 0 on every one of the 50 examples"
    )
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
    assert neuron_health("sigmoid", np.full((3, 2), 0.5))[2].startswith(
        "none of the 2 sigmoid neurons"
    )


def test_one_sigmoid_output_has_two_classes_by_its_own_rule():
    # An argmax over one column always says 0: every target would look right, inverted too.
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = Network([2, 8, 1], activation="tanh", output="sigmoid", seed=0)
    right = panel_data(net, X, y, X, y.reshape(-1, 1).astype(float), epoch=0)
    inverted = panel_data(net, X, 1 - y, X, (1 - y).reshape(-1, 1).astype(float), epoch=0)
    assert right["classes"] == 2 and right["accuracy"] + inverted["accuracy"] == pytest.approx(1)
    said = (net.forward(X)[:, 0] >= 0.5).astype(int)
    assert right["accuracy"] == pytest.approx((said == y).mean())


def test_a_regression_network_has_no_panels(small_problem):
    from nnwidgets import TrainingDashboard

    X = small_problem.X
    net = Network([8, 4, 1], output="linear", cost="quadratic", seed=0)
    d = TrainingDashboard(net, train=(X, X[:, :1] * 2.0), epochs=1, batch_size=50)
    try:
        assert d.run().status == "completed"
        assert d._panels is None and d.refresh_panels() is None
    finally:
        d.close()
