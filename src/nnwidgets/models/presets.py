"""Named experiments: a network configuration plus the ``fit`` arguments that go with it.

``book-ch1`` and ``book-ch3`` are the book's experiments as it runs them; ``default`` is the
first step of the recipe for the model shipped inside the package (``python -m nnwidgets train
--preset default``); ``scripts/train_default.py`` then continues it on MNIST mixed with
synthetic pen digits, and then with the real pen strokes of 30 writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..network import Network


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    network: dict
    fit: dict
    augment: dict | None = field(default=None)

    def build(self, *, seed=0, dtype="float32"):
        """A freshly initialised network for this preset."""
        return Network(**self.network, seed=seed, dtype=dtype)


PRESETS = {
    p.name: p
    for p in [
        Preset(
            "book-ch1",
            "The book's first network: [784, 30, 10] sigmoid neurons, quadratic cost, N(0, 1) "
            "weights, 30 epochs of mini-batch 10 at eta 3.0 (about 95% on the test set).",
            network=dict(
                sizes=[784, 30, 10],
                activation="sigmoid",
                output="sigmoid",
                cost="quadratic",
                init="large",
            ),
            fit=dict(epochs=30, batch_size=10, learning_rate=3.0),
        ),
        Preset(
            "book-ch3",
            "The book's regularised network: [784, 100, 10] sigmoid neurons, cross-entropy, "
            "scaled initialisation, L2 with lambda 5.0, 30 epochs of mini-batch 10 at eta 0.5 "
            "(about 98% on the test set).",
            network=dict(
                sizes=[784, 100, 10],
                activation="sigmoid",
                output="sigmoid",
                cost="cross_entropy",
                init="scaled",
            ),
            fit=dict(epochs=30, batch_size=10, learning_rate=0.5, l2=5.0),
        ),
        Preset(
            "default",
            "The shipped model: [784, 800, 800, 10] ReLU, softmax, cross-entropy, dropout 0.2, "
            "momentum SGD with a cosine schedule, trained on randomly shifted, rotated, scaled, "
            "sheared, elastically distorted and thickened digits "
            "so that pen-drawn digits read well.",
            network=dict(
                sizes=[784, 800, 800, 10],
                activation="relu",
                output="softmax",
                cost="cross_entropy",
                init="scaled",
            ),
            fit=dict(
                epochs=80,
                batch_size=128,
                learning_rate=0.05,
                momentum=0.9,
                dropout=0.2,
                l2=0.0,
                schedule="cosine",
            ),
            augment=dict(max_shift=2.0, max_rotation=12.0, scale=(0.85, 1.15)),
        ),
    ]
}


def get_preset(name):
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]
