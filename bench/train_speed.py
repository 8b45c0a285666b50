"""Training throughput of nnwidgets against PyTorch (CPU) and the book's per-example loop.

Prints samples per second for a [784, 100, 10] network (float32, softmax + cross-entropy, plain
SGD) at mini-batch 10 and 64, everything measured in this one run on this machine so that the
ratios mean something on a shared, noisy computer. Each figure is the best of several repeats.

    python bench/train_speed.py            # PyTorch optional: pip install ".[bench]"
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import Network  # noqa: E402
from nnwidgets.training import Trainer, _auto_threads  # noqa: E402

SIZES = [784, 100, 10]
N = 12_000  # samples per timed pass
REPEATS = 3


def data(n=N, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)


def best_rate(run, n, repeats=REPEATS):
    run(min(n, 2000))  # warm up caches and thread pools
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run(n)
        times.append(time.perf_counter() - start)
    return n / min(times)


def nnwidgets_rate(batch_size, threads):
    X, y = data()
    net = Network(SIZES, seed=0)
    trainer = Trainer(net, X, y, epochs=1, batch_size=batch_size, learning_rate=0.05,
                      shuffle=False, threads=threads)
    velocity_w = [np.zeros_like(w) for w in net.weights]  # unused without momentum
    velocity_b = [np.zeros_like(b) for b in net.biases]

    def run(n):
        with threadpool_limits(limits=threads, user_api="blas"):
            for start in range(0, n, batch_size):
                sl = slice(start, start + batch_size)
                trainer._step(trainer.X[sl], trainer.Y[sl], trainer.labels[sl], 0.05, N,
                              velocity_w, velocity_b)

    return best_rate(run, N)


def torch_rate(batch_size, threads):
    import torch

    torch.set_num_threads(threads)
    X, y = data()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run(n):
        for start in range(0, n, batch_size):
            opt.zero_grad(set_to_none=True)
            out = model(Xt[start:start + batch_size])
            loss = loss_fn(out, yt[start:start + batch_size])
            loss.backward()
            opt.step()
            loss.item()  # nnwidgets reads its loss every step too

    return best_rate(run, N)


def book_loop_rate():
    """The book's algorithm as first written: one example at a time, column vectors."""
    X, y = data(2000)
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

    def run(n, batch_size=10):
        for start in range(0, n, batch_size):
            nb = [np.zeros_like(b) for b in biases]
            nw = [np.zeros_like(w) for w in weights]
            for i in range(start, start + batch_size):
                dnb, dnw = backprop(X[i].reshape(-1, 1), eye[y[i]].reshape(-1, 1))
                nb = [a + d for a, d in zip(nb, dnb)]
                nw = [a + d for a, d in zip(nw, dnw)]
            for l in range(len(weights)):
                weights[l] -= 0.05 / batch_size * nw[l]
                biases[l] -= 0.05 / batch_size * nb[l]

    with threadpool_limits(limits=1, user_api="blas"):
        return best_rate(run, 2000, repeats=2)


def main():
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch not installed: pip install '.[bench]' for the comparison\n")

    net = Network(SIZES)
    print(f"network {SIZES} float32, softmax + cross-entropy, plain SGD; {os.cpu_count()} cores")
    print(f"threads chosen by nnwidgets: batch 10 -> {_auto_threads(net, 10) or 'all'}, "
          f"batch 64 -> {_auto_threads(net, 64) or 'all'}\n")
    loop = book_loop_rate()
    print(f"{'':26s}{'samples/s':>12s}{'vs PyTorch':>12s}{'vs book loop':>14s}")
    print(f"{'book per-example loop':26s}{loop:12,.0f}")
    for batch in (10, 64):
        for threads in (1, 2):
            ours = nnwidgets_rate(batch, threads)
            row = f"{f'nnwidgets b={batch} t={threads}':26s}{ours:12,.0f}"
            if have_torch:
                theirs = torch_rate(batch, threads)
                row += f"{ours / theirs:11.2f}x{ours / loop:13.0f}x"
                row += f"\n{f'PyTorch   b={batch} t={threads}':26s}{theirs:12,.0f}"
            else:
                row += f"{'':12s}{ours / loop:13.0f}x"
            print(row)


if __name__ == "__main__":
    main()
