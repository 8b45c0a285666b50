"""Write edits.json: a small network, an input, edits, and every layer NumPy computes for them.

    .venv/bin/python tests/diagram_fixture/make_edits.py

js/diagram/edits.test.ts checks the page's forward pass with edits against it. The network has
non-zero biases (init="large") and the edits hit neurons that are on for this input, so an edit
that is ignored, or applied to the wrong layer or neuron, changes the numbers.
"""

import json
import pathlib

import numpy as np

from nnwidgets.network import Network
from nnwidgets.widgets.diagram import edited_forward

net = Network([5, 4, 3, 3], seed=3, init="large")
x = np.array([0.9, 0.0, 0.3, 1.0, 0.5], np.float32)
scales = {1: {1: 0.0}, 2: {2: 0.5}}


def values(a):
    return [float(v) for v in np.ravel(a).astype(np.float32)]


fixture = {
    "sizes": net.sizes,
    "activation": net.activation,
    "output": net.output,
    "weights": [values(w) for w in net.weights],
    "biases": [values(b) for b in net.biases],
    "x": values(x),
    "scales": {str(l): {str(n): s for n, s in row.items()} for l, row in scales.items()},
    "expected": [values(a) for a in edited_forward(net, x, scales)],
    "plain": [values(a) for a in edited_forward(net, x, {})],
}
path = pathlib.Path(__file__).with_name("edits.json")
path.write_text(json.dumps(fixture, indent=1) + "\n")
print(f"wrote {path}")
