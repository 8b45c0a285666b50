"""A bounded record of a long series: what the dashboard keeps and sends instead of every point.

A run of a million mini-batches must not grow the kernel or the page without bound, yet the
curve should still span the whole run. :class:`DecimatingSeries` keeps at most ``capacity``
buckets. Each bucket holds the mean of ``stride`` consecutive points (and how many it holds);
when the buckets fill up, neighbours are merged pairwise and the stride doubles. So the first
``capacity`` points are kept exactly, and later the curve is a running average over ever wider
windows, which is also the honest way to draw many noisy mini-batch losses on a few hundred
pixels. Appending only queues the point (it runs on the training thread for every
mini-batch); the reader (the dashboard's writer thread) folds the queue into the buckets, in one
NumPy pass, when it takes a snapshot. Merging is one NumPy reshape every time the count doubles.
"""

from __future__ import annotations

import threading
from collections import deque

import numpy as np

__all__ = ["DecimatingSeries"]


class DecimatingSeries:
    """Up to ``capacity`` bucket means of a series of points ``(x, v0, v1, ...)``.

    Parameters
    ----------
    channels : sequence of str
        Names of the values recorded with each point, after ``x``.
    capacity : int
        The most buckets kept; an even number of at least 2.

    Thread safety: one thread appends, any other may call :meth:`snapshot` at any time.
    """

    #: Points queued before :meth:`append` folds them itself, so memory stays bounded unread.
    QUEUE_LIMIT = 4096

    def __init__(self, channels, capacity):
        if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)) or capacity < 2 \
                or capacity % 2:
            raise ValueError(f"capacity must be an even integer >= 2; got {capacity!r}")
        self.channels = tuple(channels)
        self.capacity = int(capacity)
        width = 1 + len(self.channels)
        self._sums = np.zeros((self.capacity, width))  # full buckets: means, row per bucket
        self._counts = np.zeros(self.capacity, dtype=np.int64)
        self._full = 0  # buckets in use
        self._stride = 1  # points per full bucket
        self._partial = [0.0] * width  # sums of the bucket being filled
        self._partial_n = 0
        self.total = 0  # points ever appended
        self._queue = deque()  # appended, not folded yet: deque append/popleft are thread-safe
        self._lock = threading.Lock()

    @property
    def stride(self):
        """Points averaged into each bucket now (1 until the first merge)."""
        with self._lock:
            self._fold_queue()
            return self._stride

    def append(self, x, *values):
        """Record one point. NaN values are kept as NaN (a missing validation score, say)."""
        if len(values) != len(self.channels):
            raise ValueError(f"expected {len(self.channels)} values ({', '.join(self.channels)}); "
                             f"got {len(values)}")
        self._queue.append((x, *values))
        self.total += 1  # only the appending thread writes it
        if len(self._queue) > self.QUEUE_LIMIT:
            with self._lock:
                self._fold_queue()

    def _fold_queue(self):
        """Add the queued points to the buckets (holding the lock).

        One NumPy pass over the whole queue, not a Python loop per point: the writer holds the
        GIL while it folds, and every microsecond it holds it is one the training thread waits.
        """
        queue = self._queue
        if not queue:
            return
        # popleft until empty (not list(queue); clear()): the training thread may append meanwhile.
        points = np.array([queue.popleft() for _ in range(len(queue))], dtype=np.float64)
        while len(points):
            need = self._stride - self._partial_n  # points that close the bucket being filled
            if len(points) < need:
                self._add_partial(points)
                return
            self._add_partial(points[:need])
            self._close_bucket()
            points = points[need:]
            # Whole buckets straight from the block, up to the next merge.
            k = min(len(points) // self._stride, self.capacity - self._full)
            if k:
                block = points[:k * self._stride].reshape(k, self._stride, -1)
                self._sums[self._full:self._full + k] = block.mean(axis=1)
                self._counts[self._full:self._full + k] = self._stride
                self._full += k
                points = points[k * self._stride:]
                self._merge_if_full()

    def _add_partial(self, points):
        if len(points):
            self._partial = [s + v for s, v in zip(self._partial, points.sum(axis=0))]
            self._partial_n += len(points)

    def _close_bucket(self):
        n = self._partial_n
        self._sums[self._full] = [s / n for s in self._partial]
        self._counts[self._full] = n
        self._full += 1
        self._partial = [0.0] * len(self._partial)
        self._partial_n = 0
        self._merge_if_full()

    def _merge_if_full(self):
        if self._full == self.capacity:
            # Merge neighbours: each pair of equal-sized buckets becomes one of twice the size.
            half = self.capacity // 2
            self._sums[:half] = self._sums.reshape(half, 2, -1).mean(axis=1)
            self._counts[:half] = self._counts.reshape(half, 2).sum(axis=1)
            self._full = half
            self._stride *= 2

    def snapshot(self):
        """``(columns, counts)``: a float64 array (1 + channels, k) of bucket means and the number
        of points in each bucket, the partly filled last bucket included; k <= capacity + 1."""
        with self._lock:
            self._fold_queue()
            k = self._full
            rows = self._sums[:k]
            counts = self._counts[:k]
            if self._partial_n:
                n = self._partial_n
                rows = np.vstack([rows, np.array(self._partial) / n])
                counts = np.append(counts, n)
            return rows.T.copy(), counts.copy()

    def __len__(self):
        with self._lock:
            self._fold_queue()
            return self._full + (1 if self._partial_n else 0)
