"""The errors a NetworkDiagram shows: backpropagation's delta^l = dC/dz^l for one example.

The diagram's one forward pass (forward.py, in float64 here) keeps every z^l; then BP1 and BP2
are ``nnwidgets.network``'s own ``output_error`` and ``hidden_errors``, the ones
``Network.backprop`` uses (for a single example, ``nabla_b`` there *is* this list, by BP3),
with the diagram's edits as their scales: a hidden neuron whose activation is multiplied by s
passes s times its error back (d(s a)/dz = s f'(z)).
Only the network's public parts are used (``weights``, ``biases``, its function names and its
cost), so a reader's own book-style network gets the same treatment.
"""

from __future__ import annotations

import numpy as np

from ... import functions
from ..._checks import target_vector  # the package's one label-to-target rule, for one example
from ...network import hidden_errors, output_error
from .._base import function_name, network_functions
from .forward import edited_pass

__all__ = ["cost_of", "edited_deltas", "target_vector"]


def cost_of(net):
    """The network's cost object: ``net.cost_function`` if it has one, else the cost it names.

    A book-style network without a cost is taken to use the quadratic cost, as the book's
    first network does.
    """
    cost = getattr(net, "cost_function", None)
    if cost is not None and callable(getattr(cost, "grad", None)):
        return cost
    name = getattr(net, "cost", "quadratic")
    if not isinstance(name, str):
        raise ValueError(
            f"the network's cost must be one of {', '.join(map(repr, functions.COSTS))} "
            f"to show its errors; got {name!r}"
        )
    return functions.get_cost(name, function_name(net.output))


def edited_deltas(net, x, y, scales=None) -> list[np.ndarray]:
    """``[delta^1, ..., delta^L]``, each delta^l = dC/dz^l for one input ``x`` and target ``y``.

    ``scales`` are the diagram's edits ``{layer: {neuron: factor}}`` (hidden layers only).
    """
    hidden, output = network_functions(net)
    cost = cost_of(net)
    p = edited_pass(net, x, scales, dtype=np.float64)
    # Row vectors (1, n): one example, as Network's backprop sees a mini-batch.
    zs = [z.reshape(1, -1) for z in p.zs]
    fs = [f.reshape(1, -1) for f in p.outputs]
    yv = target_vector(y, fs[-1].shape[1]).reshape(1, -1)
    delta_out = output_error(output, cost, zs[-1], fs[-1], yv)  # BP1
    # BP2 with the edits as scales: a neuron scaled by s passes s times its error back.
    edited = [p.factors[l - 1] if (scales or {}).get(l) else None for l in range(1, len(zs))]
    deltas = hidden_errors(net.weights, zs, fs, delta_out, hidden, scales=edited)
    return [d.reshape(-1) for d in deltas]
