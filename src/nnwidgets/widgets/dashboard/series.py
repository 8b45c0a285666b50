"""A bounded record of a long series: what the dashboard keeps and sends instead of every point.

A run of a million mini-batches must not grow the kernel or the page without bound, yet the
curve should still span the whole run. :class:`DecimatingSeries` keeps at most ``capacity``
buckets. Each bucket holds the mean of ``stride`` consecutive points (and how many it holds);
when the buckets fill up, neighbours are merged pairwise and the stride doubles. So the first
``capacity`` points are kept exactly, and later the curve is a running average over ever wider
windows, which is also the honest way to draw many noisy mini-batch losses on a few hundred
pixels. Points come one at a time (:meth:`~DecimatingSeries.append` only queues them, for a
caller on the training thread) or in blocks (:meth:`~DecimatingSeries.extend`, the dashboard's
writer reading what the Trainer recorded since its last look); either way they are summed into
the buckets a bucket at a time, in plain Python: the dashboard's writer does this while the
training thread waits for the GIL, and large NumPy calls would hand the GIL back and forth.
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
        if (
            isinstance(capacity, bool)
            or not isinstance(capacity, (int, np.integer))
            or capacity < 2
            or capacity % 2
        ):
            raise ValueError(f"capacity must be an even integer >= 2; got {capacity!r}")
        self.channels = tuple(channels)
        self.capacity = int(capacity)
        width = 1 + len(self.channels)
        # Full buckets as plain Python rows (tuples or lists), a row each: x and the values'
        # means, then how many points it holds. Not an array, for the GIL (see _fold_columns).
        self._rows = []
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
            raise ValueError(
                f"expected {len(self.channels)} values ({', '.join(self.channels)}); "
                f"got {len(values)}"
            )
        self._queue.append((x, *values))
        self.total += 1  # only the appending thread writes it
        if len(self._queue) > self.QUEUE_LIMIT:
            with self._lock:
                self._fold_queue()

    def extend(self, x, *values):
        """Record many points at once: ``x`` and each of ``values`` are equal-length sequences
        (lists are cheapest: see :meth:`_fold_columns`)."""
        if len(values) != len(self.channels):
            raise ValueError(
                f"expected {len(self.channels)} value columns ({', '.join(self.channels)}); "
                f"got {len(values)}"
            )
        if any(len(v) != len(x) for v in values):
            raise ValueError(
                f"x and every value column must have the same length; got "
                f"{[len(x), *(len(v) for v in values)]}"
            )
        with self._lock:
            self._fold_queue()  # points appended one by one before these come first
            self._fold_columns((x, *values))
        self.total += len(x)

    def _fold_queue(self):
        """Add the queued points to the buckets (holding the lock)."""
        queue = self._queue
        if queue:
            # popleft until empty (not list(); clear()): the training thread may append meanwhile.
            points = [queue.popleft() for _ in range(len(queue))]
            self._fold_columns(list(zip(*points)))

    def _fold_columns(self, columns):
        """Add points given as columns (x, v0, v1, ...) to the buckets, holding the lock.

        With the builtin ``sum`` over slices, whole buckets a column at a time (a list
        comprehension each: per bucket, a generator and a list cost the writer 340 ns a point
        of a 40,000-point run, and the training thread waits for the GIL meanwhile; now 100),
        and it never lets go of the GIL. NumPy calls on large arrays do, and while the training
        thread holds the GIL each one costs the writer a whole switch interval (5 ms) to get it
        back and the training thread a wake-up: a NumPy fold and merge of a busy run's points
        took 250 ms.
        """
        n, i = len(columns[0]), 0
        while i < n:
            stride = self._stride
            if self._partial_n:  # the bucket being filled first, from its partial sums
                take = min(stride - self._partial_n, n - i)
                self._partial = [p + sum(c[i : i + take]) for p, c in zip(self._partial, columns)]
                self._partial_n += take
                i += take
                if self._partial_n == stride:
                    self._close_bucket()
                continue
            # Then whole buckets, as many as fit before the next merge, a column at a time.
            k = min((n - i) // stride, self.capacity - len(self._rows))
            if k == 0:  # the rest starts a bucket
                self._partial = [0.0 + sum(c[i:n]) for c in columns]
                self._partial_n = n - i
                break
            end = i + k * stride
            means = [
                [sum(c[j : j + stride]) / stride for j in range(i, end, stride)] for c in columns
            ]
            self._rows.extend(zip(*means, [stride] * k))
            i = end
            self._merge_if_full()

    def _close_bucket(self):
        n = self._partial_n
        self._rows.append([*(s / n for s in self._partial), n])
        self._partial = [0.0] * len(self._partial)
        self._partial_n = 0
        self._merge_if_full()

    def _merge_if_full(self):
        if len(self._rows) == self.capacity:
            # Merge neighbours: each pair of equal-sized buckets becomes one of twice the size
            # (column by column: a list comprehension each, not a generator per bucket).
            *means, counts = zip(*self._rows)
            merged = [[(a + b) / 2 for a, b in zip(c[0::2], c[1::2])] for c in means]
            merged.append([a + b for a, b in zip(counts[0::2], counts[1::2])])
            self._rows = list(zip(*merged))
            self._stride *= 2

    def snapshot(self, dtype=np.float64):
        """``(columns, counts)``: an array (1 + channels, k) of bucket means and the number of
        points in each bucket, the partly filled last bucket included; k <= capacity + 1.

        Both are rows of one new C-ordered array of ``dtype``, converted from the lists in one
        call that keeps the GIL (see :meth:`_fold_columns`).
        """
        with self._lock:
            self._fold_queue()
            rows, n = self._rows, self._partial_n
            if n:
                rows = [*rows, [*(s / n for s in self._partial), n]]
            out = np.array(list(zip(*rows)) or [[]] * (len(self._partial) + 1), dtype)
        return out[:-1], out[-1]

    def __len__(self):
        with self._lock:
            self._fold_queue()
            return len(self._rows) + (1 if self._partial_n else 0)
