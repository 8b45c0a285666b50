"""DecisionMap, Python side: traits, validation before any state change, following the network,
the page's report, and the NumPy fixture the page's maths is tested against (vitest:
js/decision_map/grid.test.ts reads js/decision_map/fixture.json, which this file writes:
``python tests/test_decision_map.py``)."""

import json
import logging
import pathlib

import numpy as np
import pytest
import traitlets
from _messages import front_end_update

from nnwidgets import DecisionMap, Network
from nnwidgets.datasets import toy
from nnwidgets.widgets import _sync

FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "js" / "decision_map" / "fixture.json"

#: Networks the page must run: one sigmoid output, softmax over 3 and over 2 classes, and a
#: linear output (regression), with features beyond x1, x2 so a feature mix-up shows.
CASES = [
    ([2, 8, 8, 1], "tanh", "sigmoid", ["x1", "x2"]),
    ([5, 6, 3], "relu", "softmax", ["x1", "x2", "x1^2", "x1*x2", "sin(x2)"]),
    ([3, 4, 2], "sigmoid", "softmax", ["x2^2", "sin(x1)", "x1"]),
    ([7, 4, 1], "leaky_relu", "linear", list(toy.FEATURES)),
]

#: Not square, and an even/odd mix (6 columns of an 8-wide by 3-high box): a transposed or
#: flipped grid puts different points at each pixel.
EXTENT, RES = [-3.0, 5.0, -1.0, 2.0], 6


def grid_points(extent, res):
    """Cell centres, row by row from the top: pixel p = row * res + col."""
    a, b, c, d = extent
    col, row = np.meshgrid(np.arange(res), np.arange(res))
    x1 = a + (col + 0.5) * (b - a) / res
    x2 = d - (row + 0.5) * (d - c) / res
    return np.stack([x1.ravel(), x2.ravel()], axis=1)


def fixture_case(sizes, activation, output, features, seed):
    net = Network(
        sizes,
        activation=activation,
        output=output,
        seed=seed,
        dtype="float64",
        cost="quadratic" if output == "linear" else "cross_entropy",
    )
    rng = np.random.default_rng(seed)
    # the page gets float32 parameters: compute the reference from exactly those values
    net.set_parameters(
        [(rng.normal(0, 1.5, w.shape)).astype(np.float32) for w in net.weights],
        [(rng.normal(0, 0.5, b.shape)).astype(np.float32) for b in net.biases],
    )
    points = np.round(rng.uniform(-4, 4, (9, 2)), 3)
    inputs = toy.featurize(grid_points(EXTENT, RES), features)
    acts = net.forward(inputs, return_activations=True)
    out_points = net.forward(toy.featurize(points, features))
    if output == "linear":
        targets = np.round(rng.normal(size=9), 3)
        accuracy = None
        mse = float(np.mean((out_points[:, 0] - targets) ** 2))
    else:
        k = 2 if sizes[-1] == 1 else sizes[-1]
        targets = rng.integers(0, k, 9)
        accuracy = float(np.mean(net.classes(out_points) == targets))
        mse = None
    return {
        "sizes": sizes,
        "activation": activation,
        "output": output,
        "features": features,
        "weights": [w.ravel().tolist() for w in net.weights],
        "biases": [b.tolist() for b in net.biases],
        "inputs": inputs.T.ravel().tolist(),  # neuron-major, as the page stores layers
        "layers": [a.T.ravel().tolist() for a in acts[1:]],
        "points": points.ravel().tolist(),
        "targets": np.asarray(targets).tolist(),
        "accuracy": accuracy,
        "mse": mse,
    }


def make_fixture():
    return {
        "extent": EXTENT,
        "resolution": RES,
        "grid": grid_points(EXTENT, RES).ravel().tolist(),
        "cases": [fixture_case(*c, seed=i) for i, c in enumerate(CASES)],
    }


def test_the_vitest_fixture_is_what_numpy_computes():
    """Regenerate with ``python tests/test_decision_map.py`` after changing the cases."""
    stored = json.loads(FIXTURE.read_text())
    fresh = json.loads(json.dumps(make_fixture()))
    assert stored == fresh


# ------------------------------------------------------------------------------------ widget


@pytest.fixture
def data():
    return toy.spiral(n=200, noise=0.1, seed=0)


@pytest.fixture
def net():
    return Network([2, 8, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=0)


def test_traits_carry_the_points_the_network_and_the_grid(net, data):
    m = DecisionMap(net, data, resolution=64)
    state = m.get_state()
    assert state["points"]["shape"] == [200, 2] and state["targets"]["shape"] == [200]
    both = np.concatenate([data.train[0], data.test[0]])
    np.testing.assert_array_equal(m.points, both.astype(np.float32))
    np.testing.assert_array_equal(m.is_test, [0] * 100 + [1] * 100)  # training first
    np.testing.assert_array_equal(m.targets, data.y)
    assert state["_network"]["sizes"] == [2, 8, 8, 1]
    w = state["_network"]["weights"][1]
    sent = np.frombuffer(w["view"], np.float32).reshape(8, 8)
    np.testing.assert_array_equal(sent, net.weights[1])
    assert m.task == "binary" and m.features == ["x1", "x2"] and m.resolution == 64
    # the default extent: a square holding every point with a margin
    x1a, x1b, x2a, x2b = m.extent
    assert x1b - x1a == pytest.approx(x2b - x2a)
    assert x1a < data.X[:, 0].min() and x1b > data.X[:, 0].max()
    assert x2a < data.X[:, 1].min() and x2b > data.X[:, 1].max()


@pytest.mark.parametrize(
    "sizes, output, task",
    [
        ([2, 4, 1], "sigmoid", "binary"),
        ([2, 4, 2], "softmax", "classes"),
        ([2, 4, 3], "softmax", "classes"),
        ([2, 4, 1], "linear", "regression"),
    ],
)
def test_task_follows_the_output_layer(sizes, output, task):
    d = toy.gauss(50, seed=0)
    cost = "quadratic" if output == "linear" else "cross_entropy"
    m = DecisionMap(Network(sizes, output=output, cost=cost), d)
    assert m.task == task


def test_a_pair_is_all_training_points_and_one_hot_labels_are_classes():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    Y = np.eye(3)[[2, 0, 1]]
    m = DecisionMap(Network([2, 3, 3]), (X, Y))
    np.testing.assert_array_equal(m.targets, [2, 0, 1])
    np.testing.assert_array_equal(m.is_test, [0, 0, 0])


def test_regression_takes_any_finite_targets():
    X = np.random.default_rng(0).uniform(-1, 1, (20, 2))
    m = DecisionMap(Network([2, 5, 1], output="linear", cost="quadratic"), (X, X.sum(axis=1) * 3.5))
    assert m.task == "regression" and m.targets.max() > 1


def test_features_set_the_input_size(data):
    feats = ["x1", "x2", "x1^2", "x2^2"]
    m = DecisionMap(Network([4, 6, 1], output="sigmoid"), data, features=feats)
    assert m.features == feats and m.get_state()["features"] == feats


@pytest.mark.parametrize(
    "make, kwargs, error, match",
    [
        (
            lambda: Network([3, 4, 1], output="sigmoid"),
            {},
            ValueError,
            r"must take 2 inputs, one per feature \['x1', 'x2'\]; got sizes \[3, 4, 1\]",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"features": ["x1", "x2", "x1^2"]},
            ValueError,
            "network must take 3 inputs",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"features": ["x1", "cos(x1)"]},
            ValueError,
            "got 'cos\\(x1\\)'",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"resolution": 5},
            ValueError,
            "resolution must be an int from 10 to 400",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"resolution": 100.0},
            ValueError,
            "resolution must be an int",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"extent": (1, 0, 0, 1)},
            ValueError,
            "extent must be",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"extent": (0, 1, 0, float("nan"))},
            ValueError,
            "extent must be",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"extent": "0123"},  # four characters, not four numbers
            ValueError,
            "extent must be",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"extent": [True, 2, 0, 1]},
            ValueError,
            "extent must be",
        ),
        (
            lambda: Network([2, 4, 1], output="sigmoid"),
            {"colour": "red"},
            TypeError,
            "unexpected keyword argument 'colour'",
        ),
        (lambda: Network([2, 4, 3]), {}, None, None),  # labels 0/1 are classes of 3 outputs too
    ],
)
def test_bad_arguments_are_refused_before_anything_exists(data, make, kwargs, error, match):
    if error is None:
        DecisionMap(make(), data, **kwargs)
        return
    with pytest.raises(error, match=match):
        DecisionMap(make(), data, **kwargs)


def test_nan_points_and_bad_data_are_clear_errors(net):
    X = np.zeros((4, 2))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"data X must be finite; point 2 is \[0.0, nan\]"):
        DecisionMap(net, (X, np.zeros(4)))
    with pytest.raises(ValueError, match=r"data X must be points in the plane.*got shape \(4, 3\)"):
        DecisionMap(net, (np.zeros((4, 3)), np.zeros(4)))
    with pytest.raises(ValueError, match="data y must be 4 numbers"):
        DecisionMap(net, (np.zeros((4, 2)), np.zeros(3)))
    with pytest.raises(ValueError, match="data y must be finite"):
        DecisionMap(net, (np.zeros((2, 2)), [0, np.inf]))
    with pytest.raises(TypeError, match="data must be toy data"):
        DecisionMap(net, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="at least one training point"):
        DecisionMap(net, (np.zeros((0, 2)), np.zeros(0)))
    with pytest.raises(ValueError, match="got None"):
        DecisionMap(None, (np.zeros((2, 2)), np.zeros(2)))


def test_labels_must_be_classes_of_the_network(data):
    with pytest.raises(ValueError, match=r"data labels must be classes 0..1 .* label 0 is 2"):
        DecisionMap(Network([2, 4, 1], output="sigmoid"), (np.zeros((3, 2)), [2, 0, 1]))
    with pytest.raises(ValueError, match="label 1 is 0.5"):
        DecisionMap(Network([2, 4, 1], output="sigmoid"), (np.zeros((3, 2)), [1, 0.5, 1]))


def test_a_rejected_network_leaves_the_map_as_it_was(net, data):
    m = DecisionMap(net, data)
    before = m.get_state()["_network"]["sizes"]
    with pytest.raises(ValueError, match="network must take 2 inputs"):
        m.network = Network([3, 4, 1], output="sigmoid")
    with pytest.raises(ValueError, match="must be one of"):
        m.network = _odd_function_network()
    assert m.network is net and m.get_state()["_network"]["sizes"] == before
    with pytest.raises(ValueError, match="features must be 2 names"):
        m.features = ["x1", "x2", "x1^2"]
    assert m.features == ["x1", "x2"]


def _odd_function_network():
    class Net:  # a network-like object whose output function the page cannot run
        def __init__(self):
            self.sizes = [2, 3, 1]
            self.activation, self.output, self.cost = "tanh", "softplus", "quadratic"
            self.weights = [np.zeros((3, 2)), np.zeros((1, 3))]
            self.biases = [np.zeros(3), np.zeros(1)]

    return Net()


def test_follows_training_through_notifications_and_unsubscribes_on_close(net, data):
    m = DecisionMap(net, data)
    net.fit(*data.train, epochs=1, batch_size=10, learning_rate=0.1)  # notifies
    assert _sync.flush()
    sent = np.frombuffer(m.get_state()["_network"]["weights"][0]["view"], np.float32).reshape(8, 2)
    np.testing.assert_array_equal(sent, net.weights[0])
    m.close()
    assert not net._listeners


def test_switching_networks_switches_subscription(net, data):
    m = DecisionMap(net, data)
    other = Network([2, 3, 2], seed=1)
    m.network = other
    assert m.task == "classes" and m.get_state()["_network"]["sizes"] == [2, 3, 2]
    assert not net._listeners and other._listeners


def test_features_as_one_string_is_refused_not_made_a_list(net, data):
    m = DecisionMap(net, data)
    with pytest.raises(TypeError, match="features must be a list of names .*; got the string 'x1'"):
        m.features = "x1"
    m.features = ("x2", "x1")  # a tuple is a list of names
    assert m.features == ["x2", "x1"]


def test_a_closed_map_follows_no_network(net, data):
    m = DecisionMap(net, data)
    m.close()
    other = Network([2, 3, 1], output="sigmoid")
    with pytest.raises(RuntimeError, match="this DecisionMap was closed; make a new one"):
        m.network = other
    assert not other._listeners and not net._listeners and m.network is net
    m.close()  # twice is fine


def test_the_page_report_sets_page_accuracy_and_a_malformed_one_is_logged(net, data, caplog):
    m = DecisionMap(net, data)
    assert m.page_accuracy is None
    front_end_update(m, {"_report": {"accuracy": 0.75}})
    assert m.page_accuracy == 0.75
    with caplog.at_level(logging.WARNING, logger="nnwidgets.widgets"):
        for bad in ({"accuracy": "high"}, {"accuracy": 7}, {"accuracy": True}, [1, 2]):
            front_end_update(m, {"_report": bad})
    assert m.page_accuracy == 0.75
    assert caplog.text.count("malformed report") == 4
    with pytest.raises(traitlets.TraitError, match="read-only"):
        m.page_accuracy = 0.5  # only the page sets it


def test_export_html_carries_the_map(net, data, tmp_path):
    import base64

    from nnwidgets import export_html
    from nnwidgets.widgets._wire import STATIC

    text = export_html(DecisionMap(net, data), tmp_path / "m.html").read_text()
    # the map's own bundle is inlined (as base64, the page imports it from a data: URL)
    bundle = (STATIC / "decision_map.js").read_text()
    assert base64.b64encode(bundle.encode()).decode("ascii") in text


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(make_fixture()) + "\n")
    print(f"wrote {FIXTURE}")


# -- changing what is shown: validators that roll back, data and networks switched whole --------


def test_a_value_refused_inside_set_state_is_put_back(net, data):
    # The page's changes arrive through set_state, which holds notifications: only a TraitError
    # from a validator makes traitlets put the old value back (a ValueError kept the new one).
    m = DecisionMap(net, data, resolution=50, extent=[-1, 1, -1, 1])
    for bad in ({"resolution": 5}, {"extent": [1, 0, 0, 1]}, {"features": ["x1", "x3"]}):
        with pytest.raises(ValueError):
            m.set_state(bad)
    assert (m.resolution, m.extent, m.features) == (50, [-1.0, 1.0, -1.0, 1.0], ["x1", "x2"])
    with pytest.raises(ValueError, match="network must take 2 inputs"):
        with m.hold_trait_notifications():
            m.network = Network([3, 4, 1], output="sigmoid")
    assert m.network is net and m.get_state()["_network"]["sizes"] == [2, 8, 8, 1]


def test_resolution_follows_one_rule_and_extent_takes_numpy_values(net, data):
    m = DecisionMap(net, data)
    m.resolution = np.int64(60)  # a NumPy int is an int
    assert m.resolution == 60 and type(m.resolution) is int
    for bad in (75.0, 112.5, "80", True, None):  # as the constructor: whole numbers, as ints
        with pytest.raises(ValueError, match="resolution must be an int from 10 to 400"):
            m.resolution = bad
    assert m.resolution == 60
    X = np.asarray(data.train[0], np.float32)
    m.extent = [X[:, 0].min(), X[:, 0].max(), X[:, 1].min(), X[:, 1].max()]  # float32 items
    assert all(type(v) is float for v in m.extent)
    m.extent = np.array([-2, 2, -1, 1])
    assert m.extent == [-2.0, 2.0, -1.0, 1.0]
    with pytest.raises(ValueError, match="a finite width"):
        m.extent = [-1e308, 1e308, -1, 1]
    assert m.extent == [-2.0, 2.0, -1.0, 1.0]


def test_the_data_change_together_through_set_data(net, data):
    m = DecisionMap(net, data)
    before = m.points.copy()
    with pytest.raises(AttributeError, match=r"points is read-only.*m.set_data\(data\)"):
        m.points = np.zeros((3, 2))
    with pytest.raises(AttributeError, match="targets is read-only"):
        m.targets = np.full(len(before), np.nan)
    with pytest.raises(traitlets.TraitError, match="read-only"):
        m.task = "regression"  # follows the network's output layer
    # refused as the constructor refuses it, before anything changes
    with pytest.raises(ValueError, match="data labels must be classes 0..1 .* label 3 is 7"):
        m.set_data((np.zeros((4, 2)), [0, 1, 1, 7]))
    with pytest.raises(ValueError, match=r"data X must be finite; point 0 is \[0.0, nan\]"):
        m.set_data((np.array([[0.0, np.nan]]), [1]))
    np.testing.assert_array_equal(m.points, before)
    other = toy.xor(n=60, noise=0.1, seed=3)
    assert m.set_data(other) is m
    assert len(m.points) == len(m.targets) == len(m.is_test) == 60
    assert m.is_test.sum() == len(other.test[0])
    X = other.train[0]
    assert m.extent[0] < X[:, 0].min() and m.extent[1] > X[:, 0].max()  # fitted to the new points
    m.set_data(data, extent=[-9, 9, -9, 9])
    assert m.extent == [-9.0, 9.0, -9.0, 9.0] and len(m.points) == len(before)


def test_set_network_switches_the_number_of_inputs(net, data):
    m = DecisionMap(net, data)
    front_end_update(m, {"_report": {"accuracy": 0.75}})
    three = Network([3, 5, 1], activation="tanh", output="sigmoid", seed=2)
    assert m.set_network(three, features=["x1", "x2", "x1*x2"]) is m
    assert m.features == ["x1", "x2", "x1*x2"] and m.network is three
    assert m.get_state()["_network"]["sizes"] == [3, 5, 1]
    assert m.page_accuracy is None  # the old network's; the page reports the new one's
    assert not net._listeners and three._listeners
    # refused whole: neither the features nor the network change
    with pytest.raises(ValueError, match=r"takes 2 inputs .* but the features name 3"):
        m.set_network(Network([2, 4, 1], output="sigmoid"), features=["x1", "x2", "x1^2"])
    with pytest.raises(ValueError, match="must be one of"):  # a function the page cannot run
        m.set_network(_odd_function_network(), features=["x1", "x2"])
    assert m.features == ["x1", "x2", "x1*x2"] and m.network is three
    assert m.get_state()["_network"]["sizes"] == [3, 5, 1]
    with pytest.raises(ValueError, match=r"takes 2 inputs .* but the features name 3"):
        m.set_network(net)  # the features are kept: 3 names, and net takes 2 inputs
    assert m.network is three
