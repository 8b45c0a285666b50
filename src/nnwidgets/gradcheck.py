"""Numerical gradient checking: is backpropagation computing the right derivatives?

Each parameter is nudged by +eps and -eps and the cost measured both times; the central
difference (C(w + eps) - C(w - eps)) / 2 eps approximates dC/dw with error O(eps^2), which
backprop's answer should match closely in float64.
"""

from __future__ import annotations

import numpy as np


def gradcheck(network, X, y, *, eps=1e-5, max_params=200, seed=0, dropout=0.0, wrt="parameters"):
    """Relative error ``|g_num - g_bp| / (|g_num| + |g_bp|)`` of backprop's gradient.

    Checks up to ``max_params`` randomly chosen weights and biases (all when there are fewer).
    With ``wrt="input"`` it checks :meth:`~nnwidgets.network.Network.input_gradient` instead:
    up to ``max_params`` randomly chosen pixels of ``X``, each nudged in turn, against the
    derivative of its own example's cost (so a gradient averaged over the examples fails).
    With ``dropout``, every evaluation draws the same masks (a generator seeded with ``seed``),
    so the cost is one smooth function of the parameters and the check is exact as without.
    Use a float64 network: float32 rounding swamps the finite difference. Values around 1e-7
    or below mean the gradient is right; around 1e-2 or above, it is wrong. ReLU's kink at 0
    makes the difference one-sided there, so give such networks non-zero biases first.
    """
    if network.dtype != np.float64:
        raise ValueError(
            "gradcheck needs a float64 network (Network(..., dtype='float64')); "
            f"got {network.dtype}"
        )
    if wrt not in ("parameters", "input"):
        raise ValueError(f"wrt must be 'parameters' or 'input'; got {wrt!r}")
    X = network.check_inputs(X)
    Y = network.targets(y, len(X))
    if wrt == "input":
        if dropout:
            raise ValueError(
                f"dropout must be 0 with wrt='input': the input gradient is the "
                f"network's as it predicts, with no dropout; got {dropout!r}"
            )
        return _input_gradcheck(network, X.copy(), Y, eps, max_params, seed)

    def outputs():
        if not dropout:
            return network.forward(X)
        return network.backprop(X, Y, dropout=dropout, rng=np.random.default_rng(seed))[2]

    nabla_b, nabla_w, _ = network.backprop(X, Y, dropout=dropout, rng=np.random.default_rng(seed))

    params = [
        (p, g)
        for pair in zip(network.weights, nabla_w, network.biases, nabla_b)
        for p, g in (pair[:2], pair[2:])
    ]
    slots = [(i, j) for i, (p, _) in enumerate(params) for j in range(p.size)]
    rng = np.random.default_rng(seed)
    if len(slots) > max_params:
        slots = [slots[k] for k in rng.choice(len(slots), size=max_params, replace=False)]

    def cost():
        return network.cost_function.fn(outputs(), Y).mean()

    numeric, analytic = [], []
    for i, j in slots:
        p, g = params[i]
        flat = p.reshape(-1)  # a view: editing it edits the network
        saved = flat[j]
        flat[j] = saved + eps
        plus = cost()
        flat[j] = saved - eps
        minus = cost()
        flat[j] = saved
        numeric.append((plus - minus) / (2 * eps))
        analytic.append(g.reshape(-1)[j])
    # Relative error of the whole gradient vector: one tiny component's rounding noise
    # must not dominate, as it would in an element-wise ratio.
    return _relative_error(np.array(numeric), np.array(analytic))


def _input_gradcheck(network, X, Y, eps, max_params, seed):
    """gradcheck's ``wrt="input"``: ``X`` is a copy this may nudge."""
    analytic_all = network.input_gradient(X, Y)
    slots = np.arange(X.size)
    if len(slots) > max_params:
        slots = np.random.default_rng(seed).choice(len(slots), size=max_params, replace=False)

    def costs():  # each example's own cost: a pixel of example i moves only C_i
        return network.cost_function.fn(network.forward(X), Y)

    flat = X.reshape(-1)  # a view of the copy
    numeric, analytic = [], []
    for k in slots:
        i = k // X.shape[1]
        saved = flat[k]
        flat[k] = saved + eps
        plus = costs()[i]
        flat[k] = saved - eps
        minus = costs()[i]
        flat[k] = saved
        numeric.append((plus - minus) / (2 * eps))
        analytic.append(analytic_all.reshape(-1)[k])
    return _relative_error(np.array(numeric), np.array(analytic))


def _relative_error(numeric, analytic):
    """|numeric - analytic| / (|numeric| + |analytic|) over the whole vector (0 when both are 0)."""
    scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    return float(np.linalg.norm(numeric - analytic) / scale) if scale else 0.0
