// Exponential smoothing of mini-batch curves that arrive already averaged into buckets.
//
// Python keeps at most a fixed number of points per run (widgets/dashboard/series.py): early
// on one point per mini-batch, later each point the mean of `count` mini-batches. Smoothing
// must mean the same thing in both regimes, so the decay is per mini-batch: a point standing
// for `count` mini-batches decays the past by 0.5^(count / halfLife). The average is
// bias-corrected (divided by the weight so far, as Adam does), so the curve starts at the
// first value instead of rising from zero.

/**
 * Smoothed values, one per input point. `counts` (mini-batches per point) defaults to 1 each;
 * `halfLife` is in mini-batches. NaN inputs are skipped: the smoothed value carries over.
 */
export function smooth(
  values: ArrayLike<number>, counts: ArrayLike<number> | null, halfLife: number,
): Float64Array {
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
    throw new Error(`halfLife must be a positive number of mini-batches, got ${halfLife}`);
  }
  if (counts && counts.length !== values.length) {
    throw new Error(`counts must have one entry per value (${values.length}), got ${counts.length}`);
  }
  const out = new Float64Array(values.length);
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = counts ? counts[i] : 1;
    if (Number.isFinite(v) && n > 0) {
      const keep = Math.pow(0.5, n / halfLife); // share of the past that survives this point
      sum = keep * sum + (1 - keep) * v;
      weight = keep * weight + (1 - keep);
    }
    out[i] = weight > 0 ? sum / weight : NaN;
  }
  return out;
}
