"""One example through the network with the diagram's edits: the pass both views are drawn from.

An *edit* multiplies hidden neuron n of layer l's activation by a factor s (0 switches it off):
layer l+1 receives ``s * f(z^l_n)``. The activations view needs what each layer passes on; the
errors view needs each z^l, each f(z^l) before the edit and the factors (BP2 with an edit is
``((w^{l+1})^T delta^{l+1}) (.) s^l f'(z^l)``), so one pass keeps all three.

``dtype`` is what each layer's output is rounded to before the next layer reads it: float32
for the activations, as the page computes them (so what overflows there overflows here and is
refused before the page draws inf), float64 for the errors. The weights are used as they are
(no copy per call); one example goes through ``einsum``, not BLAS, as in
``nnwidgets.network._product`` (this runs while the network trains in another thread).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._base import network_functions

__all__ = ["EditedPass", "edited_pass", "edited_forward", "factors_of"]


class EditedPass(NamedTuple):
    """Everything one example's forward pass with edits produced, for layers l = 1..L."""

    x: np.ndarray
    """The input, as a (sizes[0],) vector of ``dtype``."""
    zs: list
    """z^l = w^l a^{l-1} + b^l, each a (sizes[l],) vector."""
    outputs: list
    """f(z^l) before the edit (what f'(z^l) is computed from)."""
    factors: list
    """s^l, ones except the edited neurons (the output layer is never edited)."""
    activations: list
    """``[x, a^1, ..., a^L]``, a^l = s^l f(z^l) rounded to ``dtype``: what layer l+1 receives."""


def factors_of(scales, sizes) -> list[np.ndarray]:
    """The edits ``{layer: {neuron: factor}}`` as one float64 vector s^l per layer 1..L."""
    factors = [np.ones(n, np.float64) for n in sizes[1:]]
    for l, row in (scales or {}).items():
        for n, s in row.items():
            factors[l - 1][n] = s
    return factors


def edited_pass(net, x, scales=None, *, dtype=np.float32) -> EditedPass:
    """Input ``x`` through ``net`` with the edits ``scales`` applied, keeping every layer."""
    L = len(net.weights)
    hidden, output = network_functions(net)
    a = np.asarray(x, dtype=dtype).reshape(-1)
    sizes = [a.size] + [np.shape(b)[0] for b in net.biases]
    factors = factors_of(scales, sizes)
    zs, outputs, activations = [], [], [a]
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=1):
        # z^l = w^l a^{l-1} + b^l
        z = np.einsum("ij,j->i", np.asarray(w), a) + np.asarray(b).reshape(-1)
        fz = (output if l == L else hidden).fn(z)  # f(z^l)
        a = np.asarray(fz, dtype)
        if (scales or {}).get(l):
            a = a * factors[l - 1].astype(dtype)  # s^l f(z^l), a factor beyond float32 is inf
        zs.append(z)
        outputs.append(fz)
        activations.append(a)
    return EditedPass(activations[0], zs, outputs, factors, activations)


def edited_forward(net, x, scales=None):
    """``[x, a1, ..., aL]`` (float32) for one input, each hidden a^l_n times ``scales[l][n]``."""
    return edited_pass(net, x, scales).activations
