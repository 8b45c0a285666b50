"""The speed of learning per hidden layer (NNDL ch5): ||dC/db^l|| of the probe's mean cost.

The closed form of a chain of one neuron per layer is checked by hand, without backprop; the
callback is checked against ``net.backprop``'s own bias gradients and for when it records.
"""

import copy
import itertools

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.layer_speed import LayerSpeed, layer_speeds


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def chain(ws, bs):
    """[1, 1, 1, 1, 1]: four sigmoid neurons in a row, the last one the output, quadratic cost
    (C = (a - y)^2 / 2), NNDL ch5's chain."""
    net = Network(
        [1, 1, 1, 1, 1],
        activation="sigmoid",
        output="sigmoid",
        cost="quadratic",
        dtype="float64",
        seed=0,
    )
    net.set_parameters([np.array([[w]]) for w in ws], [np.array([b]) for b in bs])
    return net


def test_chain_speeds_match_the_closed_form():
    # x = 1, y = 0, weights 1, 2, -1, 0.5, biases 0:
    #   z1 = 1                a1 = 0.731059   sigma'(z1) = 0.196612
    #   z2 = 2 * 0.731059     = 1.462117      a2 = 0.811856   sigma'(z2) = 0.152746
    #   z3 = -0.811856        a3 = 0.307495   sigma'(z3) = 0.212942
    #   z4 = 0.5 * 0.307495   = 0.153748      a4 = 0.538361   sigma'(z4) = 0.248528
    # dC/db4 = (a4 - y) sigma'(z4)                     = 0.538361 * 0.248528  =  0.133798
    # dC/db3 = sigma'(z3) w4 sigma'(z4) (a4 - y)       = 0.212942 * 0.5 * ... =  0.014246
    # dC/db2 = sigma'(z2) w3 sigma'(z3) w4 ...         = 0.152746 * -1 * ...  = -0.002176
    # dC/db1 = sigma'(z1) w2 sigma'(z2) w3 sigma'(z3) w4 sigma'(z4) (a4 - y) = -0.000856
    # The hidden layers are neurons 1, 2, 3: speeds |dC/db1|, |dC/db2|, |dC/db3|.
    ws, bs, x, y = [1.0, 2.0, -1.0, 0.5], [0.0] * 4, 1.0, 0.0
    z1 = ws[0] * x + bs[0]
    z2 = ws[1] * sigmoid(z1) + bs[1]
    z3 = ws[2] * sigmoid(z2) + bs[2]
    z4 = ws[3] * sigmoid(z3) + bs[3]
    dc_da4 = sigmoid(z4) - y
    closed = [
        sigmoid_prime(z1)
        * ws[1]
        * sigmoid_prime(z2)
        * ws[2]
        * sigmoid_prime(z3)
        * ws[3]
        * sigmoid_prime(z4)
        * dc_da4,
        sigmoid_prime(z2) * ws[2] * sigmoid_prime(z3) * ws[3] * sigmoid_prime(z4) * dc_da4,
        sigmoid_prime(z3) * ws[3] * sigmoid_prime(z4) * dc_da4,
    ]
    speeds = layer_speeds(chain(ws, bs), np.array([[x]]), np.array([y]))
    np.testing.assert_allclose(speeds, np.abs(closed), rtol=1e-12)
    np.testing.assert_allclose(speeds, [0.000856, 0.002176, 0.014246], atol=5e-7)


def test_the_speed_is_the_norm_of_the_mean_gradient_not_the_mean_of_norms():
    # Two examples whose errors have opposite signs (targets 0 and 1 around a4 = 0.538): the
    # mean gradient nearly cancels, so a mean of per-example norms would be far larger.
    net = chain([1.0, 2.0, -1.0, 0.5], [0.0] * 4)
    X, y = np.array([[1.0], [1.0]]), np.array([0.0, 1.0])
    per_example = [layer_speeds(net, X[i : i + 1], y[i : i + 1]) for i in range(2)]
    one = np.array(layer_speeds(net, X[:1], y[:1]))
    # delta for y = 1 is delta for y = 0 times (a4 - 1) / (a4 - 0)
    a4 = net.forward(X[:1])[0, 0]
    expected = one * abs(a4 + (a4 - 1)) / (2 * a4)
    np.testing.assert_allclose(layer_speeds(net, X, y), expected, rtol=1e-12)
    assert all(s < 0.2 * np.mean(p) for s, p in zip(layer_speeds(net, X, y), zip(*per_example)))


@pytest.fixture
def problem():
    """95 examples (not a multiple of the mini-batch 10, so the last mini-batch is short), 8
    inputs, 3 classes; a [8, 7, 6, 3] sigmoid network: two hidden layers of different sizes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(95, 8))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    net = Network([8, 7, 6, 3], activation="sigmoid", init="book", dtype="float64", seed=3)
    return net, X, y


def backprop_speeds(net, X, y):
    nabla_b, _, _ = net.backprop(net.check_inputs(X), net.targets(y))
    return [float(np.linalg.norm(g)) for g in nabla_b[:-1]]


def test_records_are_backprops_bias_gradient_norms_before_and_after_training(problem):
    net, X, y = problem
    start = backprop_speeds(net, X[:40], y[:40])
    speed = LayerSpeed((X[:40], y[:40]))
    history = net.fit(X, y, epochs=2, batch_size=10, learning_rate=0.5, callbacks=[speed])
    assert history.layer_speed is speed.records
    assert len(speed.records) == 3
    progress, first = speed.records[0]
    assert progress == 0.0 and len(first) == 2
    np.testing.assert_allclose(first, start, rtol=1e-12)
    np.testing.assert_allclose(
        speed.records[-1][1], backprop_speeds(net, X[:40], y[:40]), rtol=1e-12
    )
    assert speed.records[-1][1] != first  # the network changed, and so did its speeds


def test_records_at_the_start_and_after_each_epoch(problem):
    net, X, y = problem
    speed = LayerSpeed((X, y), every="epoch")
    net.fit(X, y, epochs=3, batch_size=10, callbacks=[speed])
    assert [p for p, _ in speed.records] == [0.0, 1.0, 2.0, 3.0]


def test_records_every_k_mini_batches_across_epochs(problem):
    net, X, y = problem
    # 95 examples in mini-batches of 10: 10 mini-batches an epoch, the last of 5 examples.
    # k = 4 over 2 epochs (20 mini-batches): after mini-batches 4, 8, 12, 16 and 20, i.e. at
    # 40/95, 80/95, 1 + 20/95, 1 + 60/95 and 1 + 95/95 = 2 epochs.
    speed = LayerSpeed((X, y), every=4)
    net.fit(X, y, epochs=2, batch_size=10, callbacks=[speed])
    np.testing.assert_allclose(
        [p for p, _ in speed.records], [0.0, 40 / 95, 80 / 95, 1 + 20 / 95, 1 + 60 / 95, 2.0]
    )


def test_a_new_run_starts_a_new_record(problem):
    net, X, y = problem
    speed = LayerSpeed((X, y))
    first = net.fit(X, y, epochs=1, batch_size=10, callbacks=[speed])
    second = net.fit(X, y, epochs=2, batch_size=10, callbacks=[speed])
    assert len(first.layer_speed) == 2 and len(second.layer_speed) == 3
    assert second.layer_speed is speed.records


def test_a_network_without_hidden_layers_records_no_speeds():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)), rng.integers(0, 2, 20)
    speed = LayerSpeed((X, y))
    Network([4, 2], seed=0).fit(X, y, epochs=1, batch_size=5, callbacks=[speed])
    assert speed.records == [(0.0, []), (1.0, [])]


@pytest.mark.parametrize(
    "probe, message",
    [
        (np.zeros((3, 8)), "probe must be a pair"),
        ((np.zeros((3, 8)), np.zeros(2)), "3 inputs and 2 labels"),
        ((np.zeros((0, 8)), np.zeros(0)), "at least one example"),
        (None, "probe must be a pair"),
    ],
)
def test_bad_probes_are_refused(probe, message):
    with pytest.raises(ValueError, match=message):
        LayerSpeed(probe)


@pytest.mark.parametrize(
    "every, message",
    [
        ("batch", "every must be 'epoch' or a positive number of mini-batches; got 'batch'"),
        (0, "every must be a positive integer; got 0"),
        (-2, "every must be a positive integer; got -2"),
        (True, "every must be a positive integer; got True"),
        (1.5, "every must be a positive integer; got 1.5"),
    ],
)
def test_bad_cadences_are_refused(every, message):
    with pytest.raises(ValueError, match=message):
        LayerSpeed((np.zeros((3, 8)), np.zeros(3)), every=every)


def test_a_probe_of_the_wrong_width_is_refused_when_training_starts(problem):
    net, X, y = problem
    speed = LayerSpeed((np.zeros((3, 5)), np.zeros(3, dtype=int)))
    with pytest.raises(
        ValueError, match=r"^the probe's X must have shape \(n_samples, 8\).*\(3, 5\)"
    ):
        net.fit(X, y, epochs=1, callbacks=[speed])


def test_a_probe_refused_when_training_starts_keeps_the_networks_history(problem):
    net, X, y = problem
    history = net.fit(X, y, epochs=2, batch_size=10)
    weights = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match=r"^the probe's X must have shape"):
        net.fit(X, y, callbacks=[LayerSpeed((X[:, :5], y))])
    assert net.history_ is history and history.status == "completed"
    for w, before in zip(net.weights, weights):
        np.testing.assert_array_equal(w, before)


@pytest.mark.parametrize(
    "probe, error, message",
    [
        ((np.zeros((3, 8)), 5), TypeError, r"^probe's y must be labels or targets, one per "),
        ((np.zeros((3, 8)), np.int64(5)), TypeError, r"^probe's y must be .*; got int64$"),
        ((7, np.zeros(3)), TypeError, r"^probe's X must be an array of examples; got int$"),
    ],
)
def test_a_probe_of_numbers_instead_of_arrays_is_refused(probe, error, message):
    with pytest.raises(error, match=message):
        LayerSpeed(probe)


def test_layer_speeds_and_measure_need_a_network(problem):
    _, X, y = problem
    with pytest.raises(TypeError, match=r"^net must be a Network; got NoneType$"):
        layer_speeds(None, X, y)
    with pytest.raises(TypeError, match=r"^net must be a Network; got list$"):
        LayerSpeed((X, y)).measure([8, 7, 3])


# -- the dashboard's speed-of-learning panel ----------------------------------------------------
def _decoded(entry):
    progress = np.frombuffer(entry["progress"]["view"], np.float32)
    speeds = np.frombuffer(entry["speeds"]["view"], np.float32).reshape(entry["speeds"]["shape"])
    return progress, speeds


@pytest.mark.parametrize("bad", [0, -5, True, 1.5, "1000"])
def test_the_dashboards_layer_speed_argument_is_checked(make_dash, bad):
    with pytest.raises(
        ValueError,
        match=rf"layer_speed must be None or a positive number of "
        rf"training examples to probe \(NNDL used 1000\); "
        rf"got {bad!r}",
    ):
        make_dash(layer_speed=bad)


def test_without_layer_speed_the_panels_have_no_speed_chart(make_dash):
    assert "layer_speed" not in make_dash().refresh_panels()


def test_before_training_the_panel_shows_each_runs_speeds_at_initialisation(
    make_dash, make_net, small_problem
):
    p = small_problem
    dash = make_dash(make_net(activation="sigmoid"), layer_speed=50)
    second = Network([8, 5, 4, 3], activation="sigmoid", seed=2)
    dash.add_run(second, learning_rate=0.5)
    entries = dash.refresh_panels()["layer_speed"]
    assert [e["index"] for e in entries] == [0, 1]
    assert [e["layers"] for e in entries] == [1, 2]
    for entry, net in zip(entries, [dash.runs[0].network, second]):
        progress, speeds = _decoded(entry)
        assert progress.tolist() == [0.0]
        np.testing.assert_allclose(speeds[0], layer_speeds(net, p.X[:50], p.y[:50]), rtol=1e-5)


def test_after_training_every_runs_history_and_panel_hold_its_speeds(make_dash, make_net):
    dash = make_dash(make_net(activation="sigmoid"), layer_speed=50, epochs=2)
    dash.add_run(Network([8, 5, 4, 3], activation="sigmoid", seed=2))
    dash.run()
    sent = dash._panels["layer_speed"]  # the publisher's, computed when training ended
    assert [len(_decoded(e)[0]) for e in sent] == [3, 3]
    entries = dash.refresh_panels()["layer_speed"]
    for run, entry in zip(dash.runs, entries):
        assert [p for p, _ in run.history.layer_speed] == [0.0, 1.0, 2.0]
        progress, speeds = _decoded(entry)
        assert progress.tolist() == [0.0, 1.0, 2.0]
        np.testing.assert_allclose(speeds, [s for _, s in run.history.layer_speed], rtol=1e-6)


def test_interleaved_runs_record_their_own_speeds(make_dash, make_net):
    dash = make_dash(make_net(activation="sigmoid"), layer_speed=30, epochs=2, interleave=True)
    dash.add_run(Network([8, 5, 4, 3], activation="sigmoid", seed=2))
    dash.run()
    for run in dash.runs:
        assert [p for p, _ in run.history.layer_speed] == [0.0, 1.0, 2.0]
        assert len(run.history.layer_speed[0][1]) == len(run.network.sizes) - 2


@pytest.mark.parametrize("seed", range(5))
def test_nndl_ch5_figure_each_layer_slower_than_the_next_at_initialisation(seed):
    # NNDL ch5: [784, 30, 30, 30, 30, 10], network2's init, 1,000 training digits:
    # 0.003, 0.017, 0.070, 0.285, "roughly 100 times slower". On the bundled digits seeds 0-4
    # give last/first 74 to 120 (scripts/layer_speed_figures.py); ReLU with He's init 1.2 to 2.
    from nnwidgets import load_bundled

    data = load_bundled()
    X, y = data.X_train[:1000], data.y_train[:1000]
    sizes = [784, 30, 30, 30, 30, 10]
    book = Network(sizes, activation="sigmoid", output="sigmoid", init="book", seed=seed)
    speeds = layer_speeds(book, X, y)
    assert all(a < b for a, b in itertools.pairwise(speeds))
    assert 40 <= speeds[-1] / speeds[0] <= 300
    he = Network(sizes, activation="relu", output="sigmoid", init="scaled", seed=seed)
    speeds = layer_speeds(he, X, y)
    assert 0.3 <= speeds[-1] / speeds[0] <= 3


def test_a_network_with_its_own_backprop_is_measured_with_it():
    # A book network's backprop is the reader's: the speed must come from it, not from the
    # package's BP1-BP3 (here the reader's gradients are twice the true ones, so it shows).
    class Doubled(Network):
        def backprop(self, X, Y, **options):
            nabla_b, nabla_w, a = super().backprop(X, Y, **options)
            return [2 * b for b in nabla_b], nabla_w, a

    rng = np.random.default_rng(0)
    X, y = rng.random((20, 5)), rng.integers(0, 3, 20)
    plain = Network([5, 4, 3], seed=0)
    doubled = Doubled([5, 4, 3], seed=0)
    assert layer_speeds(doubled, X, y) == pytest.approx([2 * s for s in layer_speeds(plain, X, y)])


def test_the_probe_is_checked_once_for_copies_of_a_network_and_again_for_another_dtype(
    problem, monkeypatch
):
    # The dashboard measures a new copy of the weights each epoch: checking the probe again
    # for every copy was a tenth of the measure. A network that converts inputs otherwise
    # (another dtype) gets the probe converted for it.
    net, X, y = problem
    expected = backprop_speeds(net, X[:40], y[:40])
    checked = []
    real = Network.check_inputs
    monkeypatch.setattr(
        Network,
        "check_inputs",
        lambda self, X, **names: checked.append(self.dtype) or real(self, X, **names),
    )
    speed = LayerSpeed((X[:40], y[:40]))
    copies = []
    for _ in range(3):  # as the dashboard copies them: the weights, not the whole object
        c = copy.copy(net)
        c.weights, c.biases = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
        copies.append(c)
    speeds = [speed.measure(c) for c in copies]
    assert checked == [np.float64]
    assert speeds[0] == speeds[1] == speeds[2]
    assert np.allclose(speeds[0], expected, rtol=1e-12)
    narrow = Network([8, 7, 6, 3], activation="sigmoid", dtype="float32", seed=3)
    narrow.set_parameters(net.weights, net.biases)
    assert np.allclose(speed.measure(narrow), speeds[0], rtol=1e-4)
    assert checked == [np.float64, np.float32]
    assert speed._checked[1].dtype == np.float32


def test_every_k_mini_batches_while_the_loop_records_losses_later():
    # LayerSpeed reads no loss (reads_batch_logs False): on a network big enough the loop
    # records the losses a few mini-batches at a time, and the speeds come at the same places.
    from nnwidgets import Callback, load_bundled

    class Deferred(Callback):
        reads_batch_logs = False

        def on_train_begin(self, trainer):
            self.deferred = trainer._may_record_later

    data = load_bundled()
    X, y = data.X_train[:300], data.y_train[:300]
    speed, deferred = LayerSpeed((X[:100], y[:100]), every=7), Deferred()
    net = Network([784, 30, 10], seed=1)
    net.fit(X, y, epochs=2, batch_size=10, learning_rate=0.1, callbacks=[speed, deferred])
    assert deferred.deferred
    progress = [p for p, _ in speed.records]
    assert progress == pytest.approx([0.0, *(k * 7 * 10 / 300 for k in range(1, 9))])
    assert len(net.history_.batch_loss) == 60


def test_a_run_training_before_its_first_measure_gets_an_empty_line(make_dash, make_net):
    # The window between a run starting to train and the writer measuring its first copy: its
    # network is busy (not measured here) and no speed is recorded yet. The panel must still
    # be made, with no points for that run, not fail on the empty arrays.
    dash = make_dash(make_net(activation="sigmoid"), layer_speed=30)
    second = Network([8, 5, 4, 3], activation="sigmoid", seed=2)
    dash.add_run(second)
    with second.exclusive_training():  # as a Trainer holds it while it runs
        entries = dash.refresh_panels()["layer_speed"]
    progress, speeds = _decoded(entries[1])
    assert entries[1]["speeds"]["shape"] == [0, 2]
    assert progress.size == 0 and speeds.shape == (0, 2)
    assert _decoded(entries[0])[0].tolist() == [0.0]  # the other run, measured at its start
