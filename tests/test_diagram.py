"""NetworkDiagram, Python side: traits, show validation, edits (ablation and scaling) against a
forward pass written out in NumPy, the canvas link, and following the network's weights."""

import logging
import threading

import numpy as np
import pytest
from _messages import front_end_update

from nnwidgets.network import Network
from nnwidgets.widgets import _sync
from nnwidgets.widgets._wire import array_to_json
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram
from nnwidgets.widgets.export import export_html


def numpy_forward(net, x, off=(), scaled=()):
    """The book's forward pass, one line per layer, with neurons switched off or scaled.

    ``off``: (layer, neuron) pairs whose activation is set to 0; ``scaled``: (layer, neuron, s).
    """

    def relu(z):
        return np.maximum(z, 0)

    a = x.astype(np.float32)
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=1):
        z = w @ a + b
        if l < len(net.weights):
            a = relu(z)
        else:
            e = np.exp(z - z.max())
            a = e / e.sum()
        for layer, n in off:
            if layer == l:
                a[n] = 0
        for layer, n, s in scaled:
            if layer == l:
                a[n] *= s
    return a


def test_the_network_travels_as_the_canvas_sends_it(net):
    d = NetworkDiagram(net)
    state = d.get_state()["_network"]  # what goes to the page
    assert state["sizes"] == [784, 16, 12, 10]
    w = state["weights"][1]
    assert w["shape"] == [12, 16]
    np.testing.assert_array_equal(
        np.frombuffer(w["view"], np.float32).reshape(12, 16), net.weights[1]
    )


def test_no_input_no_prediction(net):
    d = NetworkDiagram(net)
    assert (
        d.input is None
        and d.prediction is None
        and d.probabilities is None
        and d.activations is None
    )


@pytest.mark.parametrize("shape", [(784,), (28, 28)])
def test_show_accepts_a_vector_or_an_image(net, x, shape):
    d = NetworkDiagram(net)
    d.show(x.reshape(shape))
    np.testing.assert_array_equal(d.input, x)
    acts = d.activations
    assert [a.shape for a in acts] == [(784,), (16,), (12,), (10,)]
    np.testing.assert_allclose(acts[-1], numpy_forward(net, x), rtol=1e-5, atol=1e-7)
    assert d.prediction == int(np.argmax(numpy_forward(net, x)))


@pytest.mark.parametrize(
    "bad, match",
    [
        (
            np.zeros(783),
            r"input must have shape \(784,\) or \(28, 28\) for a network with 784 inputs; "
            r"got shape \(783,\)",
        ),
        (np.zeros((28, 27)), r"got shape \(28, 27\)"),
        (np.full(784, np.nan), "NaN or infinite"),
        (np.array(["a"] * 784), "must hold numbers"),
    ],
)
def test_show_rejects_bad_input_and_keeps_the_old(net, x, bad, match):
    d = NetworkDiagram(net)
    d.show(x)
    with pytest.raises(ValueError, match=match):
        d.show(bad)
    np.testing.assert_array_equal(d.input, x)


def test_a_small_network_takes_only_its_own_input_size():
    d = NetworkDiagram(Network([2, 8, 8, 1], output="sigmoid", seed=0))
    d.show([0.5, -1.0])
    assert d.probabilities.shape == (1,)
    with pytest.raises(ValueError, match=r"shape \(2,\) for a network with 2 inputs"):
        d.show(np.zeros((28, 28)))


def test_ablation_equals_numpy_with_those_neurons_zeroed(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    before = [w.copy() for w in net.weights]
    # the neurons that matter most for this input, so switching them off changes the answer
    acts = d.activations
    strongest = [int(i) for i in np.argsort(acts[1])[-6:]]
    for n in strongest:
        d.ablate(1, n)
    d.ablate(2, 3)
    expected = numpy_forward(net, x, off=[(1, n) for n in strongest] + [(2, 3)])
    np.testing.assert_allclose(d.probabilities, expected, rtol=1e-5, atol=1e-7)
    assert d.prediction == int(np.argmax(expected))
    assert d.ablated == {1: sorted(strongest), 2: [3]}
    assert d.activations[1][strongest].tolist() == [0.0] * 6
    # the network itself is untouched
    for w0, w in zip(before, net.weights):
        np.testing.assert_array_equal(w0, w)


def test_scaling_a_neuron_scales_its_activation(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    n = int(np.argmax(d.activations[2]))
    d.scale(2, n, 2.5)
    np.testing.assert_allclose(
        d.probabilities, numpy_forward(net, x, scaled=[(2, n, 2.5)]), rtol=1e-5, atol=1e-7
    )
    assert d.ablated == {} and d.scales == {2: {n: 2.5}}
    d.scale(2, n, 1)  # a factor of 1 is no edit
    assert d.scales == {}


def test_ablated_network_is_a_copy_with_outgoing_weights_scaled(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    d.ablate(1, 4)
    d.scale(2, 7, 0.5)
    twin = d.ablated_network()
    assert twin is not net
    assert (twin.weights[1][:, 4] == 0).all() and (net.weights[1][:, 4] != 0).any()
    np.testing.assert_array_equal(twin.weights[2][:, 7], net.weights[2][:, 7] * np.float32(0.5))
    # zeroing outgoing weights == zeroing the activation
    np.testing.assert_allclose(
        twin.predict_proba(x.reshape(1, -1))[0], d.probabilities, rtol=1e-5, atol=1e-7
    )


def test_reset_undoes_every_edit(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    plain = d.probabilities.copy()
    d.ablated = {1: [0, 1, 2], 2: [5]}
    assert not np.allclose(d.probabilities, plain)
    d.reset()
    assert d.scales == {} and d.ablated == {}
    np.testing.assert_array_equal(d.probabilities, plain)


@pytest.mark.parametrize(
    "layer, neuron, match",
    [
        (0, 1, r"layer must be a hidden layer, 1\.\.2 for sizes \[784, 16, 12, 10\]; got 0"),
        (3, 1, r"hidden layer, 1\.\.2 .* got 3"),
        (1, 16, r"neuron must be in 0\.\.15 for layer 1 \(16 neurons\); got 16"),
        (2, -1, r"neuron must be in 0\.\.11 for layer 2"),
        (1, 1.5, r"neuron must be an int; got 1\.5"),
    ],
)
def test_edits_out_of_range_raise_and_change_nothing(net, layer, neuron, match):
    d = NetworkDiagram(net)
    d.ablate(1, 2)
    with pytest.raises(ValueError, match=match):
        d.ablate(layer, neuron)
    assert d.scales == {1: {2: 0.0}}


def test_a_factor_must_be_finite(net):
    d = NetworkDiagram(net)
    with pytest.raises(
        ValueError, match="factor of neuron 2 in layer 1 must be a finite number; got nan"
    ):
        d.scale(1, 2, float("nan"))


def test_scales_travel_with_string_keys(net):
    d = NetworkDiagram(net)
    d.ablate(2, 11)
    assert d.get_state()["scales"] == {"2": {"11": 0.0}}


def test_a_click_in_the_page_edits(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    front_end_update(d, {"_request": {"scales": {"1": {"3": 0}, "2": {"4": 0.5}}, "seq": "v:1"}})
    assert d.scales == {1: {3: 0.0}, 2: {4: 0.5}}
    np.testing.assert_allclose(
        d.probabilities,
        numpy_forward(net, x, off=[(1, 3)], scaled=[(2, 4, 0.5)]),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize(
    "request_",
    [
        {"scales": {"9": {"0": 0}}},
        {"scales": {"1": {"99": 0}}},
        {"scales": {"1": {"0": "off"}}},
        {"scales": [1, 2]},
        {"nothing": 1},
    ],
)
def test_malformed_requests_from_the_page_are_logged_and_ignored(net, request_, caplog):
    d = NetworkDiagram(net)
    d.ablate(1, 0)
    with caplog.at_level(logging.ERROR, logger="nnwidgets.diagram"):
        front_end_update(d, {"_request": request_})
    assert d.scales == {1: {0: 0.0}}
    assert "ignored an edit from the browser" in caplog.text


def test_top_k_must_be_positive(net):
    with pytest.raises(ValueError, match="top_k must be at least 1; got 0"):
        NetworkDiagram(net, top_k=0)


def test_a_network_the_page_cannot_run_is_rejected(net):
    d = NetworkDiagram(net)

    class Odd:
        sizes = [3, 2]
        weights = [np.ones((2, 3))]
        biases = [np.zeros(2)]
        activation = "swish"
        output = "softmax"

    with pytest.raises(ValueError, match="activation must be one of"):
        d.network = Odd()
    assert d.network is net


def test_a_new_network_keeps_what_still_fits(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    d.ablate(1, 15)
    d.network = Network([784, 16, 12, 10], seed=5)  # same shape: input and edit stay
    assert d.scales == {1: {15: 0.0}} and d.input is not None
    d.network = Network([784, 8, 10], seed=5)  # neuron 15 of layer 1 no longer exists
    assert d.scales == {} and d.input is not None
    d.network = Network([2, 4, 1], output="sigmoid", seed=0)  # the input no longer fits
    assert d.input is None and d.prediction is None


def test_link_follows_the_canvas_and_unlink_stops(net, x):
    canvas = DigitCanvas(net)
    d = NetworkDiagram(net)
    d.link(canvas)
    assert d.linked is canvas
    assert d.get_state()["_source"] == f"IPY_MODEL_{canvas.model_id}"
    assert d.input is None  # the pad is blank
    canvas.show(x.reshape(28, 28))
    np.testing.assert_array_equal(d.input, canvas.pixels.reshape(-1))
    assert d.prediction == canvas.prediction
    canvas.clear()
    assert d.input is None
    d.unlink()
    assert d.linked is None and d.get_state()["_source"] is None
    canvas.show(x.reshape(28, 28))
    assert d.input is None  # no longer following


def test_show_while_linked_puts_the_digit_on_the_canvas(net, x):
    canvas = DigitCanvas(net)
    d = NetworkDiagram(net)
    d.link(canvas)
    d.show(x)
    np.testing.assert_array_equal(canvas.pixels.reshape(-1), x)
    np.testing.assert_array_equal(d.input, x)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):  # the canvas's own check
        d.show(x * 3)
    np.testing.assert_array_equal(d.input, x)
    d.show(None)
    assert not canvas.pixels.any() and d.input is None


def test_a_stroke_from_the_page_reaches_the_linked_diagram(net, x):
    canvas = DigitCanvas(net)
    d = NetworkDiagram(net)
    d.link(canvas)
    front_end_update(
        canvas,
        {"_drawn": {"pixels": array_to_json(x.reshape(28, 28)), "strokes": [], "seq": "a:1"}},
    )
    np.testing.assert_array_equal(d.input, x)


def test_link_needs_a_canvas_and_a_digit_network(net):
    with pytest.raises(ValueError, match="canvas must be a DigitCanvas .*got str"):
        NetworkDiagram(net).link("canvas")
    small = NetworkDiagram(Network([2, 3, 2], seed=0))
    with pytest.raises(
        ValueError, match="network takes 784 inputs can follow a canvas; this one takes 2"
    ):
        small.link(DigitCanvas(net))


def test_close_unsubscribes_and_unlinks(net):
    canvas = DigitCanvas(net)
    d = NetworkDiagram(net)
    d.link(canvas)
    n_listeners = len(net._listeners)
    d.close()
    assert len(net._listeners) == n_listeners - 1
    canvas.show(np.eye(28, dtype=np.float32))  # the closed diagram is not written
    assert d.input is None


def test_follows_weights_changed_by_training(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    before = d.probabilities.copy()

    def train_like():
        for _ in range(3):
            net.weights[-1] += 0.05 * np.outer(np.arange(10) - 4.5, np.ones(12, np.float32)).astype(
                np.float32
            )
            net.notify_changed()

    t = threading.Thread(target=train_like)
    t.start()
    t.join(10)
    assert _sync.flush()
    np.testing.assert_allclose(d.probabilities, numpy_forward(net, x), rtol=1e-5, atol=1e-7)
    assert not np.allclose(d.probabilities, before)
    sent = d._network["weights"][-1]
    np.testing.assert_array_equal(
        np.frombuffer(sent["view"], np.float32).reshape(10, 12), net.weights[-1]
    )


def test_default_is_the_shipped_model_and_package_export():
    import nnwidgets

    d = nnwidgets.NetworkDiagram()
    assert d.network.sizes == [784, 800, 800, 10]
    assert d.top_k == 3 and d.all_edges is False


def test_export_warns_when_the_linked_canvas_is_left_out(tmp_path):
    net = Network([784, 8, 10], seed=0)
    canvas, diagram = DigitCanvas(net), NetworkDiagram(net)
    diagram.link(canvas)
    with pytest.warns(
        UserWarning,
        match=f"NetworkDiagram refers to widget {canvas.model_id}, which is not in this export",
    ):
        export_html([diagram], tmp_path / "alone.html")


# -- errors flowing back (show_errors) ------------------------------------------------------------


def cost_after(net, l, z, target, scales):
    """C as a function of layer l's weighted input z^l alone: the rest of the forward pass from
    there (with the edits), then the network's own cost. Row vectors, as Network works."""
    L = len(net.weights)
    hidden, output = net._hidden, net._output
    a = None
    for k in range(l, L + 1):
        zk = z if k == l else a @ net.weights[k - 1].T.astype(np.float64) + net.biases[k - 1]
        a = (output if k == L else hidden).fn(zk)
        for n, s in scales.get(k, {}).items():
            a[0, n] *= s
    return float(net.cost_function.fn(a, target.reshape(1, -1))[0])


def z_of(net, x, l, scales):
    """z^l for input x with the edits, in float64."""
    a = x.astype(np.float64).reshape(1, -1)
    for k in range(1, l + 1):
        z = a @ net.weights[k - 1].T.astype(np.float64) + net.biases[k - 1]
        a = net._hidden.fn(z)
        for n, s in scales.get(k, {}).items():
            a[0, n] *= s
    return z


@pytest.mark.parametrize(
    "activation, output, cost",
    [
        ("relu", "softmax", "cross_entropy"),  # the shipped model's choice: BP1 is a - y
        ("sigmoid", "sigmoid", "quadratic"),  # the book's chapter 2
        ("tanh", "linear", "quadratic"),
    ],
)
def test_errors_equal_backprops_nabla_b_for_one_example(activation, output, cost):
    net = Network(
        [6, 5, 4, 3], activation=activation, output=output, cost=cost, seed=0, init="large"
    )
    x = np.random.default_rng(1).random(6).astype(np.float32)
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 2)
    # BP3: dC/db^l = delta^l, and for one example backprop's mean over the batch is that example
    nabla_b, _, _ = net.backprop(net.check_inputs(x.reshape(1, -1)), net.targets([2]))
    assert diagram.mode == "errors"
    assert [d.shape for d in diagram.errors] == [(5,), (4,), (3,)]
    for got, want in zip(diagram.errors, nabla_b):
        np.testing.assert_allclose(got, want, atol=2e-6, rtol=1e-4)  # Network computes in float32
    np.testing.assert_array_equal(diagram.target, [0, 0, 1])


def test_errors_equal_a_central_difference_of_the_cost_in_z_with_edits():
    net = Network(
        [5, 4, 4, 3],
        activation="tanh",
        output="sigmoid",
        cost="quadratic",
        seed=3,
        init="large",
        dtype="float64",
    )
    x = np.random.default_rng(2).random(5).astype(np.float32)
    target = np.array([0.0, 1.0, 0.5])
    diagram = NetworkDiagram(net)
    diagram.scale(1, 2, 0.5)
    diagram.ablate(2, 0)
    diagram.show_errors(x, target)
    eps = 1e-5
    for l, delta in enumerate(diagram.errors, start=1):
        z = z_of(net, x, l, diagram.scales)
        numeric = []
        for j in range(z.shape[1]):
            up, down = z.copy(), z.copy()
            up[0, j] += eps
            down[0, j] -= eps
            numeric.append(
                (
                    cost_after(net, l, up, target, diagram.scales)
                    - cost_after(net, l, down, target, diagram.scales)
                )
                / (2 * eps)
            )
        np.testing.assert_allclose(delta, numeric, atol=1e-8, rtol=1e-5)
    assert (
        diagram.errors[1][0] == 0
    )  # a switched-off neuron gets no error: nothing flows through it


def test_errors_of_a_book_network_equal_the_readers_backprop():
    from types import SimpleNamespace

    from nnwidgets.labs import as_network
    from nnwidgets.labs.reference import backprop

    rng = np.random.default_rng(5)
    sizes = [7, 6, 3]
    weights = [rng.standard_normal((o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal((o, 1)) for o in sizes[1:]]
    x, y = rng.random(7), np.array([[0.0], [1.0], [0.0]])
    diagram = NetworkDiagram(
        as_network(SimpleNamespace(sizes=sizes, weights=weights, biases=biases))
    )
    diagram.show_errors(x, y)  # the book's column target
    nabla_b, _ = backprop(x.astype(np.float32).reshape(-1, 1).astype(float), y, weights, biases)
    for got, want in zip(diagram.errors, nabla_b):
        np.testing.assert_allclose(got, want.ravel(), rtol=1e-9, atol=1e-12)
    assert diagram._errors["cost"] == "quadratic"


def test_errors_travel_as_float32_with_their_input(net, x):
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 4)
    sent = diagram._errors
    assert [d["shape"] for d in sent["deltas"]] == [[16], [12], [10]]
    assert all(d["dtype"] == "float32" for d in sent["deltas"])
    for d, want in zip(sent["deltas"], diagram.errors):
        np.testing.assert_array_equal(np.frombuffer(d["view"], np.float32), want.astype(np.float32))
    np.testing.assert_array_equal(np.frombuffer(sent["input"]["view"], np.float32), x)
    assert sent["cost"] == "cross_entropy"


def test_a_new_input_gets_errors_for_the_same_target(net, x):
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 4)
    first = diagram.errors
    diagram.show(x[::-1].copy())
    assert diagram.mode == "errors"
    want = NetworkDiagram(net)
    want.show_errors(x[::-1].copy(), 4)
    for got, exp, old in zip(diagram.errors, want.errors, first):
        np.testing.assert_array_equal(got, exp)
        assert not np.array_equal(got, old)
    diagram.show(None)
    assert diagram.errors is None and diagram._errors is None


def test_edits_change_the_errors(net, x):
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 4)
    active = int(np.argmax(diagram.activations[1]))
    diagram.ablate(1, active)
    assert diagram.errors[0][active] == 0
    twin = diagram.ablated_network()  # the same edits as scaled outgoing weights
    nabla_b, _, _ = twin.backprop(twin.check_inputs(x.reshape(1, -1)), twin.targets([4]))
    for got, want in zip(diagram.errors[1:], nabla_b[1:]):
        np.testing.assert_allclose(got, want, atol=2e-6, rtol=1e-4)


@pytest.mark.parametrize(
    "y, match",
    [
        (10, r"target must be a label in 0..9 or 10 numbers; got 10"),  # the package's "; got"
        (np.zeros(9), r"target must be a label in 0..9 or 10 numbers"),
        ("7", r"target must be a label"),
        (np.full(10, np.nan), r"target contains NaN"),
    ],
)
def test_show_errors_rejects_a_bad_target_and_changes_nothing(net, x, y, match):
    diagram = NetworkDiagram(net)
    diagram.show(x)
    with pytest.raises(ValueError, match=match):
        diagram.show_errors(x[::-1].copy(), y)
    assert diagram.mode == "activations" and diagram.target is None and diagram._errors is None
    np.testing.assert_array_equal(diagram.input, x)


def test_show_errors_rejects_a_bad_input_and_keeps_the_old_target(net, x):
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 1)
    with pytest.raises(ValueError, match=r"input must have shape \(784,\) or \(28, 28\)"):
        diagram.show_errors(np.ones(5), 3)
    np.testing.assert_array_equal(diagram.target, np.eye(10)[1])
    with pytest.raises(ValueError, match="needs an input x"):
        diagram.show_errors(None, 3)


def test_mode_errors_needs_a_target_and_activations_keeps_it(net, x):
    diagram = NetworkDiagram(net)
    with pytest.raises(
        ValueError, match=r'mode "errors" needs a target: call show_errors\(x, y\) first'
    ):
        diagram.mode = "errors"
    diagram.show_errors(x, 3)
    diagram.mode = "activations"
    assert diagram.target is not None and diagram.errors is not None  # still there for later
    diagram.mode = "errors"


def test_errors_follow_training_and_a_new_output_size_drops_the_target(net, x):
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 3)
    before = diagram.errors
    net.set_parameters([w * 0.5 for w in net.weights], net.biases)
    diagram._send_network_state()  # what the writer thread does, at most ten times a second
    assert not np.array_equal(before[-1], diagram.errors[-1])
    diagram.network = Network([784, 8, 4], seed=0)
    assert diagram.mode == "activations" and diagram.target is None and diagram.errors is None
