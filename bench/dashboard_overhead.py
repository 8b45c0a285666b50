"""What watching costs: training throughput with a TrainingDashboard attached, as a ratio to
``net.fit`` on the same data, measured alternately in this one run; and what the page is sent.

The dashboard trains in its background thread (``start`` + ``wait``) while its writer thread
serialises the curves and progress exactly as in a notebook; the comm underneath is replaced
by one that counts messages and bytes instead of sending them (there is no kernel here). So
this measures the kernel-side cost; a connected browser (JupyterLab in Chromium) is not part of
it. Also reported: messages per second, the largest message, and the points kept after a long
run of tiny mini-batches (the decimation bound).

    python bench/dashboard_overhead.py                  # bundled digits, [784, 100, 10]
    python bench/dashboard_overhead.py --batch-size 1 --epochs 1 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import comm
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import Network, TrainingDashboard  # noqa: E402
from nnwidgets.datasets import load_bundled  # noqa: E402


class CountingComm(comm.DummyComm):
    """The widget's comm, counting what would go to the page."""

    messages = []  # (monotonic time, bytes of binary buffers)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        if msg_type == "comm_msg":
            CountingComm.messages.append((time.monotonic(), sum(memoryview(b).nbytes for b in buffers or [])))


comm.create_comm = CountingComm


def timed_fit(X, y, args):
    net = Network([784, 100, 10], seed=0)
    began = time.perf_counter()
    net.fit(X, y, epochs=args.epochs, batch_size=args.batch_size, learning_rate=0.05)
    return len(X) * args.epochs / (time.perf_counter() - began)


def timed_dashboard(X, y, args):
    net = Network([784, 100, 10], seed=0)
    dash = TrainingDashboard(net, train=(X, y), epochs=args.epochs, batch_size=args.batch_size,
                             learning_rate=0.05)
    CountingComm.messages.clear()
    began = time.perf_counter()
    dash.start()
    dash.wait()
    seconds = time.perf_counter() - began
    sent = list(CountingComm.messages)
    dash.close()
    return len(X) * args.epochs / seconds, sent, seconds


def decimation_bound(batches=200_000):
    """Points kept and bytes sent per curve after ``batches`` mini-batches of one example."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    dash = TrainingDashboard(Network([4, 3, 2], seed=0), train=(X, y), epochs=batches // 1000,
                             batch_size=1)
    dash.run()
    run = dash.runs[0]
    biggest = max(b for _, b in CountingComm.messages)
    dash.close()
    return run.batch.total, len(run.batch), run.batch.stride, biggest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=None, help="training digits (default all 10,000)")
    args = parser.parse_args()

    data = load_bundled()
    X, y = data.X_train[: args.samples], data.y_train[: args.samples]
    timed_fit(X[:2000], y[:2000], argparse.Namespace(epochs=1, batch_size=args.batch_size))  # warm up
    fits, dashes, rates, biggest = [], [], [], 0
    for _ in range(args.repeats):  # alternate, so drift on a shared machine hits both alike
        fits.append(timed_fit(X, y, args))
        speed, sent, seconds = timed_dashboard(X, y, args)
        dashes.append(speed)
        rates.append(len(sent) / seconds)
        biggest = max([biggest] + [b for _, b in sent])
    fit, dash = max(fits), max(dashes)
    print(f"data: {len(X):,} bundled digits, [784, 100, 10], batch_size {args.batch_size}, "
          f"{args.epochs} epoch(s), best of {args.repeats}")
    print(f"net.fit                : {fit:10,.0f} samples/s")
    print(f"dashboard start + wait : {dash:10,.0f} samples/s")
    print(f"ratio dashboard / fit  : {dash / fit:.3f}")
    print(f"messages to the page   : {max(rates):.1f} per second at most (largest {biggest:,} bytes of buffers)")
    total, kept, stride, size = decimation_bound()
    print(f"after {total:,} mini-batches: {kept} points kept per curve (each the mean of {stride}), "
          f"largest message {size:,} bytes of buffers")


if __name__ == "__main__":
    main()
