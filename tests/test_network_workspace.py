"""The workspace a training loop reuses: every layer's errors in one array, and the errors
left unscaled for a step whose products scale them."""

import numpy as np
import pytest

from nnwidgets import Network

# [6, 5, 4, 3]: two hidden layers, so three layers of errors; rows of different widths catch
# a layout that mixes them up.
SIZES = [6, 5, 4, 3]


def batch(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((m, SIZES[0])).astype(np.float32)
    Y = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], m)]
    return X, Y


@pytest.mark.parametrize("m", [7, 3])  # the workspace's own size, and a last, smaller batch
def test_all_errors_holds_every_layers_errors_one_after_the_other(m):
    net = Network(SIZES, activation="sigmoid", output="softmax", seed=0)
    work = net.workspace(7)
    X, Y = batch(m)
    deltas, _, _ = net._errors(X, Y, out=work)
    flat = work.all_errors(m)
    assert flat.shape == (m * sum(SIZES[1:]),)
    np.testing.assert_array_equal(flat, np.concatenate([d.ravel() for d in deltas]))
    assert all(np.shares_memory(d, flat) for d in deltas)  # views: nothing was copied


@pytest.mark.parametrize("activation, output", [("sigmoid", "sigmoid"), ("relu", "softmax")])
def test_errors_with_scale_none_are_each_examples_own(activation, output):
    # backprop's errors are divided by m (the cost is a mean); scale=None leaves each
    # example's error as BP1 and BP2 give it, for a step that scales its products instead.
    net = Network(SIZES, activation=activation, output=output, seed=0)
    X, Y = batch(5)
    own = net._errors(X, Y, out=net.workspace(5), scale=None)[0]
    expected = net._each_examples_errors(X, Y)
    for d, e in zip(own, expected):
        np.testing.assert_allclose(d, e, rtol=1e-6, atol=1e-7)
    mean = net._errors(X, Y, out=net.workspace(5))[0]
    for d, e in zip(mean, expected):
        np.testing.assert_allclose(d, e / 5, rtol=1e-6, atol=1e-7)
