"""Write tests/strokes/parity.json: what Python computes, for js/canvas/*.test.ts to match.

    python tests/strokes/make_parity.py

`preprocess`: pen strokes and the 28x28 that rasterize_strokes + to_mnist make of them.
`forward`: small networks, run on the first three `preprocess` digits (float32 weights, every
activation) with inputs and the outputs of the forward pass computed in float64 from those
float32 weights (the reference both the JS forward pass and Network.forward are checked
against; tests/test_canvas.py checks Network).
"""

import json
import pathlib

import numpy as np

from nnwidgets.preprocess import rasterize_strokes, to_mnist

HERE = pathlib.Path(__file__).parent

STROKES = [
    # a one, slanted
    [[[150, 40], [140, 120], [128, 230]]],
    # a seven in two strokes, small and off-centre
    [[[30, 30], [110, 28]], [[110, 28], [80, 90], [60, 150]]],
    # a zero, wide
    [
        [
            [140, 60],
            [90, 70],
            [60, 130],
            [80, 200],
            [150, 215],
            [210, 170],
            [215, 100],
            [180, 62],
            [140, 60],
        ]
    ],
    # a dot
    [[[200, 200]]],
]

ACTIVATIONS = [
    ("relu", "softmax"),
    ("sigmoid", "sigmoid"),
    ("tanh", "softmax"),
    ("leaky_relu", "linear"),
    ("relu", "relu"),
]


def reference_forward(weights, biases, activation, output, x):
    f = {
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0),
        "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
        "linear": lambda z: z,
    }

    def softmax(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    a = np.asarray(x, np.float64)
    for l, (W, b) in enumerate(zip(weights, biases)):
        z = W.astype(np.float64) @ a + b.astype(np.float64)
        name = output if l == len(weights) - 1 else activation
        a = softmax(z) if name == "softmax" else f[name](z)
    return a


def f32(a):
    """Shortest decimal that reads back as the same float32 (keeps the file small)."""
    return [float(str(v)) for v in np.asarray(a, np.float32).ravel()]


def build():
    rng = np.random.default_rng(0)
    preprocess = [{"strokes": s, "pixels": f32(to_mnist(rasterize_strokes(s)))} for s in STROKES]
    forward = []
    sizes = [784, 4, 6, 10]
    inputs = [to_mnist(rasterize_strokes(s)).ravel() for s in STROKES[:3]]  # = preprocess[:3]
    for activation, output in ACTIVATIONS:
        weights = [
            rng.normal(0, 1 / np.sqrt(n), (m, n)).astype(np.float32)
            for n, m in zip(sizes[:-1], sizes[1:])
        ]
        biases = [rng.normal(0, 0.5, m).astype(np.float32) for m in sizes[1:]]
        forward.append(
            {
                "sizes": sizes,
                "activation": activation,
                "output": output,
                "weights": [f32(w) for w in weights],
                "biases": [f32(b) for b in biases],
                "outputs": [
                    reference_forward(weights, biases, activation, output, x).tolist()
                    for x in inputs
                ],
            }
        )
    return {"preprocess": preprocess, "forward": forward}


if __name__ == "__main__":
    (HERE / "parity.json").write_text(json.dumps(build()))
    print(f"wrote {HERE / 'parity.json'}")
