"""The trained model shipped inside the package, so everything works offline on first run."""

from __future__ import annotations

from importlib import resources

from ..network import Network

MODELS = {
    "default": "default.npz",
}


def load_pretrained(name="default"):
    """A fresh copy of a shipped network (train it, edit it: the file is never touched).

    ``"default"``: [784, 800, 800, 10] ReLU/softmax, trained on full MNIST with random
    shifts, rotations, scaling, shear, elastic distortion and stroke-thickness changes, then
    on MNIST mixed with synthetic pen digits in styles MNIST hardly has (flag 1s, crossed 7s,
    open 4s, ...), then on MNIST mixed with the real pen strokes of 30 writers (UCI pendigits,
    E. Alpaydin and F. Alimoglu, CC BY 4.0; see ``nnwidgets/datasets/bundled/PENDIGITS.md``)
    drawn with the canvas brush, so that digits drawn with a mouse or pen are read well.
    Reproduce it with ``python -m nnwidgets train --preset default --threads 1 --save-dtype
    float16 --out base.npz``, then ``python scripts/train_default.py styles --base base.npz
    --out styles.npz`` and ``python scripts/train_default.py pendigits --base styles.npz --out
    default.npz``.
    """
    if name not in MODELS:
        raise ValueError(f"unknown pretrained model {name!r}; available: {', '.join(MODELS)}")
    with resources.as_file(resources.files("nnwidgets.models") / MODELS[name]) as path:
        return Network.load(path)
