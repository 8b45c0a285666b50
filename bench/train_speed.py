"""Training throughput of nnwidgets against PyTorch (CPU) and the book's per-example loop.

Prints samples per second of ``Network.fit`` for one epoch (shuffling, mini-batches, the update,
the loss and accuracy it reports) on real digits: full MNIST from ``NNWIDGETS_DATA`` when it is
set, else the 10,000-digit subset shipped in the package. The network is [784, 100, 10] float32,
ReLU, softmax + cross-entropy, plain SGD, at mini-batch 10 and 64. Everything is measured in
this one run on this machine so that the ratios mean something on a shared, noisy computer;
each figure is the best of several epochs.

    NNWIDGETS_DATA=... python bench/train_speed.py   # PyTorch optional: pip install ".[bench]"
    python bench/train_speed.py --samples 5000 --repeats 1   # a quick check
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import Network  # noqa: E402
from nnwidgets.datasets import load_bundled, load_mnist  # noqa: E402
from nnwidgets.training import auto_threads  # noqa: E402

SIZES = [784, 100, 10]
LEARNING_RATE = 0.05
WARM_UP = 2000  # samples trained once before timing: caches, thread pools, first allocations


def training_data(samples=None):
    """(X, y, description): the training images the benchmark runs on."""
    if os.environ.get("NNWIDGETS_DATA"):
        data, source = load_mnist(download=False), "full MNIST from NNWIDGETS_DATA"
    else:
        data, source = load_bundled(), "the bundled subset (set NNWIDGETS_DATA for full MNIST)"
    X, y = data.X_train[:samples], data.y_train[:samples]
    return X, y, f"{len(X):,} training images of {source}"


def best_epoch_rate(train_one_epoch, n, repeats):
    """Samples per second of the fastest of ``repeats`` epochs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        train_one_epoch()
        times.append(time.perf_counter() - start)
    return n / min(times)


def nnwidgets_rate(X, y, batch_size, threads, repeats):
    net = Network(SIZES, seed=0)

    def epoch(X=X, y=y):
        net.fit(X, y, epochs=1, batch_size=batch_size, learning_rate=LEARNING_RATE, threads=threads)

    epoch(X[:WARM_UP], y[:WARM_UP])
    return best_epoch_rate(epoch, len(X), repeats)


def torch_rate(X, y, batch_size, threads, repeats):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch(n=len(X)):
        # What fit does each epoch: shuffle, gather each mini-batch, step, read loss and accuracy.
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            xb, yb = Xt[idx], yt[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            loss.item()
            (out.argmax(1) == yb).float().mean().item()

    epoch(WARM_UP)
    return best_epoch_rate(epoch, len(X), repeats)


def book_loop_rate(X, y, repeats):
    """The book's algorithm as first written: one example at a time, column vectors."""
    n = min(len(X), 2000)  # about 6,000 samples/s: 2,000 are plenty to time
    X, y = X[:n], y[:n]
    net = Network(SIZES, seed=0)
    weights = [w.copy() for w in net.weights]
    biases = [b.reshape(-1, 1).copy() for b in net.biases]
    eye = np.eye(10, dtype=np.float32)

    def backprop(x, t):
        activation, activations, zs = x, [x], []
        for w, b in zip(weights, biases):
            z = w @ activation + b
            zs.append(z)
            activation = np.maximum(z, 0) if len(zs) < len(weights) else np.exp(z - z.max())
            activations.append(activation)
        activations[-1] = activations[-1] / activations[-1].sum()
        delta = activations[-1] - t
        nabla_b, nabla_w = [delta], [delta @ activations[-2].T]
        delta = (weights[-1].T @ delta) * (zs[-2] > 0)
        nabla_b.insert(0, delta)
        nabla_w.insert(0, delta @ activations[0].T)
        return nabla_b, nabla_w

    def epoch(batch_size=10):
        for start in range(0, n, batch_size):
            nb = [np.zeros_like(b) for b in biases]
            nw = [np.zeros_like(w) for w in weights]
            for i in range(start, min(start + batch_size, n)):
                dnb, dnw = backprop(X[i].reshape(-1, 1), eye[y[i]].reshape(-1, 1))
                nb = [a + d for a, d in zip(nb, dnb)]
                nw = [a + d for a, d in zip(nw, dnw)]
            for l in range(len(weights)):
                weights[l] -= LEARNING_RATE / batch_size * nw[l]
                biases[l] -= LEARNING_RATE / batch_size * nb[l]

    with threadpool_limits(limits=1, user_api="blas"):
        return best_epoch_rate(epoch, n, max(1, min(repeats, 2)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=None,
                        help="train on the first N images only (default: all of them)")
    parser.add_argument("--repeats", type=int, default=3, help="epochs timed per figure (best kept)")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False

    X, y, described = training_data(args.samples)
    net = Network(SIZES)
    print(f"Network.fit, one epoch on {described}")
    print(f"network {SIZES} float32, softmax + cross-entropy, plain SGD; {os.cpu_count()} cores; "
          f"best of {args.repeats}")
    print(f"threads chosen by nnwidgets: batch 10 -> {auto_threads(net, 10) or 'all'}, "
          f"batch 64 -> {auto_threads(net, 64) or 'all'}")
    if not have_torch:
        print("PyTorch is not installed, so the PyTorch ratio is skipped: pip install '.[bench]'")
    print()
    loop = book_loop_rate(X, y, args.repeats)
    print(f"{'':26s}{'samples/s':>12s}{'vs PyTorch':>12s}{'vs book loop':>14s}")
    print(f"{'book per-example loop':26s}{loop:12,.0f}")
    for batch in (10, 64):
        for threads in (1, 2):
            ours = nnwidgets_rate(X, y, batch, threads, args.repeats)
            row = f"{f'nnwidgets b={batch} t={threads}':26s}{ours:12,.0f}"
            if have_torch:
                theirs = torch_rate(X, y, batch, threads, args.repeats)
                row += f"{ours / theirs:11.2f}x{ours / loop:13.1f}x"
                row += f"\n{f'PyTorch   b={batch} t={threads}':26s}{theirs:12,.0f}"
            else:
                row += f"{'skipped':>12s}{ours / loop:13.1f}x"
            print(row, flush=True)


if __name__ == "__main__":
    main()
