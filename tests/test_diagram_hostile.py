"""NetworkDiagram used carelessly or on purpose wrongly: each test is a defect found by trying.

The expectations: a clear error naming what was wrong, nothing the user had is lost (the
network, the input, the edits), and malformed data from the page is logged and ignored.
"""

import copy
import logging
import types
import warnings

import numpy as np
import pytest
from _messages import front_end_update

from nnwidgets.network import Network
from nnwidgets.widgets import _sync
from nnwidgets.widgets._wire import array_to_json
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram

# ------------------------------------------------------------------------------------- show()


def test_show_takes_uint8_as_pixels_as_the_linked_canvas_does(net, x):
    digit = (x * 255).astype(np.uint8)
    alone = NetworkDiagram(net)
    alone.show(digit)
    linked = NetworkDiagram(net)
    linked.link(DigitCanvas(net))
    linked.show(digit)  # goes through the canvas, which divides by 255
    np.testing.assert_allclose(alone.input, digit / np.float32(255), rtol=1e-6)
    np.testing.assert_array_equal(alone.input, linked.input)
    assert alone.prediction == linked.prediction


def test_show_refuses_values_beyond_float32_with_no_warning(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old code warned "overflow encountered in cast"
        with pytest.raises(
            ValueError,
            match=r"input values must lie within float32's range \(\|x\| <= 3.4e38\); "
            r"got values up to 1e\+300",
        ):
            d.show(np.full(784, 1e300))
    np.testing.assert_array_equal(d.input, x)


def test_an_input_that_overflows_the_network_is_refused_and_the_old_kept(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    before = d.prediction
    # finite in float32, but its weighted sums are not: the page would draw NaN, argmax(NaN) is 0
    with pytest.raises(ValueError, match=r"input drives layer 1 beyond float32's range"):
        d.show(np.full(784, 3e38, np.float32))
    np.testing.assert_array_equal(d.input, x)
    assert d.prediction == before and np.isfinite(d.probabilities).all()


# -------------------------------------------------------------------------------------- edits


def test_an_edit_that_overflows_is_refused_from_python_and_from_the_page(net, x, caplog):
    d = NetworkDiagram(net)
    d.show(x)
    d.ablate(1, 2)
    with pytest.raises(ValueError, match=r"with the edits \(scales\) drives layer"):
        d.scale(1, 0, 1e308)
    assert d.scales == {1: {2: 0.0}}
    with caplog.at_level(logging.ERROR, logger="nnwidgets.diagram"):
        front_end_update(d, {"_request": {"scales": {"1": {"0": 1e308}}, "seq": "v:1"}})
    assert "ignored an edit from the browser" in caplog.text
    assert d.scales == {1: {2: 0.0}} and np.isfinite(d.probabilities).all()


@pytest.mark.parametrize("rows", [{1: "12"}, {1: 3}, {1: {3: 0}}])
def test_ablated_wants_a_list_of_neurons_per_layer(net, rows):
    d = NetworkDiagram(net)
    d.ablate(2, 5)
    # "12" used to switch off neurons 1 and 2 (a string is iterable); 3 raised "not iterable"
    with pytest.raises(ValueError, match=r"ablated\[1\] must be a list of neuron indices; got"):
        d.ablated = rows
    assert d.scales == {2: {5: 0.0}}


def test_ablated_takes_numpy_arrays_and_string_layers(net):
    d = NetworkDiagram(net)
    d.ablated = {"1": np.array([3, 4]), 2: range(2)}
    assert d.ablated == {1: [3, 4], 2: [0, 1]}


def test_top_k_refuses_a_bool(net):
    d = NetworkDiagram(net)
    with pytest.raises(ValueError, match=r"top_k must be an int >= 1; got True"):
        d.top_k = True
    assert d.top_k == 3 and type(d.top_k) is int


@pytest.mark.parametrize(
    "name, bad, error, match",
    [
        ("top_k", "a", ValueError, r"top_k must be an int >= 1; got 'a'"),
        ("top_k", 2.5, ValueError, r"top_k must be an int >= 1; got 2.5"),
        ("top_k", None, ValueError, r"top_k must be an int >= 1; got None"),
        ("all_edges", "x", TypeError, r"NetworkDiagram.all_edges must be True or False; got 'x'"),
        ("all_edges", 1, TypeError, r"all_edges must be True or False; got 1"),
        ("mode", "bogus", ValueError, r"mode must be one of \['activations', 'errors'\]; got"),
    ],
)
def test_settings_refuse_wrong_values_with_the_packages_errors(net, name, bad, error, match):
    # A ValueError or TypeError naming the setting (a plain TraitError escapes `except
    # ValueError`), from an assignment and from the page alike; nothing changes.
    d = NetworkDiagram(net)
    before = getattr(d, name)
    with pytest.raises(error, match=match):
        setattr(d, name, bad)
    with pytest.raises(error, match=match):
        d.set_state({name: bad})
    assert getattr(d, name) == before


def test_settings_take_numpy_numbers_and_bools(net):
    d = NetworkDiagram(net, top_k=np.int64(5), all_edges=np.bool_(True))
    assert (d.top_k, d.all_edges) == (5, True)
    assert type(d.top_k) is int and type(d.all_edges) is bool
    canvas = DigitCanvas(net)
    canvas.show_steps = np.True_
    assert canvas.show_steps is True


# ---------------------------------------------------------------------- the network changing


def test_a_new_network_keeps_every_edit_that_still_fits(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    d.ablate(1, 3)
    d.scale(2, 11, 0.5)  # layer 2 shrinks to 4 below: this one goes, layer 1's stays
    d.network = Network([784, 16, 4, 10], seed=2)
    assert d.scales == {1: {3: 0.0}}
    assert d.activations[1][3] == 0


def test_new_weights_that_overflow_give_no_prediction_and_keep_the_network(net, x, caplog):
    d = NetworkDiagram(net)
    d.show(x)
    with caplog.at_level(logging.WARNING, logger="nnwidgets.diagram"):
        net.set_parameters([np.full_like(w, 1e20) for w in net.weights], net.biases)  # finite, huge
        assert _sync.flush(5)
    assert d.prediction is None  # not argmax(NaN) == 0
    assert "not finite" in caplog.text
    assert d.network is net and d.input is not None


def test_a_network_with_no_layer_or_an_empty_layer_is_refused(net):
    d = NetworkDiagram(net)
    z = np.zeros
    for sizes, weights, biases in [
        ([784], [], []),
        ([784, 0, 10], [z((0, 784)), z((10, 0))], [z(0), z(10)]),
    ]:
        bad = types.SimpleNamespace(
            sizes=sizes, weights=weights, biases=biases, activation="relu", output="softmax"
        )
        with pytest.raises(
            ValueError,
            match=r"needs an input and an output layer with at least one neuron each; "
            rf"got sizes \{sizes}",
        ):
            d.network = bad
        assert d.network is net


class _ShallowCopyNet:
    """A network-like object whose copy() is copy.copy: the twin's lists hold the same arrays."""

    def __init__(self):
        src = Network([784, 5, 10], seed=0)
        self.sizes = src.sizes
        self.weights = [w.copy() for w in src.weights]
        self.biases = [b.copy() for b in src.biases]
        self.activation, self.output = "relu", "softmax"

    def copy(self):
        return copy.copy(self)


def test_ablated_network_never_writes_through_a_shallow_copy(x):
    mine = _ShallowCopyNet()
    before = [w.copy() for w in mine.weights]
    d = NetworkDiagram(mine)
    d.show(x)
    d.ablate(1, 2)
    twin = d.ablated_network()
    for w, w0 in zip(mine.weights, before):
        np.testing.assert_array_equal(w, w0)
    assert not twin.weights[1][:, 2].any()


# -------------------------------------------------------------------------------- the link


def test_link_refuses_a_closed_canvas_and_changes_nothing(net, x):
    d = NetworkDiagram(net)
    canvas = DigitCanvas(net)
    canvas.close()
    with pytest.raises(ValueError, match=r"canvas has been closed"):
        d.link(canvas)
    assert d.linked is None
    d.show(x)  # used to raise AttributeError ('NoneType' ... 'comm_id') from then on
    np.testing.assert_array_equal(d.input, x)


def test_closing_the_linked_canvas_unlinks(net, x):
    d = NetworkDiagram(net)
    canvas = DigitCanvas(net)
    d.link(canvas)
    canvas.close()
    assert d.linked is None
    assert d.get_state()["_source"] is None  # serialising a closed widget's reference fails
    d.show(x)
    np.testing.assert_array_equal(d.input, x)


def test_linking_twice_follows_the_canvas_once(net, x):
    d = NetworkDiagram(net)
    canvas = DigitCanvas(net)
    seen = []
    d.observe(lambda c: seen.append(c["new"]), names="input")
    d.link(canvas)
    d.link(canvas)
    canvas.show(x.reshape(28, 28))
    assert len(seen) == 1
    d.unlink()
    canvas.show(np.zeros((28, 28)))
    assert len(seen) == 1


# ---------------------------------------------------------------------- the page, malformed


def test_a_nan_input_from_the_page_is_logged_and_ignored(net, x, caplog):
    d = NetworkDiagram(net)
    d.show(x)
    before = d.prediction
    with caplog.at_level(logging.ERROR, logger="nnwidgets.diagram"):
        front_end_update(d, {"input": array_to_json(np.full(784, np.nan, np.float32))})
    assert "ignored input sent by the browser" in caplog.text
    np.testing.assert_array_equal(d.input, x)
    assert d.prediction == before


@pytest.mark.parametrize(
    "name, value",
    [
        ("_network", None),
        ("_network", {"sizes": [1]}),
        ("_errors", {"deltas": 5}),
        ("_source", "IPY_MODEL_nonexistent"),
    ],
)
def test_traits_only_python_sets_ignore_the_page(net, x, name, value, caplog):
    d = NetworkDiagram(net)
    canvas = DigitCanvas(net)
    d.link(canvas)
    before = d.get_state()[name]
    with caplog.at_level(logging.ERROR, logger="nnwidgets.diagram"):
        front_end_update(d, {name: value})
    assert f"ignored {name} sent by the browser" in caplog.text
    assert d.get_state()[name] == before
    assert d.linked is canvas


# ------------------------------------------------------------------------------ show_errors


def test_show_errors_refuses_a_target_of_the_right_size_but_wrong_shape(net, x):
    d = NetworkDiagram(net)
    with pytest.raises(ValueError, match=r"target must be a label in 0..9 or 10 numbers"):
        d.show_errors(x, np.ones((2, 5)))  # 10 numbers, but not one target
    assert d.target is None and d.mode == "activations"


@pytest.mark.parametrize("y", [np.array(3), np.eye(10, dtype=bool)[3], np.eye(10)[3][None, :]])
def test_show_errors_takes_a_0d_label_a_bool_one_hot_and_a_row(net, x, y):
    d = NetworkDiagram(net)
    d.show_errors(x, y)
    np.testing.assert_array_equal(d.target, np.eye(10)[3])


@pytest.mark.parametrize("y, want", [(0, 0.0), (1, 1.0), (0.25, 0.25)])
def test_a_single_output_takes_the_target_value_itself(y, want):
    toy = Network([2, 8, 8, 1], output="sigmoid", cost="quadratic", seed=0)
    d = NetworkDiagram(toy)
    d.show_errors([0.5, -1.0], y)  # label 0 used to mean the one-hot [1.0], and 1 was refused
    np.testing.assert_array_equal(d.target, [want])


def test_show_errors_refuses_a_target_whose_errors_overflow_float32(net, x):
    d = NetworkDiagram(net)
    d.show_errors(x, 3)
    before = d.errors
    # 1e300 is finite in float64, but delta^L = a - y is not in float32, which the page draws in
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "overflow encountered in cast" on the way
        with pytest.raises(
            ValueError,
            match=r"target y gives errors beyond float32's range .*"
            r"got target values up to 1e\+300",
        ):
            d.show_errors(x[::-1].copy(), np.full(10, 1e300))
    np.testing.assert_array_equal(d.input, x)
    np.testing.assert_array_equal(d.target, np.eye(10)[3])
    assert d.mode == "errors"
    for got, want in zip(d.errors, before):
        np.testing.assert_array_equal(got, want)
    assert all(np.isfinite(np.frombuffer(e["view"], np.float32)).all() for e in d._errors["deltas"])


# ------------------------------------------------------------------------------ edits, round two


def test_ablate_and_scale_take_several_neurons(net, x):
    d = NetworkDiagram(net)
    d.show(x)
    d.ablate(1, [1, 2])
    d.scale(2, np.array([4, 5]), 0.5)
    assert d.scales == {1: {1: 0.0, 2: 0.0}, 2: {4: 0.5, 5: 0.5}}
    assert d.ablated == {1: [1, 2]}
    assert d.activations[1][1] == d.activations[1][2] == 0


@pytest.mark.parametrize("neurons", [[1, "x"], [[1, 2]], (1.5,), [True], np.ones((2, 2), int)])
def test_ablate_refuses_what_is_not_neuron_indices(net, neurons):
    d = NetworkDiagram(net)
    d.ablate(2, 5)
    with pytest.raises(ValueError, match=r"neuron must be an int or a list of ints; got"):
        d.ablate(1, neurons)
    assert d.scales == {2: {5: 0.0}}


@pytest.mark.parametrize(
    "factor, shown",
    [(10**400, "an int of about 1e400"), (-(10**309), "an int of about -1e309")],
    ids=["1e400", "-1e309"],
)
def test_scale_refuses_a_factor_too_large_for_a_float_naming_it(net, x, factor, shown):
    d = NetworkDiagram(net)
    d.show(x)
    with pytest.raises(
        ValueError,
        match=rf"the factor of neuron 3 in layer 1 must be a finite number; "
        rf"got {shown}",
    ):
        d.scale(1, 3, factor)  # OverflowError: int too large to convert to float, before
    assert d.scales == {}
