"""Backpropagation against numerical gradients, for every activation x output x cost."""

import numpy as np
import pytest

from nnwidgets import Network, gradcheck
from nnwidgets.functions import Sigmoid

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUTS = ["softmax", "sigmoid", "tanh", "linear"]
COSTS = ["quadratic", "cross_entropy", "log_likelihood"]


def small_problem(net, n=9, seed=0):
    """9 examples, 6 inputs, 4 classes: rows != columns != classes, so a transposition fails."""
    rng = np.random.default_rng(seed)
    for b in net.biases:  # non-zero biases keep ReLU units off their kink at exactly 0
        b[:] = rng.normal(0, 0.5, b.shape)
    return rng.standard_normal((n, 6)), rng.integers(0, 4, n)


# Cross-entropy and log-likelihood need outputs in (0, 1), so not tanh or linear ones.
COMBINATIONS = [
    (h, o, c)
    for h in HIDDEN
    for o in OUTPUTS
    for c in COSTS
    if c == "quadratic" or o in ("softmax", "sigmoid")
]


@pytest.mark.parametrize("activation, output, cost", COMBINATIONS)
def test_backprop_matches_numerical_gradient(activation, output, cost):
    net = Network(
        [6, 5, 4, 4], activation=activation, output=output, cost=cost, dtype="float64", seed=3
    )
    X, y = small_problem(net)
    assert gradcheck(net, X, y, max_params=400) < 1e-6


def test_gradcheck_catches_a_wrong_derivative():
    class WrongSigmoid(Sigmoid):
        def prime(self, z, a):
            return a  # forgot the (1 - a) factor

    net = Network(
        [6, 5, 4], activation="sigmoid", output="sigmoid", cost="quadratic", dtype="float64", seed=0
    )
    net._hidden = WrongSigmoid()
    X, y = small_problem(net)
    assert gradcheck(net, X, y) > 1e-2


def test_gradcheck_refuses_float32():
    net = Network([6, 4], seed=0)
    with pytest.raises(ValueError, match="float64"):
        gradcheck(net, np.zeros((2, 6)), [0, 1])


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_backprop_with_dropout_matches_numerical_gradient_for_fixed_masks(activation):
    net = Network([6, 5, 4, 4], activation=activation, dtype="float64", seed=3)
    X, y = small_problem(net)
    assert gradcheck(net, X, y, dropout=0.4, max_params=400) < 1e-6


def test_dropout_gradcheck_catches_a_mask_ignored_on_the_way_back():
    # A backward pass that forgets the mask: dropped neurons would still receive an error.
    net = Network([6, 5, 4, 4], activation="sigmoid", dtype="float64", seed=3)
    X, y = small_problem(net)
    forward_only = Network.backprop

    def unmasked_backprop(self, X, Y, *, dropout=0.0, rng=None):
        nabla_b, nabla_w, a = forward_only(self, X, Y, dropout=dropout, rng=rng)
        clean_b, clean_w, _ = forward_only(self, X, Y)  # gradients without the masks
        return clean_b, clean_w, a

    net.backprop = unmasked_backprop.__get__(net)
    assert gradcheck(net, X, y, dropout=0.4) > 1e-2
