"""DecimatingSeries: a bounded record of a long curve, averaged into ever wider buckets."""

import numpy as np
import pytest

from nnwidgets.widgets.dashboard.series import DecimatingSeries


def test_decimating_series_keeps_the_first_points_exactly_then_averages():
    s = DecimatingSeries(("v",), capacity=4)
    for i in range(4):
        s.append(i, 10 * i)
    cols, counts = s.snapshot()
    # 4 buckets fill the capacity: merged pairwise into 2 of stride 2.
    np.testing.assert_array_equal(cols[1], [5, 25])  # (0 + 10) / 2, (20 + 30) / 2
    np.testing.assert_array_equal(counts, [2, 2])
    s.append(4, 40)  # half a bucket: shown as its own point
    cols, counts = s.snapshot()
    np.testing.assert_array_equal(cols[1], [5, 25, 40])
    np.testing.assert_array_equal(counts, [2, 2, 1])
    for i in range(5, 1000):
        s.append(i, 10 * i)
    cols, counts = s.snapshot()
    assert len(s) <= 5 and counts.sum() == 1000
    np.testing.assert_allclose((cols[1] * counts).sum() / 1000, 10 * 999 / 2)


def _reference_buckets(values, capacity):
    """The decimation rule one point at a time: bucket means and counts."""
    sums, counts, stride, partial = [], [], 1, []
    for v in values:
        partial.append(v)
        if len(partial) == stride:
            sums.append(np.mean(partial))
            counts.append(stride)
            partial = []
            if len(sums) == capacity:
                sums = [(a + b) / 2 for a, b in zip(sums[::2], sums[1::2])]
                counts = [a + b for a, b in zip(counts[::2], counts[1::2])]
                stride *= 2
    if partial:
        sums.append(np.mean(partial))
        counts.append(len(partial))
    return np.array(sums), np.array(counts)


@pytest.mark.parametrize("seed", range(6))
def test_decimating_series_folds_any_queue_as_point_by_point(seed):
    # The writer folds whatever queued since its last read in one block: blocks of any size,
    # across bucket ends and merges, must give the buckets of the one-point-at-a-time rule.
    rng = np.random.default_rng(seed)
    capacity = int(rng.choice([2, 4, 8, 16]))
    values = rng.normal(size=int(rng.integers(1, 3000)))
    s = DecimatingSeries(("v",), capacity=capacity)
    reads = set(rng.integers(0, len(values), size=int(rng.integers(0, 40))).tolist())
    i = 0
    while i < len(values):  # one by one (append), or a block at a time (extend), at random
        if rng.random() < 0.5:
            s.append(float(i), values[i])
            i += 1
        else:
            k = int(rng.integers(1, 300))
            s.extend(np.arange(i, min(i + k, len(values)), dtype=float), values[i : i + k])
            i += k
        if i in reads:
            s.snapshot()
    cols, counts = s.snapshot()
    want_v, want_counts = _reference_buckets(values, capacity)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_allclose(cols[1], want_v, rtol=1e-12, atol=1e-12)
    want_x, _ = _reference_buckets(np.arange(len(values), dtype=float), capacity)
    np.testing.assert_allclose(cols[0], want_x, rtol=1e-12)


@pytest.mark.parametrize("capacity", [0, 3, 2.0, True])
def test_decimating_series_rejects_bad_capacity(capacity):
    with pytest.raises(ValueError, match="capacity must be an even integer"):
        DecimatingSeries(("v",), capacity)


def test_unread_points_stay_bounded_and_are_not_lost():
    """Appending only queues a point; with nobody reading, the queue still stays bounded."""
    series = DecimatingSeries(["loss"], capacity=8)
    n = 3 * DecimatingSeries.QUEUE_LIMIT + 5
    for i in range(n):
        series.append(float(i), 1.0)
        assert len(series._queue) <= DecimatingSeries.QUEUE_LIMIT
    assert series.total == n
    columns, counts = series.snapshot()
    assert counts.sum() == n and len(counts) <= 8 + 1
    np.testing.assert_allclose(np.sum(columns[0] * counts), n * (n - 1) / 2)  # every x counted once
