"""Print the speed of learning per hidden layer at initialisation (NNDL chapter 5).

NNDL's ``fig/generate_gradient.py``: ``network2.Network([784, 30, 30, 30, 30, 10])`` (sigmoid
layers, sigmoid output, cross-entropy cost, weights N(0, 1/n_in), biases N(0, 1)), the bias
gradient averaged over the first 1,000 training digits, the norm of each hidden layer's.
NNDL ch5 reports 0.003, 0.017, 0.070, 0.285 ("roughly 100 times slower"). Here the same with
``init="book"``, for several seeds, then ReLU with He's initialisation (``init="scaled"``).

    python scripts/layer_speed_figures.py [--seeds 0 1 2 3 4] [--mnist] [--train 500]

``--train N`` then repeats NNDL's ``norms_during_training_4_layers``: the book-init sigmoid
network (seed 0) trained full-batch on the 1,000 probe digits (eta 0.1, lambda 5) for N epochs,
a LayerSpeed recording after each; it prints last/first at epochs 0, 5, 20, 100, 499 (NNDL:
96, 136, 124, 52, 113).

``--mnist`` probes with the first 1,000 digits of full MNIST (``load_mnist``, needs the files
or ``NNWIDGETS_DATA``), as NNDL did; the default is the bundled subset, offline.
"""

import argparse
import itertools
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from nnwidgets import Network, load_bundled, load_mnist
from nnwidgets.layer_speed import LayerSpeed, layer_speeds

SIZES = [784, 30, 30, 30, 30, 10]
SETUPS = {
    "sigmoid, init='book' (NNDL)": {"activation": "sigmoid", "init": "book"},
    "relu, init='scaled' (He)": {"activation": "relu", "init": "scaled"},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--probe", type=int, default=1000)
    parser.add_argument("--mnist", action="store_true", help="probe with full MNIST")
    parser.add_argument(
        "--train",
        type=int,
        default=0,
        metavar="EPOCHS",
        help="also train full-batch for this many epochs (NNDL: 500)",
    )
    args = parser.parse_args()
    data = load_mnist(progress=False) if args.mnist else load_bundled()
    X, y = data[0][: args.probe], data[1][: args.probe]
    started = time.perf_counter()
    print(
        f"speed of learning ||dC/db^l|| at initialisation, {SIZES}, sigmoid output, "
        f"cross-entropy, probe: first {len(X)} {'MNIST' if args.mnist else 'bundled'} "
        f"training digits"
    )
    for name, kwargs in SETUPS.items():
        ratios, per_layer = [], []
        for seed in args.seeds:
            net = Network(
                SIZES, output="sigmoid", cost="cross_entropy", seed=seed, dtype="float64", **kwargs
            )
            speeds = layer_speeds(net, X, y)
            per_layer.append(speeds)
            ratios.append(speeds[-1] / speeds[0])
            ordered = all(a < b for a, b in itertools.pairwise(speeds))
            print(
                f"  {name:30s} seed {seed}: "
                + ", ".join(f"{s:.4f}" for s in speeds)
                + f"   last/first {speeds[-1] / speeds[0]:6.1f}"
                + ("   each layer slower than the next" if ordered else "")
            )
        medians = [statistics.median(col) for col in zip(*per_layer)]
        print(
            f"  {name:30s} median:  "
            + ", ".join(f"{s:.4f}" for s in medians)
            + f"   ratio median {statistics.median(ratios):.1f} "
            f"(range {min(ratios):.1f} .. {max(ratios):.1f})"
        )
    print("NNDL ch5 reports 0.003, 0.017, 0.070, 0.285 (last/first about 100)")
    if args.train:
        during_training(X, y, args.train)
    print(f"({time.perf_counter() - started:.1f} s)")


def during_training(X, y, epochs):
    net = Network(
        SIZES,
        activation="sigmoid",
        output="sigmoid",
        cost="cross_entropy",
        init="book",
        seed=0,
        dtype="float64",
    )
    speed = LayerSpeed((X, y))
    # network2's SGD(td, 1, 1000, 0.1, lmbda=5.0): one mini-batch of all 1,000 digits per
    # epoch, L2 with lambda / n, n = 1,000 (the Trainer's l2 is the book's lambda)
    net.fit(X, y, epochs=epochs, batch_size=len(X), learning_rate=0.1, l2=5.0, callbacks=[speed])
    marks = [e for e in (0, 5, 20, 100, 499) if e < len(speed.records)]
    ratios = [speed.records[e][1][-1] / speed.records[e][1][0] for e in marks]
    print(
        f"full-batch training on the probe, eta 0.1, lambda 5, {epochs} epochs: last/first at "
        f"epochs {', '.join(map(str, marks))}: "
        + ", ".join(f"{r:.0f}" for r in ratios)
        + "   (NNDL norms_during_training_4_layers.json: 96, 136, 124, 52, 113)"
    )
    print(
        f"  speeds after epoch {len(speed.records) - 1}: "
        + ", ".join(f"{s:.3g}" for s in speed.records[-1][1])
    )


if __name__ == "__main__":
    main()
