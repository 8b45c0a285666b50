"""Measure the book's run with lab 5's own class: [784, 30, 10], SGD(training_data, 30, 10, 3.0).

The class is taken from lab 5's solution notebook (its cell tagged ``solution``), so what is
measured is exactly the code the lab states the figure for: per-example backpropagation, the
book's data format, Python's ``random.shuffle``, and the very call of the lab's ``FULL_MNIST``
cell, so ``--seed 0`` repeats that cell's run. Needs full MNIST (``NNWIDGETS_DATA`` or the
download cache). Prints the lab's line for each epoch, with the epoch's time (training and
``evaluate``), as it goes.

    NNWIDGETS_DATA=... nice -n 10 python scripts/measure_book_mnist.py [--epochs 30] [--seed 0]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import pathlib
import random
import sys
import time

import nbformat
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
LAB5 = ROOT / "notebooks" / "lab5_training_mnist.ipynb"


def lab5_network_class():
    """Lab 5's ``Network``, defined by running the lab's solution cell."""
    nb = nbformat.read(LAB5, as_version=4)
    namespace = {"np": np, "random": random}
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            exec(cell.source, namespace)
    return namespace["Network"]


class _Timestamped(io.TextIOBase):
    """A stream that adds the time since it was made, and since the last line, to each line."""

    def __init__(self, out):
        self.out, self.start = out, time.perf_counter()
        self.last = self.start

    def write(self, text):
        for line in text.splitlines(keepends=True):
            if line.endswith("\n"):
                now = time.perf_counter()
                line = f"{line[:-1]}  ({now - self.last:.1f} s, total {now - self.start:.0f} s)\n"
                self.last = now
            self.out.write(line)
        self.out.flush()
        return len(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0, help="seeds the weights and the shuffling")
    args = parser.parse_args(argv)

    from nnwidgets import load_mnist

    full = load_mnist(download=False)
    training_data = [
        (x.reshape(784, 1).astype(float), np.eye(10)[[t]].T)
        for x, t in zip(full.X_train, full.y_train)
    ]
    test_data = [
        (x.reshape(784, 1).astype(float), int(t)) for x, t in zip(full.X_test, full.y_test)
    ]
    Network = lab5_network_class()
    random.seed(args.seed)
    net = Network([784, 30, 10], seed=args.seed)

    # Exactly the lab's call (its FULL_MNIST cell); each line it prints gets a time stamp.
    with contextlib.redirect_stdout(_Timestamped(sys.stdout)):
        net.SGD(training_data, args.epochs, 10, 3.0, test_data=test_data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
