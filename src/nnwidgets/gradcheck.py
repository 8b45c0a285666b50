"""Numerical gradient checking: is backpropagation computing the right derivatives?

Each parameter is nudged by +eps and -eps and the cost measured both times; the central
difference (C(w + eps) - C(w - eps)) / 2 eps approximates dC/dw with error O(eps^2), which
backprop's answer should match closely in float64.

A network made with the reader's own pieces (``Network(cost=obj)``, ``activation=obj``) has
each piece checked against its own derivative too, so that a wrong one is named: a warning
says, for instance, that the cost's ``delta(z, a, y)`` is not the derivative of its
``fn(a, y)``.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _checks
from .network import output_error
from .training import Trainer

#: A piece whose derivative is this far (relative error) from its central difference is wrong;
#: a right one, in float64 with eps = 1e-5, lands near 1e-10.
PIECE_TOLERANCE = 1e-6


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

    With your own activation, output or cost (``Network(..., cost=obj)``), each is also
    checked against its own derivative on the first examples of ``X``: your cost's
    ``delta(z, a, y)`` against the central difference of ``fn(output(z), y)`` in z, your
    activation's ``prime(z)`` against that of its ``fn(z)``. A piece that disagrees gets a
    UserWarning naming it, with both answers for the first example.
    """
    if not callable(getattr(network, "backprop", None)) or not hasattr(network, "dtype"):
        raise TypeError(
            f"network must be an nnwidgets Network (or as_network(...) of yours); "
            f"got {type(network).__name__}"
        )
    if network.dtype != np.float64:
        raise ValueError(
            "gradcheck needs a float64 network (Network(..., dtype='float64')); "
            f"got {network.dtype}"
        )
    if wrt not in ("parameters", "input"):
        raise ValueError(f"wrt must be 'parameters' or 'input'; got {wrt!r}")
    # eps beyond 1 measures a chord, not a derivative; 0 divides by zero.
    eps = _checks.check_range(eps, "eps", 0.0, 1.0, low_open=True)
    max_params = _checks.positive_int(max_params, "max_params")  # 0 would check nothing
    seed = _checks.check_seed(seed)
    Trainer.live_settings()["dropout"].check(dropout)  # the Trainer's rule: rates in [0, 1)
    y = _checks.one_example_label(X, y)  # one example as a vector, with its one label
    X = network.check_inputs(X)
    Y = network.targets(y, len(X))
    for message in check_pieces(network, X, Y, eps=eps):
        warnings.warn(message, UserWarning, stacklevel=2)
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
        try:
            flat[j] = saved + eps
            plus = cost()
            flat[j] = saved - eps
            minus = cost()
        finally:  # an interrupt or an error in the reader's cost leaves the weight as it was
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


def check_pieces(network, X, Y, *, eps=1e-5, n=8):
    """Messages naming each of the reader's own pieces that disagrees with its own derivative
    on the first ``n`` examples of ``X`` (targets ``Y``); empty when all agree or none is the
    reader's. ``X`` and ``Y`` as the network checks them."""
    hidden = getattr(network, "activation_function", None)
    output = getattr(network, "output_function", None)
    cost = network.cost_function
    if hidden is None or not (hidden.custom or output.custom or cost.custom):
        return []
    zs, activations = network._weighted_inputs(X[:n])
    Y = Y[:n]
    messages = []
    with np.errstate(all="ignore"):
        for f, where, layers in ((hidden, "activation", zs[:-1]), (output, "output", zs[-1:])):
            if f.custom and layers:
                numeric = [(f.fn(z + eps) - f.fn(z - eps)) / (2 * eps) for z in layers]
                analytic = [f.prime(z, f.fn(z)) for z in layers]
                error = _relative_error(np.concatenate(numeric, 1), np.concatenate(analytic, 1))
                if not error <= PIECE_TOLERANCE:
                    messages.append(
                        f"gradcheck: the {where} {f.name}'s prime(z) is not the derivative of "
                        f"its fn(z): relative error {error:.2g} against the central difference "
                        f"(eps={eps:g}); for the first example prime gave "
                        f"{_few(analytic[0][0])} where (fn(z + eps) - fn(z - eps)) / 2 eps "
                        f"gives {_few(numeric[0][0])}"
                    )
        if cost.custom:
            z = zs[-1]
            analytic = output_error(output, cost, z, activations[-1], Y)
            numeric = np.empty_like(z)
            for k in range(z.shape[1]):  # examples are independent: one column at a time
                step = np.zeros_like(z)
                step[:, k] = eps
                plus = cost.fn(output.fn(z + step), Y)
                minus = cost.fn(output.fn(z - step), Y)
                numeric[:, k] = (plus - minus) / (2 * eps)
            error = _relative_error(numeric, analytic)
            if not error <= PIECE_TOLERANCE:
                messages.append(
                    f"gradcheck: the cost {cost.name}'s delta(z, a, y) is not the derivative "
                    f"of its fn(a, y) with respect to z through the output {output.name}: "
                    f"relative error {error:.2g}; for the first example delta gave "
                    f"{_few(analytic[0])} where the central difference of fn(output(z), y) "
                    f"gives {_few(numeric[0])}. (With a sigmoid output and the cross-entropy, "
                    f"sigma'(z) cancels and delta = a - y; a delta still multiplied by "
                    f"sigma'(z) is the quadratic cost's.)"
                )
    return messages


def _few(v, k=4):
    """The first ``k`` numbers of ``v``, to quote in a message."""
    v = np.ravel(v)
    more = ", ..." if v.size > k else ""
    return "[" + ", ".join(f"{x:.4g}" for x in v[:k]) + more + "]"
