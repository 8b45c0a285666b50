"""The workspace a training loop reuses: every layer's errors in one array, and the errors
left unscaled for a step whose products scale them."""

import numpy as np
import pytest

from nnwidgets import Network, network

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


@pytest.mark.parametrize("rows", [None, 4, 5, 13])
def test_a_product_in_blocks_of_rows_is_the_product(rows):
    # 13 rows in blocks of 4 or 5 leave a last, smaller block; blocks of 13 are the product.
    rng = np.random.default_rng(1)
    a = rng.standard_normal((13, 40)).astype(np.float32)
    w = rng.standard_normal((7, 40)).astype(np.float32)
    out = np.full((13, 7), np.nan, np.float32)
    assert network._product_into(a, w, out, rows) is out
    np.testing.assert_allclose(out, a @ w.T, rtol=1e-5, atol=1e-5)


def test_a_forward_pass_in_the_workspaces_blocks_gives_the_same_weighted_inputs():
    # The workspace says how many rows each layer's product takes at a time (where BLAS's
    # small-matrix kernels are faster); blocks of 3 rows of 7 (the last of 1) must give the
    # z that one product gives, to float rounding.
    net = Network(SIZES, activation="sigmoid", output="softmax", seed=0)
    X, Y = batch(7)
    whole, blocked = net.workspace(7), net.workspace(7)
    whole._product_rows[7] = [None, None, None]
    blocked._product_rows[7] = [3, 3, None]
    for work in (whole, blocked):
        net._errors(X, Y, out=work)
    for z, expected in zip(blocked.rows(7)[0], whole.rows(7)[0]):
        np.testing.assert_allclose(z, expected, rtol=1e-6, atol=1e-6)
