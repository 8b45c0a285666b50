"""Model files: a network's configuration and parameters in an ``.npz`` archive, never pickle.

Layout (format version 1): ``format`` (the string "nnwidgets-network"), ``format_version``,
``config`` (JSON of the constructor arguments), then ``W0, b0, W1, b1, ...``. Everything is a
plain numeric or unicode array, so ``np.load(..., allow_pickle=False)`` reads it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from ._atomic import atomic_write

FORMAT = "nnwidgets-network"
FORMAT_VERSION = 1


def save_network(net, path, *, dtype=None):
    """Write ``net`` to ``path`` atomically: a crash mid-write never leaves half a file."""
    store = np.dtype(dtype) if dtype is not None else net.dtype
    if store.name not in ("float16", "float32", "float64"):
        raise ValueError(f"dtype must be 'float16', 'float32' or 'float64'; got {dtype!r}")
    arrays = {"format": np.array(FORMAT), "format_version": np.array(FORMAT_VERSION),
              "config": np.array(json.dumps(net.config()))}
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        arrays[f"W{l}"] = w.astype(store)
        arrays[f"b{l}"] = b.astype(store)
    with atomic_write(path) as f:  # a file object, so numpy adds no ".npz" of its own
        np.savez_compressed(f, **arrays)


def load_network(path):
    """Read a network written by :func:`save_network`, checking everything it can."""
    from .network import Network

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {str(path)!r}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable nnwidgets model file "
                         f"(truncated or not an .npz archive): {exc}") from exc
    if arrays.get("format", np.array("")).item() != FORMAT:
        raise ValueError(f"{str(path)!r} is an .npz file but not an nnwidgets model "
                         f"(it has arrays {sorted(arrays)})")
    version = int(arrays["format_version"])
    if version > FORMAT_VERSION:
        raise ValueError(f"{str(path)!r} has model format version {version}; this nnwidgets "
                         f"reads up to version {FORMAT_VERSION}: upgrade nnwidgets")
    config = json.loads(arrays["config"].item())
    sizes = config.pop("sizes")
    net = Network(sizes, **config)
    weights = [arrays.get(f"W{l}") for l in range(len(sizes) - 1)]
    biases = [arrays.get(f"b{l}") for l in range(len(sizes) - 1)]
    if any(a is None for a in weights + biases):
        raise ValueError(f"{str(path)!r} is missing weights for sizes {sizes}")
    try:
        net.set_parameters(weights, biases)
    except ValueError as exc:
        raise ValueError(f"{str(path)!r} does not match its own architecture: {exc}") from exc
    return net
