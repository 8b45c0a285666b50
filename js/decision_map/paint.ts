// Colours for the decision map: values -> RGBA pixels through a 256-entry lookup table built
// once from lib/colors.ts's diverging scale (a function call and an array per pixel would cost
// more than the forward pass), and what each task and each hidden function maps to it.
import { diverging, type RGB } from "../lib/colors";
import type { Task } from "./grid";

/** The diverging scale at 256 steps, t = 0 (blue, class 0) .. 1 (red, class 1). */
export const DIVERGING_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = diverging((i / 255) * 2 - 1, 1);
    lut.set([r, g, b], 3 * i);
  }
  return lut;
})();

/** Class colours for three or more classes (two use the diverging ends). */
export const CLASS_COLOURS: readonly RGB[] = [
  [28, 66, 150], [170, 36, 30], [46, 125, 50], [230, 140, 20], [120, 60, 160],
  [0, 140, 150], [190, 70, 140], [110, 110, 110], [140, 100, 40], [60, 60, 200],
];

/** The diverging colour of a value already mapped to t in [0, 1] (clamped; NaN -> middle). */
export function lutIndex(t: number): number {
  if (!(t >= 0)) return t < 0 ? 0 : 128; // NaN -> neutral
  return t >= 1 ? 255 : Math.round(t * 255);
}

/** t = offset + scale * v: where a layer's values sit on the diverging scale. */
export interface Mapping {
  offset: number;
  scale: number;
}

/**
 * How a hidden neuron's values are coloured: sigmoid's 0..1 as they are (0.5 neutral), tanh's
 * -1..1 around 0, unbounded functions (ReLU, linear) by their largest magnitude on the grid.
 */
export function hiddenMapping(
  fn: string, values: Float64Array, start = 0, end = values.length,
): Mapping {
  if (fn === "sigmoid") return { offset: 0, scale: 1 };
  if (fn === "tanh") return { offset: 0.5, scale: 0.5 };
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(values[i]);
    if (a > m && a < Infinity) m = a;
  }
  return { offset: 0.5, scale: 0.5 / (m > 0 ? m : 1) };
}

/** The output's mapping: probability of class 1 as it is; regression around 0 by `limit`. */
export function outputMapping(task: Task, limit: number): Mapping {
  if (task === "regression") return { offset: 0.5, scale: 0.5 / (limit > 0 ? limit : 1) };
  return { offset: 0, scale: 1 };
}

/** Paint n values (values[start + p]) into RGBA pixels on the diverging scale. */
export function paintDiverging(values: Float64Array, start: number, n: number, m: Mapping,
  out: Uint8ClampedArray): void {
  const lut = DIVERGING_LUT;
  for (let p = 0; p < n; p++) {
    const t = m.offset + m.scale * values[start + p];
    const i = 3 * lutIndex(t);
    const q = 4 * p;
    out[q] = lut[i];
    out[q + 1] = lut[i + 1];
    out[q + 2] = lut[i + 2];
    out[q + 3] = 255;
  }
}

/**
 * Paint k >= 3 class outputs (neuron-major): the most active output's class colour, mixed with
 * white by how unsure the network is there (confidence 1/k -> white, 1 -> the full colour).
 */
export function paintClasses(
  out: Float64Array, k: number, n: number, pixels: Uint8ClampedArray,
): void {
  for (let p = 0; p < n; p++) {
    let best = 0, sum = 0;
    for (let j = 0; j < k; j++) {
      const v = out[j * n + p];
      sum += v > 0 ? v : 0;
      if (v > out[best * n + p]) best = j;
    }
    const conf = sum > 0 ? Math.max(0, out[best * n + p]) / sum : 0;
    const s = Math.max(0, Math.min(1, (conf - 1 / k) / (1 - 1 / k))) * 0.85; // never full ink
    const c = CLASS_COLOURS[best % CLASS_COLOURS.length];
    const q = 4 * p;
    for (let ch = 0; ch < 3; ch++) pixels[q + ch] = Math.round(250 + (c[ch] - 250) * s);
    pixels[q + 3] = 255;
  }
}

/** The colour a point of target y is filled with: its class colour, or its value for regression. */
export function pointColour(task: Task, k: number, y: number, limit: number): RGB {
  if (task === "regression") {
    const i = 3 * lutIndex(0.5 + (0.5 * y) / (limit > 0 ? limit : 1));
    return [DIVERGING_LUT[i], DIVERGING_LUT[i + 1], DIVERGING_LUT[i + 2]];
  }
  if (k <= 2) return y >= 1 ? [170, 36, 30] : [28, 66, 150];
  return CLASS_COLOURS[y % CLASS_COLOURS.length] as RGB;
}

/**
 * The values at a mapping's blue end, white middle and red end, in words for the caption
 * ("blue -1 · white 0 · red 1"), so a hovered neuron's colours can be read as numbers.
 */
export function scaleWords(m: Mapping): string {
  const at = (t: number) => {
    const v = (t - m.offset) / m.scale;
    const s = Number(v.toPrecision(2));
    return String(Object.is(s, -0) ? 0 : s).replace("-", "\u2212");
  };
  return `blue ${at(0)} \u00b7 white ${at(0.5)} \u00b7 red ${at(1)}`;
}
