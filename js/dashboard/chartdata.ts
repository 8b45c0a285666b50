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

/**
 * The monitored training curve (`monitor_train`): the network's own loss and accuracy on a
 * fixed sample of training examples at each epoch's end, dropout off; the fair counterpart of
 * the validation curve. Dash-dot with filled markers, unlike the four styles of legend.ts
 * (dashed "end of epoch", dotted hollow "validation").
 */
export const TRAIN_STYLE = {
  key: "training" as const, label: "training set",
  title: "on a fixed sample of training examples after each epoch, dropout off (monitor_train)",
  width: 2, dash: [8, 3, 2, 3], alpha: 0.9, marker: "filled" as const,
};

/** Whether any run monitors its training set (`monitor_train` in its settings, not null): the
 * legend's key then shows TRAIN_STYLE. */
export function anyMonitored(runs: { settings: Record<string, unknown> }[]): boolean {
  return runs.some((r) => r.settings != null && r.settings.monitor_train != null);
}
