// Colour scales for drawing a network: a sequential scale for values in 0..1 (sigmoid and
// clipped ReLU activations, probabilities) and a diverging scale for signed values (weights,
// biases, tanh and leaky-ReLU activations), whose middle is zero so the sign reads at a glance.
// Both are piecewise linear through a few anchors in sRGB; lightness changes monotonically on
// each side, so the order of values survives a grayscale print.

export type RGB = [number, number, number];

/** Light paper -> the widgets' accent blue -> their ink colour. */
export const SEQUENTIAL: readonly RGB[] = [
  [247, 248, 252],
  [166, 192, 236],
  [47, 111, 223],
  [24, 28, 56],
];

/** Deep blue (negative) -> near white (zero) -> deep red (positive). */
export const DIVERGING: readonly RGB[] = [
  [28, 66, 150],
  [120, 162, 222],
  [246, 246, 246],
  [236, 150, 118],
  [170, 36, 30],
];

/** The colour at t in [0, 1] along anchors spaced evenly. */
function along(anchors: readonly RGB[], t: number): RGB {
  const x = t * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  const a = anchors[i], b = anchors[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as RGB;
}

function clamp01(t: number): number {
  return t > 1 ? 1 : t > 0 ? t : 0; // NaN -> 0
}

/** A value in 0..1 (clamped; NaN counts as 0) on the sequential scale. */
export function sequential(t: number): RGB {
  return along(SEQUENTIAL, clamp01(t));
}

/**
 * A signed value on the diverging scale: 0 is the neutral middle, +-limit and beyond the ends
 * (NaN counts as 0). Use one limit for every value that is compared, e.g. symmetricLimit(all).
 */
export function diverging(v: number, limit = 1): RGB {
  if (!(limit > 0) || !Number.isFinite(limit)) {
    throw new Error(`limit must be a positive finite number, got ${limit}`);
  }
  return along(DIVERGING, clamp01(0.5 + v / (2 * limit)));
}

/** The largest magnitude among finite values: a diverging limit that shows every value. 1 when there is none. */
export function symmetricLimit(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m > 0 ? m : 1;
}

/** "rgb(r, g, b)" for CSS, SVG and canvas fillStyle. */
export function css([r, g, b]: RGB): string {
  return `rgb(${r}, ${g}, ${b})`;
}
