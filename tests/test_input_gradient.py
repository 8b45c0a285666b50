"""Network.logits, Network.input_gradient (dC/dx per example) and gradcheck(wrt="input")."""

import numpy as np
import pytest

from nnwidgets import Network, gradcheck
from nnwidgets.functions import Softmax

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUTS = ["softmax", "sigmoid", "tanh", "relu", "leaky_relu", "linear"]
COSTS = ["quadratic", "cross_entropy", "log_likelihood"]
# Cross-entropy and log-likelihood need outputs in (0, 1), so only softmax or sigmoid ones.
COMBINATIONS = [
    (h, o, c)
    for h in HIDDEN
    for o in OUTPUTS
    for c in COSTS
    if c == "quadratic" or o in ("softmax", "sigmoid")
]


def small_problem(net, n=7, seed=0):
    """7 examples, 6 inputs, 4 classes: rows != inputs != classes, so a transposition fails.

    Biases are drawn away from 0 so ReLU units sit off their kink, where the central
    difference would be one-sided.
    """
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[:] = rng.normal(0, 0.5, b.shape)
    return rng.random((n, 6)), rng.integers(0, 4, n)


@pytest.mark.filterwarnings("ignore:output='sigmoid' with cost='log_likelihood'")
@pytest.mark.parametrize("activation, output, cost", COMBINATIONS)
def test_input_gradient_matches_central_differences(activation, output, cost):
    net = Network(
        [6, 5, 4, 4], activation=activation, output=output, cost=cost, dtype="float64", seed=3
    )
    X, y = small_problem(net)
    # 7 x 6 = 42 pixels, all checked
    assert gradcheck(net, X, y, wrt="input", max_params=100) < 1e-6


@pytest.mark.parametrize(
    "output, cost, y",
    [
        ("sigmoid", "cross_entropy", [0, 1, 1, 0, 1, 0, 0]),  # a yes/no network
        ("sigmoid", "quadratic", [0, 1, 1, 0, 1, 0, 0]),
        ("linear", "quadratic", [0.3, -1.2, 2.0, 0.0, 0.7, 1.1, -0.4]),  # regression
    ],
)
@pytest.mark.parametrize("activation", HIDDEN)
def test_input_gradient_of_a_one_output_network(activation, output, cost, y):
    net = Network(
        [6, 5, 1], activation=activation, output=output, cost=cost, dtype="float64", seed=4
    )
    X, _ = small_problem(net)
    assert gradcheck(net, X, np.array(y), wrt="input") < 1e-6


def test_input_gradient_by_hand_for_one_linear_layer():
    # One linear layer, quadratic cost: C = 1/2 |w x + b - y|^2, so dC/dx = w^T (w x + b - y).
    # w = [[1, 2], [3, 4], [5, 6]], b = 0, x = (1, 1), y = (0, 0, 0):
    # z = (3, 7, 11), dC/dx = (1*3 + 3*7 + 5*11, 2*3 + 4*7 + 6*11) = (79, 100).
    net = Network([2, 3], activation="linear", output="linear", cost="quadratic", dtype="float64")
    net.weights[0][:] = [[1, 2], [3, 4], [5, 6]]
    net.biases[0][:] = 0
    grad = net.input_gradient([[1.0, 1.0], [0.0, 0.0]], np.zeros((2, 3)))
    # The second example, x = 0, has z = 0 = y: no cost, no gradient. Rows are examples and
    # are not averaged: the first row stays (79, 100), not half of it.
    np.testing.assert_allclose(grad, [[79, 100], [0, 0]])


def test_input_gradient_has_one_row_per_example_and_the_networks_dtype():
    net = Network([6, 5, 4], seed=0)
    X, y = small_problem(net)
    grad = net.input_gradient(X, y)
    assert grad.shape == (7, 6)
    assert grad.dtype == np.float32


def test_input_gradient_takes_images_and_one_hot_targets():
    net = Network([4, 3, 2], dtype="float64", seed=0)
    X = np.random.default_rng(1).random((5, 2, 2))
    labels = np.array([0, 1, 1, 0, 1])
    np.testing.assert_allclose(
        net.input_gradient(X, np.eye(2)[labels]), net.input_gradient(X.reshape(5, 4), labels)
    )


def test_input_gradcheck_catches_a_gradient_averaged_over_the_batch():
    net = Network([6, 5, 4], activation="sigmoid", dtype="float64", seed=0)
    X, y = small_problem(net)
    right = Network.input_gradient
    net.input_gradient = lambda X, y: right(net, X, y) / len(X)  # backprop's mean-cost habit
    assert gradcheck(net, X, y, wrt="input") > 1e-2


def test_input_gradcheck_catches_a_forgotten_softmax_jacobian():
    class NoJacobian(Softmax):
        def backward(self, z, a, grad_a, out=None):
            return grad_a  # as if softmax were element-wise linear

    net = Network(
        [6, 5, 4], activation="tanh", output="softmax", cost="quadratic", dtype="float64", seed=0
    )
    net._output = NoJacobian()
    X, y = small_problem(net)
    assert gradcheck(net, X, y, wrt="input") > 1e-2


def test_input_gradcheck_checks_a_sample_of_pixels():
    net = Network([6, 5, 4], dtype="float64", seed=0)
    X, y = small_problem(net)
    assert gradcheck(net, X, y, wrt="input", max_params=5, seed=1) < 1e-6


def test_gradcheck_refuses_an_unknown_wrt_and_dropout_on_inputs():
    net = Network([6, 5, 4], dtype="float64", seed=0)
    X, y = small_problem(net)
    with pytest.raises(ValueError, match=r"wrt must be 'parameters' or 'input'; got 'x'"):
        gradcheck(net, X, y, wrt="x")
    with pytest.raises(ValueError, match=r"dropout must be 0 with wrt='input'.*got 0.5"):
        gradcheck(net, X, y, wrt="input", dropout=0.5)


def test_input_gradcheck_nudges_column_major_inputs_and_leaves_them_alone():
    # A Fortran-ordered X: reshape(-1) of it is a copy, so nudging that would move nothing.
    net = Network([6, 5, 4], dtype="float64", seed=0)
    X, y = small_problem(net)
    X = np.asfortranarray(X)
    before = X.copy()
    assert gradcheck(net, X, y, wrt="input") < 1e-6
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("output", ["softmax", "sigmoid", "linear"])
def test_logits_are_the_output_layers_weighted_inputs(output):
    net = Network(
        [6, 5, 4], activation="relu", output=output, cost="quadratic", dtype="float64", seed=0
    )
    X, _ = small_problem(net)
    hidden = np.maximum(X @ net.weights[0].T + net.biases[0], 0)
    z = hidden @ net.weights[1].T + net.biases[1]  # z^L = w^L a^{L-1} + b^L, rows examples
    np.testing.assert_allclose(net.logits(X), z)


def test_softmax_of_the_logits_is_predict_proba():
    net = Network([6, 5, 4], dtype="float64", seed=0)
    X, _ = small_problem(net)
    z = net.logits(X)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(e / e.sum(axis=1, keepdims=True), net.predict_proba(X))


def test_logits_check_their_inputs():
    net = Network([6, 5, 4], seed=0)
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 6\)"):
        net.logits(np.zeros((2, 5)))


def test_book_init_draws_weights_scaled_by_fan_in_and_biases_from_a_unit_normal():
    # network2's default_weight_initializer: w ~ N(0, 1/n_in), b ~ N(0, 1), for every
    # activation (init="scaled" would zero the biases and double ReLU's variance).
    net = Network([400, 300, 200], activation="relu", init="book", dtype="float64", seed=0)
    for w, b, n_in in zip(net.weights, net.biases, [400, 300]):
        assert w.std() * np.sqrt(n_in) == pytest.approx(1.0, abs=0.02)
        assert b.std() == pytest.approx(1.0, abs=0.15)
        assert abs(b.mean()) < 0.2
    assert net.config()["init"] == "book"


def test_book_init_survives_save_and_load(tmp_path):
    net = Network([6, 5, 4], activation="sigmoid", init="book", seed=0)
    net.save(tmp_path / "net.npz")
    again = Network.load(tmp_path / "net.npz")
    assert again.init == "book"
    np.testing.assert_array_equal(again.biases[0], net.biases[0])


def test_an_unknown_init_names_the_choices():
    with pytest.raises(ValueError, match=r"init must be one of 'large', 'scaled', 'book'"):
        Network([6, 4], init="nndl")
