// Chart data assembly: uPlot wants one shared x array and one y array per series, with null
// where a series has no point. Runs are sampled at different x (each run's buckets have their
// own width; epochs and mini-batches differ), so their columns are merged on the union of x.

export type Column = ArrayLike<number>;

/** One series' points: x and y of equal length. */
export interface Points {
  x: Column;
  y: Column;
}

/**
 * `[xs, ys0, ys1, ...]` on the sorted union of every series' x: ys_i[j] is series i's value at
 * xs[j], or null where it has none. Non-finite x are dropped; non-finite y become null (a gap),
 * and so do values <= 0 when `positiveOnly` (a log axis cannot show them).
 */
export function align(series: Points[], positiveOnly = false): (number | null)[][] {
  const xs: number[] = [];
  for (const s of series) {
    if (s.x.length !== s.y.length) {
      throw new Error(`a series needs as many x as y, got ${s.x.length} and ${s.y.length}`);
    }
    for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.x[i])) xs.push(s.x[i]);
  }
  xs.sort((a, b) => a - b);
  const union: number[] = [];
  for (const x of xs) if (union.length === 0 || union[union.length - 1] !== x) union.push(x);
  const index = new Map(union.map((x, i) => [x, i] as const));
  const out: (number | null)[][] = [union];
  for (const s of series) {
    const ys: (number | null)[] = new Array(union.length).fill(null);
    for (let i = 0; i < s.x.length; i++) {
      const j = index.get(s.x[i]);
      const y = s.y[i];
      if (j === undefined || !Number.isFinite(y) || (positiveOnly && y <= 0)) continue;
      ys[j] = y;
    }
    out.push(ys);
  }
  return out;
}
