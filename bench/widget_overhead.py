"""How much watching widgets slows training: ``fit`` alone vs ``fit`` with widgets subscribed.

A DigitCanvas (which re-sends the weights and re-predicts), a ModelInfo and a NetworkDiagram
showing a digit (which re-sends the weights and recomputes every layer) watch the network while
it trains in a background thread, as in a notebook with a dashboard. Their notifications
are throttled to ten sends a second per widget by one writer thread (``widgets/_sync.py``), so
the cost should be a few percent at most. Runs alternate (alone, watched, alone, ...) so a
noisy neighbour on the machine hits both; the ratio uses each side's median.

    python bench/widget_overhead.py
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import DigitCanvas, ModelInfo, Network, NetworkDiagram, load_bundled  # noqa: E402
from nnwidgets.widgets import _sync  # noqa: E402

REPEATS = int(os.environ.get("REPEATS", "5"))
# (sizes, batch size, epochs): a few seconds of training each
CASES = [([784, 100, 10], 10, 10), ([784, 800, 800, 10], 64, 3)]


def train_once(sizes, batch_size, epochs, data, watched):
    net = Network(sizes, seed=0)
    widgets = [DigitCanvas(net), ModelInfo(net), NetworkDiagram(net)] if watched else []
    if widgets:
        widgets[0].show(data.X_test[0].reshape(28, 28))
        widgets[2].show(data.X_test[1])
    sends = []
    for w in widgets:
        w.observe(lambda c: sends.append(1), names=["_network", "weight_rms"])
    elapsed = []

    def train():
        started = time.perf_counter()
        net.fit(
            data.X_train, data.y_train, epochs=epochs, batch_size=batch_size, learning_rate=0.05
        )
        elapsed.append(time.perf_counter() - started)

    t = threading.Thread(target=train)  # training off the main thread, as the dashboard does
    t.start()
    t.join()
    _sync.flush()
    for w in widgets:
        w.close()
    return elapsed[0], len(sends)


def main():
    data = load_bundled()
    print(f"training on the bundled {len(data.X_train):,} digits, {REPEATS} alternating runs each")
    for sizes, batch_size, epochs in CASES:
        alone, watched, sends = [], [], []
        for _ in range(REPEATS):
            alone.append(train_once(sizes, batch_size, epochs, data, watched=False)[0])
            t, n = train_once(sizes, batch_size, epochs, data, watched=True)
            watched.append(t)
            sends.append(n / t)
        a, w = statistics.median(alone), statistics.median(watched)
        print(
            f"{sizes} batch {batch_size}, {epochs} epochs: alone {a:.3f} s, "
            "watched by a canvas, a card and a diagram "
            f"{w:.3f} s -> watched/alone {w / a:.3f}; "
            f"widget updates {statistics.median(sends):.1f}/s"
        )


if __name__ == "__main__":
    main()
