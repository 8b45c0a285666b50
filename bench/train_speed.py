"""Training throughput of nnwidgets against its bound, PyTorch (CPU) and the book's loop.

Prints samples per second of ``Network.fit`` per epoch (shuffling, gathering each mini-batch,
forward, backpropagation, the checked update, the loss and accuracy it records) on real
digits: full MNIST from ``NNWIDGETS_DATA`` when it is set, else the 10,000-digit subset shipped
in the package. Two [784, 100, 10] float32 networks, plain SGD: the book's sigmoid network with
cross-entropy ("sigmoid"), and ReLU with a softmax output ("softmax"); mini-batches of 10 and
64; one and two BLAS threads.

Beside each figure, measured in the same run, between the same epochs:

- the **bound**: the same epoch's matrix products alone, forward and backward (``x W1^T``,
  ``h W2^T``, ``delta2 W2``, ``delta2^T h``, ``delta1^T x``) on the same shuffled mini-batches,
  the gather of each mini-batch included, into buffers allocated once, each product made as
  fit makes it (the forward ones a few rows at a time where BLAS's small-matrix kernels are
  faster: ``_blas.product_rows``). Nothing that trains can be faster than its own matrix
  products, so ``fit / bound`` says how much of the machine the rest (activations, errors,
  the update and its checks, the loop) leaves;
- PyTorch doing what ``fit`` does each epoch (shuffle, gather, forward, backward, SGD step, and
  read the loss and accuracy), with the same thread count.

The machine may be shared and noisy, so the three are timed in turns, epoch after epoch, and
each figure is the best of ``--repeats`` epochs. The ratios are what to compare across runs:
each is the median over the repeats of the ratio between two adjacent epochs (fit's and the
other's), since the machine's speed drifts more between repeats than between neighbours.
With one thread, every contender works on the calling thread alone (OpenBLAS and PyTorch run
a one-thread product there), so by default (``--clock auto``) the one-thread rows time that
thread's CPU time: on a quiet machine the same as the wall clock, and on a shared one it leaves
out the time other programs held the core (though not the caches they emptied), which moved a
wall-clock ratio by 0.1 between runs. Rows with more threads need the wall clock, which counts
the other threads' work. ``--clock wall`` times every row by the wall clock.

    NNWIDGETS_DATA=... python bench/train_speed.py   # PyTorch optional: pip install ".[bench]"
    python bench/train_speed.py --samples 5000 --repeats 1   # a quick check
    python bench/train_speed.py --clock wall                  # every row by the wall clock

Printed on the 2-core development machine at 10:31 on 5 Dec (load average 0.26 before, 0.28
after; PyTorch 2.13.0+cpu) by ``NNWIDGETS_DATA=... python bench/train_speed.py --samples 30000
--repeats 3``, one-thread rows by thread CPU time, two-thread rows by the wall clock::

                             fit     bound   PyTorch  fit/bound  fit/PyTorch  fit/loop
    sigmoid b=10 t=1         188,915   300,268    33,092       0.63        6.12x     26.8x
    sigmoid b=10 t=2         185,537   294,647    34,214       0.62        5.36x     26.3x
    sigmoid b=64 t=1         293,003   359,610   116,735       0.81        2.54x     41.5x
    sigmoid b=64 t=2         293,952   368,915   145,839       0.72        1.84x     41.7x
    softmax b=10 t=1         193,470   320,345    36,967       0.61        5.30x     27.4x
    softmax b=10 t=2         196,845   321,426    36,809       0.61        5.40x     27.9x
    softmax b=64 t=1         306,857   370,030   122,126       0.83        2.57x     43.5x
    softmax b=64 t=2         318,220   389,008   156,161       0.82        2.08x     45.1x

and over it and the three runs before it from 10:19 (load 0.3-2.8, other sessions busy on the
cores), the code as printed (softmax without the shift by each row's max, the forward pass's
hidden layers in a loop of their own): fit / bound at mini-batch 10 0.61-0.64 with sigmoid and
0.58-0.62 with softmax (0.56-0.60 before), 5.0-6.1x PyTorch; at 64 0.78-0.83 with one thread
and 0.72-0.83 with two, 2.41-2.57x PyTorch with one thread and 1.84-2.36x with two (left out:
three rows timed while another job held the second core, two PyTorch figures at 10 with two
threads and sigmoid at 64 with two). A fifth run at 11:10 (load 0.9 before, 0.6 after): 0.62
and 0.61 (sigmoid, 10), 0.60 and 0.58 (softmax, 10), 0.84 and 0.86 (sigmoid, 64), 0.79 and 0.86
(softmax, 64), PyTorch 5.27-5.65x at 10 and 2.11-2.56x at 64. Fit gains only 1-2% from a
second thread at mini-batch 64 (epochs alternated between one and two threads in one fit, wall
clock, load 0.3): only BP4's product of the first layer is split, 58 -> 46 us alone, and less
in the loop, where the forward product right after it reads the weights both threads wrote
(that pair: 132 -> 124 us, against 138 -> 127 for the bound's pair, whose product writes a
separate array; timed again inside a loop that evening, bench/RESULTS.md, the forward product
was 9 us slower with two threads when BP4 had added into the weights and not when it wrote
another array: the worker thread's half of the weights comes back from the other core). Before,
at 08:00 (load 0.7-0.8) and over that morning's runs (load 0.4-1.3): at mini-batch 10 0.59-0.64
with sigmoid and 0.56-0.60 with softmax, 4.86-5.63x PyTorch; at 64 0.80-0.85 with one thread and
0.74-0.84 with two, 2.41-2.70x PyTorch with one thread and 1.94-2.31x with two. With the forward
products taken in blocks of rows (``_blas.product_rows``), the bound at 64 is some 15% higher
than before (both take them so), and fit's products gain little from a second thread:
only BP4's product of the first layer is split. With another program busy on the second core
(a niced training), the two-thread rows swing wildly: OpenBLAS's idle thread yields its core
between products, and fit, whose products have element-wise work between them, then waits for
it up to a scheduler tick per product (37,685 samples/s in one such row); a shorter
``OPENBLAS_THREAD_TIMEOUT`` (4) made it worse still (1.33-1.45x PyTorch on a quiet machine).
The README has the ranges and what changed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import Callback, Network  # noqa: E402
from nnwidgets._blas import product_rows  # noqa: E402
from nnwidgets.datasets import load_bundled, load_mnist  # noqa: E402
from nnwidgets.network import _product_into, aligned_copy, aligned_empty  # noqa: E402

SIZES = [784, 100, 10]
LEARNING_RATE = 0.05
NETWORKS = {  # name: (hidden activation, output activation); cost cross-entropy for both
    "sigmoid": ("sigmoid", "sigmoid"),
    "softmax": ("relu", "softmax"),
}
PAUSE = 0.25  # seconds between contenders, outside the clocks
CLOCKS = {"wall": time.perf_counter, "cpu": time.thread_time}
clock = CLOCKS["wall"]  # set per row by main()
WARM_UP = 3000  # samples each contender trains once before timing: caches, pools, allocations


def training_data(samples=None):
    """(X, y, description): the training images the benchmark runs on."""
    if os.environ.get("NNWIDGETS_DATA"):
        data, source = load_mnist(download=False), "full MNIST from NNWIDGETS_DATA"
    else:
        data, source = load_bundled(), "the bundled subset (set NNWIDGETS_DATA for full MNIST)"
    X, y = data.X_train[:samples], data.y_train[:samples]
    return np.ascontiguousarray(X, np.float32), y, f"{len(X):,} training images of {source}"


def bound_epoch(X, batch_size, rng, n_hidden=SIZES[1], n_out=SIZES[2]):
    """A function running one epoch of ``fit``'s matrix products alone, and nothing else."""
    n, n_in = X.shape
    # Every array starts on a cache line, as fit's do (network.ALIGNMENT): the kernels run
    # up to a fifth slower on arrays 16 bytes off, which would lower the bound by luck.
    W1 = aligned_copy(rng.standard_normal((n_hidden, n_in)) * 0.05, np.float32)
    W2 = aligned_copy(rng.standard_normal((n_out, n_hidden)) * 0.1, np.float32)
    full = aligned_empty((batch_size, n_in), np.float32)
    z1 = aligned_empty((batch_size, n_hidden), np.float32)
    z2 = aligned_empty((batch_size, n_out), np.float32)
    g1 = aligned_empty((batch_size, n_hidden), np.float32)
    gw1, gw2 = aligned_empty(W1.shape, np.float32), aligned_empty(W2.shape, np.float32)
    d2 = aligned_copy(rng.standard_normal((batch_size, n_out)) * 0.1, np.float32)
    blocks = {}  # m -> the forward products' rows at a time, as fit takes them

    def epoch():
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            m = len(idx)
            if m not in blocks:  # here, inside fit's callback: with fit's thread count
                blocks[m] = [product_rows(m, *w.T.shape, np.float32) for w in (W1, W2)]
            x = np.take(X, idx, axis=0, out=full[:m], mode="clip")  # the gather, unbuffered
            h = _product_into(x, W1, z1[:m], blocks[m][0])  # forward, layer 1
            _product_into(h, W2, z2[:m], blocks[m][1])  # forward, layer 2
            np.matmul(d2[:m], W2, out=g1[:m])  # BP2's product
            np.matmul(d2[:m].T, h, out=gw2)  # BP4, layer 2
            np.matmul(g1[:m].T, x, out=gw1)  # BP4, layer 1

    return epoch


def torch_epoch(X, y, batch_size, network):
    """A function running what ``fit`` does in one epoch, in PyTorch."""
    import torch

    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(np.asarray(y, np.int64))
    hidden, output = NETWORKS[network]
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]),
        torch.nn.Sigmoid() if hidden == "sigmoid" else torch.nn.ReLU(),
        torch.nn.Linear(SIZES[1], SIZES[2]),
    )
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    eye = torch.eye(SIZES[2])
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    softmax_ce = torch.nn.CrossEntropyLoss()

    def epoch(n=len(X)):  # noqa: B008  (X is fixed for the bench)
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            xb, yb = Xt[idx], yt[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            if output == "sigmoid":  # the book's cross-entropy: summed over outputs, mean over rows
                loss = bce(out, eye[yb], reduction="sum") / len(idx)
            else:
                loss = softmax_ce(out, yb)
            loss.backward()
            opt.step()
            loss.item()
            (out.argmax(1) == yb).float().mean().item()

    return epoch


class _Turns(Callback):
    """Times each of fit's epochs, and between them runs the other contenders' epochs."""

    def __init__(self, others, times):
        self.others, self.times = others, times

    def on_epoch_begin(self, trainer, epoch):
        self.started = clock()

    def on_epoch_end(self, trainer, epoch, logs):
        self.times["fit"].append(clock() - self.started)
        for name, run in self.others.items():
            # A pause first: OpenBLAS's and OpenMP's idle threads spin for a while after their
            # last product, and on 2 cores they would slow whoever runs next.
            time.sleep(PAUSE)
            started = clock()
            run()
            self.times[name].append(clock() - started)
        time.sleep(PAUSE)


def measure(X, y, network, batch_size, threads, repeats, with_torch):
    """Samples per second of fit, its bound and PyTorch: the best epoch of each."""
    hidden, output = NETWORKS[network]
    rng = np.random.default_rng(0)
    others = {"bound": bound_epoch(X, batch_size, rng)}
    if with_torch:
        import torch

        torch.set_num_threads(threads)
        others["torch"] = torch_epoch(X, y, batch_size, network)
    times = {"fit": [], **{name: [] for name in others}}
    # Warm up every contender on a few thousand samples, then time them in turns; fit's
    # thread limit applies to the bound too, since it runs inside fit's callback.
    warm = {
        name: bound_epoch(X[:WARM_UP], batch_size, rng)
        if name == "bound"
        else torch_epoch(X[:WARM_UP], y[:WARM_UP], batch_size, network)
        for name in others
    }
    net = Network(SIZES, activation=hidden, output=output, cost="cross_entropy", seed=0)
    net.fit(
        X[:WARM_UP],
        y[:WARM_UP],
        epochs=1,
        batch_size=batch_size,
        learning_rate=LEARNING_RATE,
        threads=threads,
        callbacks=[_Turns(warm, {name: [] for name in times})],
    )
    net.fit(
        X,
        y,
        epochs=repeats,
        batch_size=batch_size,
        learning_rate=LEARNING_RATE,
        threads=threads,
        callbacks=[_Turns(others, times)],
    )
    rates = {name: len(X) / min(t) for name, t in times.items()}
    # fit / other, from each repeat's pair of adjacent epochs, the median over repeats: the
    # machine's speed (another program's load on the shared caches and cores, the clock rate)
    # drifts between repeats more than between two adjacent epochs
    ratios = {
        name: float(np.median([o / f for o, f in zip(t, times["fit"])]))
        for name, t in times.items()
        if name != "fit"
    }
    return rates, ratios


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

    times = []
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(max(1, min(repeats, 2))):
            start = clock()
            epoch()
            times.append(clock() - start)
    return n / min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--samples",
        type=int,
        default=None,
        help="train on the first N images only (default: all of them)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="epochs timed per figure (best kept)"
    )
    parser.add_argument(
        "--networks",
        default=",".join(NETWORKS),
        help="comma-separated, from: " + ", ".join(NETWORKS),
    )
    parser.add_argument("--batches", default="10,64", help="mini-batch sizes, comma-separated")
    parser.add_argument("--threads", default="1,2", help="BLAS thread counts, comma-separated")
    parser.add_argument(
        "--clock",
        choices=("auto", *CLOCKS),
        default="auto",
        help="wall: elapsed time; cpu: the training thread's CPU time (only with --threads 1); "
        "auto (the default): cpu for one thread, wall for more",
    )
    args = parser.parse_args(argv)
    if args.clock == "cpu" and args.threads != "1":
        parser.error("--clock cpu needs --threads 1: other threads' work is not counted")
    global clock
    try:
        import torch

        have_torch = True
    except ImportError:
        have_torch = False

    X, y, described = training_data(args.samples)
    print(
        f"Network.fit, one epoch on {described}; {os.cpu_count()} cores, load average "
        f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    print(
        f"network {SIZES} float32, cross-entropy, plain SGD; best of {args.repeats} epochs, "
        f"the contenders timed in turns by "
        + (
            "the training thread's CPU time with 1 thread, the wall clock with more"
            if args.clock == "auto"
            else f"the {args.clock} clock"
        )
        + (f"; PyTorch {torch.__version__}" if have_torch else "")
    )
    if not have_torch:
        print("PyTorch is not installed, so the PyTorch ratio is skipped: pip install '.[bench]'")
    clock = CLOCKS["wall" if args.clock == "wall" else "cpu"]  # the book's loop: 1 thread
    loop = book_loop_rate(X, y, args.repeats)
    print(f"book per-example loop (softmax, b=10, t=1): {loop:,.0f} samples/s")
    print()
    print(
        f"{'':22s}{'fit':>10s}{'bound':>10s}{'PyTorch':>10s}{'fit/bound':>11s}"
        f"{'fit/PyTorch':>13s}{'fit/loop':>10s}"
    )
    for network in args.networks.split(","):
        for batch in map(int, args.batches.split(",")):
            for threads in map(int, args.threads.split(",")):
                one = "cpu" if threads == 1 else "wall"
                clock = CLOCKS[one if args.clock == "auto" else args.clock]
                rate, ratio = measure(X, y, network, batch, threads, args.repeats, have_torch)
                row = (
                    f"{f'{network} b={batch} t={threads}':22s}{rate['fit']:10,.0f}"
                    f"{rate['bound']:10,.0f}"
                )
                row += f"{rate['torch']:10,.0f}" if have_torch else f"{'-':>10s}"
                row += f"{ratio['bound']:11.2f}"
                row += f"{ratio['torch']:12.2f}x" if have_torch else f"{'-':>13s}"
                row += f"{rate['fit'] / loop:9.1f}x"
                print(row, flush=True)
    print(f"\nload average afterwards {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
