"""The dashboard's calibration panel: the reliability diagram and the expected calibration error
(ECE) of the run shown, on the panels' validation sample, in words, and its ECE per epoch,
measured by the writer thread from the weights copied at each epoch's end."""

import threading

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.metrics import reliability
from nnwidgets.widgets.dashboard import calibration as module
from nnwidgets.widgets.dashboard.calibration import describe
from nnwidgets.widgets.dashboard.panels import panel_data


def softmax_net():
    """[2, 2] softmax with identity weights and no biases: the output is softmax(x), so an input
    [ln(p / (1 - p)), 0] comes out as [p, 1 - p]."""
    net = Network([2, 2], output="softmax", cost="log_likelihood", dtype="float64", seed=0)
    net.set_parameters([np.eye(2)], [np.zeros(2)])
    return net


def inputs_for(*p):
    return np.array([[np.log(q / (1 - q)), 0.0] for q in p])


def test_four_examples_by_hand():
    # confidences 0.9 (right), 0.9 (wrong), 0.75 (right), 0.65 (wrong); 15 bins of 1/15:
    # 0.9 in bin 13 (0.867, 0.933], 0.75 in bin 11, 0.65 in bin 9.
    # ECE = 2/4 |0.5 - 0.9| + 1/4 |1 - 0.75| + 1/4 |0 - 0.65| = 0.2 + 0.0625 + 0.1625 = 0.425
    # mean confidence (0.9 + 0.9 + 0.75 + 0.65) / 4 = 0.8 against accuracy 2/4: overconfident.
    net = softmax_net()
    X, y = inputs_for(0.9, 0.9, 0.25, 0.65), np.array([0, 1, 1, 1])
    np.testing.assert_allclose(net.forward(X).max(axis=1), [0.9, 0.9, 0.75, 0.65])
    entry = panel_data(net, X, y, X, net.targets(y), epoch=3, calibration=True)["calibration"]
    assert entry["ece"] == pytest.approx(0.425)
    assert entry["mce"] == pytest.approx(0.65)
    assert entry["mean_confidence"] == pytest.approx(0.8)
    assert entry["accuracy"] == pytest.approx(0.5)
    assert entry["words"] == (
        "overconfident: 80.0% mean confidence, 50.0% accuracy, ECE 42.5% "
        "(on 4 validation examples, 15 bins)"
    )
    counts = np.frombuffer(entry["counts"]["view"], np.float32)
    accuracy = np.frombuffer(entry["bin_accuracy"]["view"], np.float32)
    confidence = np.frombuffer(entry["bin_confidence"]["view"], np.float32)
    assert counts.tolist() == [0] * 9 + [1, 0, 1, 0, 2, 0]
    np.testing.assert_allclose(accuracy[[9, 11, 13]], [0.0, 1.0, 0.5])
    np.testing.assert_allclose(confidence[[9, 11, 13]], [0.65, 0.75, 0.9], rtol=1e-6)
    assert np.isnan(accuracy[0]) and np.isnan(confidence[14])  # empty bins: NaN, not 0


def test_without_calibration_the_panels_have_none():
    net = softmax_net()
    X, y = inputs_for(0.9, 0.2), np.array([0, 1])
    assert "calibration" not in panel_data(net, X, y, X, net.targets(y), epoch=0)


@pytest.mark.parametrize(
    "confidences, right, verdict",
    [
        # 0.6 and 0.6, both right: ECE 0.4, confidence 60% below accuracy 100%
        ([0.6, 0.6], [True, True], "underconfident: 60.0% mean confidence, 100.0% accuracy"),
        # ten at 0.9, nine right: each bin's accuracy is its confidence, ECE 0
        ([0.9] * 10, [True] * 9 + [False], "well calibrated: 90.0% mean confidence, 90.0%"),
        # 0.9 wrong (+0.9), 0.6 and 0.6 right (-0.4 each): ECE 1.7 / 3 = 0.567, but the means
        # differ by 0.7 - 0.667 = 0.033, less than half the ECE
        ([0.9, 0.6, 0.6], [False, True, True], "over- and underconfident in different bins"),
    ],
)
def test_the_words_say_which_way_it_is_off(confidences, right, verdict):
    P = np.array([[c, 1 - c] for c in confidences])
    y = np.where(right, 0, 1)
    rel = reliability(P, y, n_bins=15)
    _, _, words = describe(rel, len(P))
    assert words.startswith(verdict)


def test_outputs_that_are_not_probabilities_are_said_so():
    net = Network([2, 4, 3], activation="sigmoid", output="sigmoid", seed=0)
    X, y = np.ones((5, 2)), np.zeros(5, int)
    entry = panel_data(net, X, y, X, net.targets(y), epoch=0, calibration=True)["calibration"]
    assert entry == {
        "ece": None,
        "words": "no calibration: the 3 sigmoid outputs are not probabilities that sum to 1 "
        "(output='softmax' gives them)",
    }


def test_one_sigmoid_output_is_the_probability_of_class_1():
    # P(1) = sigmoid(x): x = ln 4 says 0.8 (class 1, confidence 0.8), x = -ln 4 says 0.2
    # (class 0, confidence 0.8). One right, one wrong: ECE |0.5 - 0.8| = 0.3.
    net = Network([1, 1], output="sigmoid", dtype="float64", seed=0)
    net.set_parameters([np.eye(1)], [np.zeros(1)])
    X, y = np.array([[np.log(4)], [-np.log(4)]]), np.array([1, 1])
    entry = panel_data(net, X, y, X, y.reshape(-1, 1).astype(float), epoch=0, calibration=True)
    assert entry["calibration"]["ece"] == pytest.approx(0.3)


@pytest.mark.parametrize("bad", [1, "yes", None, 0.5])
def test_the_dashboards_calibration_argument_is_checked(make_dash, bad):
    with pytest.raises(ValueError, match=rf"calibration must be True .* or False; got {bad!r}"):
        make_dash(calibration=bad)


def test_ece_per_epoch_is_the_networks_at_each_epochs_end(make_dash, make_net, small_problem):
    p = small_problem
    net = make_net()
    start = net.copy()
    d = make_dash(net, epochs=3, calibration=True)
    assert d.calibration is True
    d.run()
    run = d.runs[0]
    assert [e for e, _ in run.calibration] == [0.0, 1.0, 2.0, 3.0]

    def ece(network):
        return reliability(network.forward(p.X_val), p.y_val).ece

    assert run.calibration[0][1] == pytest.approx(ece(start))  # before training
    assert run.calibration[-1][1] == pytest.approx(ece(net))  # the trained network
    # The panel: the last epoch's diagram and the whole line.
    entry = d._panels["calibration"]
    assert entry["ece"] == pytest.approx(ece(net))
    epochs = np.frombuffer(entry["epochs"]["view"], np.float32)
    eces = np.frombuffer(entry["eces"]["view"], np.float32)
    assert epochs.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(eces, [v for _, v in run.calibration], rtol=1e-6)
    assert "on 120 validation examples" in entry["words"]


def test_the_writer_measures_every_epoch_off_the_training_thread(monkeypatch, make_dash):
    calls = []
    measure = module.measure

    def recording(*args):
        calls.append(threading.current_thread().name)
        return measure(*args)

    monkeypatch.setattr(module, "measure", recording)
    # A backlog the 31 copies cannot fill: on a busy machine the writer may fall behind these
    # very short epochs, and then (by design, tested below) the training thread measures.
    from nnwidgets.widgets.dashboard import publisher

    monkeypatch.setattr(publisher, "MEASURE_BACKLOG", 1000)
    d = make_dash(epochs=30, calibration=True)
    d.start()
    d.wait(timeout=60)
    assert [e for e, _ in d.runs[0].calibration] == [float(e) for e in range(31)]
    assert set(calls) == {"nnwidgets-dashboard-writer"}


def test_without_calibration_nothing_is_measured(monkeypatch, make_dash):
    calls = []
    monkeypatch.setattr(module, "measure", lambda *a: calls.append(a))
    d = make_dash(epochs=2)
    d.run()
    assert calls == [] and d.runs[0].calibration == []
    assert "calibration" not in d._panels


def test_before_training_the_panel_shows_the_initial_calibration(make_dash, small_problem):
    d = make_dash(calibration=True)
    entry = d.refresh_panels()["calibration"]
    p = small_problem
    assert entry["ece"] == pytest.approx(
        reliability(d.runs[0].network.forward(p.X_val), p.y_val).ece
    )
    assert np.frombuffer(entry["epochs"]["view"], np.float32).tolist() == [0.0]


# -- the writer measures each epoch's copy: the speed of learning too ----------------------------
def test_the_speed_of_learning_is_measured_off_the_training_thread_as_the_callback_would(
    monkeypatch, make_dash, make_net, small_problem
):
    from nnwidgets.layer_speed import LayerSpeed

    p = small_problem
    calls = []
    measure = LayerSpeed.measure

    def recording(self, net):
        calls.append(threading.current_thread().name)
        return measure(self, net)

    monkeypatch.setattr(LayerSpeed, "measure", recording)
    d = make_dash(make_net(activation="sigmoid"), epochs=3, layer_speed=50)
    d.start()
    d.wait(timeout=60)
    assert set(calls) == {"nnwidgets-dashboard-writer"}
    # the same records as LayerSpeed as a callback of net.fit, same network, same settings
    twin = make_net(activation="sigmoid")
    twin.fit(
        p.X,
        p.y,
        validation=(p.X_val, p.y_val),
        epochs=3,
        batch_size=p.batch_size,
        learning_rate=0.05,
        threads=d.runs[0].trainer.threads,
        callbacks=[LayerSpeed((p.X[:50], p.y[:50]))],
    )
    ours = d.runs[0].history.layer_speed
    assert [e for e, _ in ours] == [0.0, 1.0, 2.0, 3.0]
    np.testing.assert_allclose(
        [s for _, s in ours], [s for _, s in twin.history_.layer_speed], rtol=1e-5
    )


def test_a_writer_that_falls_behind_leaves_the_measures_to_the_training_thread(
    monkeypatch, make_dash, make_net
):
    # With a backlog of 1 every copy is measured at once, on the training thread, in order.
    from nnwidgets.widgets.dashboard import publisher

    monkeypatch.setattr(publisher, "MEASURE_BACKLOG", 1)
    calls = []
    measure = module.measure
    monkeypatch.setattr(
        module, "measure", lambda *a: calls.append(threading.current_thread().name) or measure(*a)
    )
    d = make_dash(make_net(activation="sigmoid"), epochs=5, layer_speed=50, calibration=True)
    d.start()
    d.wait(timeout=60)
    assert set(calls) == {"nnwidgets-dashboard"}
    run = d.runs[0]
    assert [e for e, _ in run.calibration] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert [e for e, _ in run.history.layer_speed] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_each_epochs_ece_is_read_from_the_trainers_validation_pass(monkeypatch, make_dash):
    # The Trainer computes the outputs on the validation set at each epoch's end for its
    # validation loss; the calibration reads them: the writer's only forward pass is the one
    # before training (the panels run their own through _weighted_inputs).
    calls = []
    forward = Network.forward

    def counting(self, X):
        calls.append(threading.current_thread().name)
        return forward(self, X)

    monkeypatch.setattr(Network, "forward", counting)
    d = make_dash(epochs=5, calibration=True)
    d.start()
    d.wait(timeout=60)
    assert calls.count("nnwidgets-dashboard-writer") == 1
    assert [e for e, _ in d.runs[0].calibration] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
