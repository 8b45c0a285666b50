"""Numerical gradient checking: is backpropagation computing the right derivatives?

Each parameter is nudged by +eps and -eps and the cost measured both times; the central
difference (C(w + eps) - C(w - eps)) / 2 eps approximates dC/dw with error O(eps^2), which
backprop's answer should match closely in float64.
"""

from __future__ import annotations

import numpy as np


def gradcheck(network, X, y, *, eps=1e-5, max_params=200, seed=0, dropout=0.0):
    """Relative error ``|g_num - g_bp| / (|g_num| + |g_bp|)`` of backprop's gradient.

    Checks up to ``max_params`` randomly chosen weights and biases (all when there are fewer).
    With ``dropout``, every evaluation draws the same masks (a generator seeded with ``seed``),
    so the cost is one smooth function of the parameters and the check is exact as without.
    Use a float64 network: float32 rounding swamps the finite difference. Values around 1e-7
    or below mean the gradient is right; around 1e-2 or above, it is wrong. ReLU's kink at 0
    makes the difference one-sided there, so give such networks non-zero biases first.
    """
    if network.dtype != np.float64:
        raise ValueError("gradcheck needs a float64 network (Network(..., dtype='float64')); "
                         f"got {network.dtype}")
    X = network.check_inputs(X)
    Y = network.targets(y, len(X))
    def outputs():
        if not dropout:
            return network.forward(X)
        return network.backprop(X, Y, dropout=dropout, rng=np.random.default_rng(seed))[2]

    nabla_b, nabla_w, _ = network.backprop(X, Y, dropout=dropout,
                                           rng=np.random.default_rng(seed))

    params = [(p, g) for pair in zip(network.weights, nabla_w, network.biases, nabla_b)
              for p, g in (pair[:2], pair[2:])]
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
    numeric, analytic = np.array(numeric), np.array(analytic)
    scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    return float(np.linalg.norm(numeric - analytic) / scale) if scale else 0.0
