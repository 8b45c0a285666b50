"""BP1 and BP2 as functions (``output_error``, ``hidden_errors``), and backprop built on them.

Each error delta^l = dC/dz^l is checked against a central difference of the cost in z^l
itself, so these tests do not lean on ``backprop`` to be right.
"""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.network import hidden_errors, output_error

EPS = 1e-6
# sigmoid with log-likelihood trains badly (the network warns) but has a BP1 all the same.
pytestmark = pytest.mark.filterwarnings("ignore:output='sigmoid' with cost='log_likelihood'")
# Cross-entropy and log-likelihood need outputs in (0, 1), so not tanh or linear ones.
PAIRS = [
    (o, c)
    for o in ("softmax", "sigmoid", "tanh", "linear")
    for c in ("quadratic", "cross_entropy", "log_likelihood")
    if c == "quadratic" or o in ("softmax", "sigmoid")
]


def problem(activation="sigmoid", output="softmax", cost="cross_entropy", n=5):
    """A [6, 5, 4, 3] float64 network and 5 examples: every size differs, so a transposed
    product fails; non-zero biases keep ReLU units off their kink at 0."""
    net = Network(
        [6, 5, 4, 3], activation=activation, output=output, cost=cost, dtype="float64", seed=1
    )
    rng = np.random.default_rng(2)
    for b in net.biases:
        b[:] = rng.normal(0, 0.5, b.shape)
    X = rng.standard_normal((n, 6))
    return net, X, net.targets(rng.integers(0, 3, n))


def forward_keeping(net, X, scales=None):
    """zs and activations f(z) of every layer, scaling hidden activations on their way on."""
    zs, acts, a = [], [], X
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ w.T + b
        f = net._output if i == len(net.weights) - 1 else net._hidden
        a = f.fn(z)
        zs.append(z)
        acts.append(a)
        if scales is not None and i < len(net.weights) - 1:
            a = a * scales[i]
    return zs, acts


def cost_from(net, layer, z, Y, scales=None):
    """The summed cost when layer ``layer``'s weighted input is ``z`` (the rest recomputed)."""
    a = z
    for i in range(layer, len(net.weights)):
        if i > layer:
            a = a @ net.weights[i].T + net.biases[i]
        f = net._output if i == len(net.weights) - 1 else net._hidden
        a = f.fn(a)
        if scales is not None and i < len(net.weights) - 1:
            a = a * scales[i]
    return net.cost_function.fn(a, Y).sum()


def numerical_errors(net, X, Y, layer, scales=None):
    """dC/dz for every entry of layer ``layer``'s z, by central differences."""
    z = forward_keeping(net, X, scales)[0][layer]
    grad = np.zeros_like(z)
    for idx in np.ndindex(*z.shape):
        plus, minus = z.copy(), z.copy()
        plus[idx] += EPS
        minus[idx] -= EPS
        grad[idx] = (
            cost_from(net, layer, plus, Y, scales) - cost_from(net, layer, minus, Y, scales)
        ) / (2 * EPS)
    return grad


@pytest.mark.parametrize("output, cost", PAIRS)
def test_output_error_is_the_cost_gradient_in_z(output, cost):
    net, X, Y = problem("tanh", output, cost)
    zs, acts = forward_keeping(net, X)
    delta = output_error(net._output, net.cost_function, zs[-1], acts[-1], Y)
    np.testing.assert_allclose(delta, numerical_errors(net, X, Y, 2), atol=1e-7)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("output, cost", [("softmax", "cross_entropy"), ("sigmoid", "quadratic")])
def test_hidden_errors_are_the_cost_gradient_in_each_z(activation, output, cost):
    net, X, Y = problem(activation, output, cost)
    zs, acts = forward_keeping(net, X)
    delta_out = output_error(net._output, net.cost_function, zs[-1], acts[-1], Y)
    deltas = hidden_errors(net.weights, zs, acts, delta_out, net._hidden)
    assert [d.shape for d in deltas] == [(5, 5), (5, 4), (5, 3)]
    assert deltas[-1] is delta_out
    for layer in (0, 1):
        np.testing.assert_allclose(deltas[layer], numerical_errors(net, X, Y, layer), atol=1e-7)


def test_scaled_neurons_pass_back_scaled_errors():
    # Neuron 2 of the first hidden layer doubled, neuron 0 silenced; neuron 3 of the second
    # halved, per example as dropout's masks are, or one row for all as the diagram's edits.
    net, X, Y = problem("sigmoid", "softmax", "cross_entropy")
    s1 = np.ones((5, 5))
    s1[:, 2], s1[:, 0] = 2.0, 0.0
    s2 = np.ones((1, 4))
    s2[0, 3] = 0.5
    scales = [s1, s2]
    zs, acts = forward_keeping(net, X, scales)
    delta_out = output_error(net._output, net.cost_function, zs[-1], acts[-1], Y)
    deltas = hidden_errors(net.weights, zs, acts, delta_out, net._hidden, scales=scales)
    for layer in (0, 1):
        np.testing.assert_allclose(
            deltas[layer], numerical_errors(net, X, Y, layer, scales), atol=1e-7
        )
    assert (deltas[0][:, 0] == 0).all()  # a silenced neuron gets no error


def test_scales_of_one_change_nothing():
    net, X, Y = problem("relu", "sigmoid", "cross_entropy")
    zs, acts = forward_keeping(net, X)
    delta_out = output_error(net._output, net.cost_function, zs[-1], acts[-1], Y)
    plain = hidden_errors(net.weights, zs, acts, delta_out, net._hidden)
    ones = hidden_errors(net.weights, zs, acts, delta_out, net._hidden, scales=[np.ones(5), None])
    for d, e in zip(plain, ones):
        np.testing.assert_array_equal(d, e)


@pytest.mark.parametrize("output, cost", PAIRS)
def test_backprop_gradients_come_from_the_errors(output, cost):
    # BP3 and BP4 from BP1 and BP2, each divided by m since the cost is a mean.
    net, X, Y = problem("leaky_relu", output, cost)
    nabla_b, nabla_w, a_out = net.backprop(X, Y)
    zs, acts = forward_keeping(net, X)
    delta_out = output_error(net._output, net.cost_function, zs[-1], acts[-1], Y)
    deltas = hidden_errors(net.weights, zs, acts, delta_out, net._hidden)
    inputs = [X] + acts[:-1]
    for i, delta in enumerate(deltas):
        np.testing.assert_allclose(nabla_b[i], delta.sum(axis=0) / 5, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nabla_w[i], delta.T @ inputs[i] / 5, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a_out, acts[-1], rtol=1e-12)


def test_backprop_gradient_matches_a_finite_difference_of_the_mean_cost():
    net, X, Y = problem("sigmoid", "sigmoid", "cross_entropy")
    nabla_b, nabla_w, _ = net.backprop(X, Y)
    for params, grads in ((net.weights, nabla_w), (net.biases, nabla_b)):
        for p, g in zip(params, grads):
            flat = p.reshape(-1)  # a view into the network's parameters
            for j in range(0, flat.size, 3):
                saved = flat[j]
                flat[j] = saved + EPS
                plus = net.loss(X, Y)
                flat[j] = saved - EPS
                minus = net.loss(X, Y)
                flat[j] = saved
                assert g.reshape(-1)[j] == pytest.approx((plus - minus) / (2 * EPS), abs=1e-8)


@pytest.mark.parametrize(
    "activation, output, cost",
    [
        ("relu", "softmax", "cross_entropy"),
        ("sigmoid", "sigmoid", "cross_entropy"),
        ("tanh", "linear", "quadratic"),
    ],
)
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_a_workspace_gives_the_same_gradients_as_new_arrays(activation, output, cost, dropout):
    # A workspace for 7 rows, used for 5 and then 3: each call's results are its own.
    net, X, Y = problem(activation, output, cost)
    work = net.workspace(7)
    for rows in (slice(0, 5), slice(2, 5)):
        fresh = net.backprop(X[rows], Y[rows], dropout=dropout, rng=np.random.default_rng(4))
        reused = net.backprop(
            X[rows], Y[rows], dropout=dropout, rng=np.random.default_rng(4), out=work
        )
        for f, r in zip(fresh[0] + fresh[1] + [fresh[2]], reused[0] + reused[1] + [reused[2]]):
            np.testing.assert_array_equal(f, r)
    # The gradient lies in one array, weights first, in the order of weights + biases.
    np.testing.assert_array_equal(
        work.gradient, np.concatenate([g.ravel() for g in reused[1] + reused[0]])
    )
    assert all(np.shares_memory(g, work.gradient) for g in reused[0] + reused[1])


def test_backprop_scales_the_gradients_on_request():
    net, X, Y = problem("sigmoid", "softmax", "cross_entropy")
    nabla_b, nabla_w, _ = net.backprop(X, Y)
    step_b, step_w, _ = net.backprop(X, Y, scale=-0.25)
    for g, s in zip(nabla_b + nabla_w, step_b + step_w):
        np.testing.assert_allclose(s, -0.25 * g, rtol=1e-12)


def test_a_workspace_refuses_a_larger_mini_batch():
    net, X, Y = problem()
    with pytest.raises(ValueError, match="mini-batches of 1 to 4 examples; got 5"):
        net.backprop(X, Y, out=net.workspace(4))
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        net.workspace(0)


def test_a_workspace_gathers_mini_batches_into_its_own_arrays():
    net, X, Y = problem()
    work = net.workspace(4)
    first = work.gather(X, Y, np.array([4, 0, 2]))
    np.testing.assert_array_equal(first[0], X[[4, 0, 2]])
    np.testing.assert_array_equal(first[1], Y[[4, 0, 2]])
    x, y = work.gather(X, Y, np.array([1, 3, 2, 0]))
    np.testing.assert_array_equal(x, X[[1, 3, 2, 0]])
    np.testing.assert_array_equal(y, Y[[1, 3, 2, 0]])
    # The same arrays, the next mini-batch in them.
    assert np.shares_memory(x, first[0]) and np.shares_memory(y, first[1])
    # Another dtype than the network's is gathered the ordinary way.
    x32, _ = work.gather(X.astype(np.float32), Y, np.array([2]))
    assert x32.dtype == np.float32 and not np.shares_memory(x32, x)
