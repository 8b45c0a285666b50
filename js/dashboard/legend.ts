// The pure parts of the dashboard's one legend and its charts' labels: the four line styles a
// run's curves are drawn in, the latest values shown beside each run, the rounding of
// accuracies, the accuracy axis's range, and where the labels of live changes go.

/** What a run's four curves show, in the order chartSeries adds them. */
export type Style = "batch" | "smoothed" | "epoch" | "validation";

export interface LineStyle {
  key: Style;
  label: string;
  /** What the line is, for a tooltip. */
  title: string;
  width: number;
  /** Canvas dash pattern in CSS pixels ([] = solid). */
  dash: number[];
  /** Opacity of the run's colour. */
  alpha: number;
  /** Marker at each point: none, filled or hollow. */
  marker: "none" | "filled" | "hollow";
}

/**
 * One style per kind of curve, told apart by dash and marker as well as weight, so they read
 * the same in every run's colour (and in grey in the legend's key).
 */
export const LINE_STYLES: readonly LineStyle[] = [
  { key: "batch", label: "mini-batch", title: "each mini-batch (noisy)", width: 1, dash: [],
    alpha: 0.22, marker: "none" },
  { key: "smoothed", label: "smoothed", title: "mini-batches, smoothed (exponential moving average)",
    width: 2, dash: [], alpha: 1, marker: "none" },
  { key: "epoch", label: "end of epoch", title: "mean over each epoch's training examples",
    width: 1.5, dash: [6, 4], alpha: 0.9, marker: "filled" },
  { key: "validation", label: "validation", title: "on the validation set, after each epoch",
    width: 2, dash: [2, 3], alpha: 0.9, marker: "hollow" },
];

/**
 * `a` (a fraction) as a percentage with `digits` decimals, rounded exactly as Python's
 * `format(a, ".1%")` does, so the dashboard and a notebook's printed figure agree to the last
 * digit: `a * 100` in floating point, then the nearest decimal, a tie to the even digit
 * (`toFixed` alone rounds ties up: 81.25 gives "81.3" where Python prints 81.2%).
 */
export function formatPercent(a: number | null | undefined, digits = 1): string {
  if (a == null || !Number.isFinite(a)) return "–";
  const x = a * 100;
  // The exact decimal value of the double x: toFixed is exact up to 100 places, enough for
  // every double above 2^-47; smaller ones round to 0 at any `digits` shown here.
  const exact = Math.abs(x).toFixed(100);
  const [whole, frac] = exact.split(".");
  const scaled = BigInt(whole + frac.slice(0, digits)); // |x| * 10^digits, truncated
  const rest = frac.slice(digits);
  const first = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  const up = first > 5 || (first === 5 && (beyond || scaled % 2n === 1n));
  const q = (scaled + (up ? 1n : 0n)).toString().padStart(digits + 1, "0");
  const text = digits > 0 ? `${q.slice(0, -digits)}.${q.slice(-digits)}` : q;
  return `${x < 0 && /[1-9]/.test(q) ? "-" : ""}${text}%`;
}

/** A loss for the legend: three significant digits, "–" when there is none. */
export function formatLoss(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "–";
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toPrecision(3);
}

/** The last finite value of `ys`, or null. */
export function lastFinite(ys: ArrayLike<number>): number | null {
  for (let i = ys.length - 1; i >= 0; i--) if (Number.isFinite(ys[i])) return ys[i];
  return null;
}

export interface Latest {
  loss: number | null;
  accuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** What the legend shows beside a run: its latest smoothed loss and accuracy and its latest
 * validation figures (smoothed, not the last mini-batch's, which jumps from batch to batch). */
export function latestValues(c: {
  smoothLoss: ArrayLike<number>; smoothAcc: ArrayLike<number>;
  vloss: ArrayLike<number>; vacc: ArrayLike<number>;
}): Latest {
  return {
    loss: lastFinite(c.smoothLoss), accuracy: lastFinite(c.smoothAcc),
    valLoss: lastFinite(c.vloss), valAccuracy: lastFinite(c.vacc),
  };
}

/** The legend's text for `v`, with or without validation figures. */
export function describeLatest(v: Latest): string {
  const parts = [`loss ${formatLoss(v.loss)}`, `accuracy ${formatPercent(v.accuracy)}`];
  if (v.valAccuracy !== null || v.valLoss !== null) {
    parts.push(`validation ${formatLoss(v.valLoss)} · ${formatPercent(v.valAccuracy)}`);
  }
  return parts.join(" · ");
}

/**
 * The accuracy axis's range for data spanning [min, max]: from the data, padded a little and
 * snapped to steps of 0.05, within [0, 1]; [0, 1] without data. A run at 97-99% is then
 * drawn over most of the chart's height instead of a sliver at its top.
 */
export function accuracyRange(min: number | null, max: number | null): [number, number] {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max(0.01, (max - min) * 0.05);
  let lo = Math.max(0, Math.floor((min - pad) * 20) / 20);
  let hi = Math.min(1, Math.ceil((max + pad) * 20) / 20);
  if (hi - lo < 0.1) { // at least ten points of accuracy, so noise does not look like a cliff
    hi = Math.min(1, lo + 0.1);
    lo = Math.max(0, hi - 0.1);
  }
  return [lo, hi];
}

/**
 * Left edges for labels that belong at `xs` (each label starts just right of its x), moved
 * right where they would overlap the previous label and kept within [0, right - width].
 * Labels are in x order; returns one left edge per label, in CSS pixels.
 */
export function placeLabels(items: { x: number; width: number }[], right: number, gap = 6): number[] {
  const lefts: number[] = [];
  let end = -Infinity;
  for (const { x, width } of items) {
    let left = Math.max(x + 3, end + gap);
    left = Math.max(0, Math.min(left, right - width));
    lefts.push(left);
    end = left + width;
  }
  return lefts;
}

/** The last non-null entry of `column` at or before `idx` (uPlot's aligned data has nulls where
 * a series has no point), or null. */
export function lastAtOrBefore(column: ArrayLike<number | null | undefined> | undefined, idx: number): number | null {
  if (!column) return null;
  for (let j = Math.min(idx, column.length - 1); j >= 0; j--) {
    const v = column[j];
    if (v != null && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * Run `run`'s values at the cursor's column `idx` of the two charts' aligned data (both share
 * their x column): its smoothed loss and accuracy there, and the validation figures of the
 * last epoch ended by then. Series are [x, then per run: mini-batch, smoothed, epoch,
 * validation], as chartSeries adds them.
 */
export function valuesAt(loss: ArrayLike<ArrayLike<number | null | undefined>>,
  accuracy: ArrayLike<ArrayLike<number | null | undefined>>, run: number, idx: number): Latest {
  const base = 1 + LINE_STYLES.length * run;
  const smoothed = base + 1, validation = base + 3;
  return {
    loss: lastAtOrBefore(loss[smoothed], idx), accuracy: lastAtOrBefore(accuracy[smoothed], idx),
    valLoss: lastAtOrBefore(loss[validation], idx), valAccuracy: lastAtOrBefore(accuracy[validation], idx),
  };
}
