// The calibration panel's pure parts: the reliability diagram's bars and the ECE-per-epoch
// line as geometry in a width x height box (y down), and the ECE as the page writes it. No DOM
// here (tested under node); panelview.ts draws them. Python computes the numbers
// (src/nnwidgets/widgets/dashboard/calibration.py, nnwidgets.metrics.reliability).

export interface ReliabilityBar {
  /** The bin, 0 = lowest confidence. */
  bin: number;
  /** Left edge and width of the bin, in pixels. */
  x: number;
  width: number;
  /** Top of the accuracy bar (its bottom is `height`). */
  y: number;
  /** Where the bin's mean confidence is on the y axis: the gap is drawn from `y` to here. */
  confY: number;
  count: number;
  accuracy: number;
  confidence: number;
}

/**
 * The bars of a reliability diagram: per bin that holds examples, a bar as high as the bin's
 * accuracy, at the bin's place on the confidence axis (bin m covers (m/M, (m+1)/M]); empty
 * bins (NaN accuracy, count 0) get no bar. Both axes run from 0 to 1, y up.
 */
export function reliabilityBars(counts: ArrayLike<number>, accuracy: ArrayLike<number>,
  confidence: ArrayLike<number>, width: number, height: number): ReliabilityBar[] {
  const m = counts.length;
  if (accuracy.length !== m || confidence.length !== m) {
    throw new Error(`a reliability diagram needs as many accuracies and confidences as bins `
      + `(${m}); got ${accuracy.length} and ${confidence.length}`);
  }
  const bars: ReliabilityBar[] = [];
  for (let i = 0; i < m; i++) {
    const a = accuracy[i], c = confidence[i];
    if (!(counts[i] > 0) || !Number.isFinite(a) || !Number.isFinite(c)) continue;
    bars.push({
      bin: i, x: (i / m) * width, width: width / m,
      y: height - a * height, confY: height - c * height,
      count: counts[i], accuracy: a, confidence: c,
    });
  }
  return bars;
}

/**
 * The ECE-per-epoch line: points (epoch, ECE) with x from 0 to the last epoch (at least 1) and
 * y from 0 up to `top` (the largest ECE rounded up to a step of 5%, at least 5%). Points with
 * a NaN ECE (a copy whose outputs were not finite) break the line: a list of segments.
 */
export function eceLine(epochs: ArrayLike<number>, eces: ArrayLike<number>, width: number,
  height: number): { segments: [number, number][][]; top: number; xMax: number } {
  if (epochs.length !== eces.length) {
    throw new Error(`${epochs.length} epochs need as many ECEs; got ${eces.length}`);
  }
  let largest = 0, xMax = 1;
  for (let i = 0; i < eces.length; i++) {
    if (Number.isFinite(eces[i])) largest = Math.max(largest, eces[i]);
    if (Number.isFinite(epochs[i])) xMax = Math.max(xMax, epochs[i]);
  }
  const top = Math.max(0.05, Math.ceil(largest / 0.05 - 1e-9) * 0.05);
  const segments: [number, number][][] = [];
  let current: [number, number][] = [];
  for (let i = 0; i < eces.length; i++) {
    if (!Number.isFinite(eces[i])) {
      if (current.length) segments.push(current);
      current = [];
      continue;
    }
    current.push([(epochs[i] / xMax) * width, height - (eces[i] / top) * height]);
  }
  if (current.length) segments.push(current);
  return { segments, top, xMax };
}

/** An ECE as the page writes it, one decimal of a percent as Python's "{:.1%}": 0.0312 -> "3.1%". */
export function formatEce(ece: number | null | undefined): string {
  return ece == null || !Number.isFinite(ece) ? "–" : `${(ece * 100).toFixed(1)}%`;
}
