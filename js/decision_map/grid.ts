// The decision map's mathematics: the input features of a point in the plane, the grid of
// points the map samples, and the network's forward pass over many points at once, keeping
// every layer (the thumbnails show the hidden ones). The page's half of
// src/nnwidgets/datasets/toy.py (featurize) and of Network.forward; grid.test.ts checks both
// against NumPy (fixture.json, written by tests/test_decision_map.py).
//
// Layers are stored neuron-major: layer l's values for neuron j at point p sit at
// [j * n + p], so a thumbnail is one contiguous run and the inner loop runs over points.
import { ELEMENTWISE, type NetworkSpec } from "../lib/forward";

/** The Playground's input features by the names Python uses (toy.FEATURES), in its order. */
export const FEATURES: Record<string, (x1: number, x2: number) => number> = {
  "x1": (x1) => x1,
  "x2": (_, x2) => x2,
  "x1^2": (x1) => x1 * x1,
  "x2^2": (_, x2) => x2 * x2,
  "x1*x2": (x1, x2) => x1 * x2,
  "sin(x1)": (x1) => Math.sin(x1),
  "sin(x2)": (_, x2) => Math.sin(x2),
};

/** The feature names, checked; throws naming the unknown one. */
export function checkFeatures(names: unknown): string[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new Error(`features must be a non-empty list of names, got ${JSON.stringify(names)}`);
  }
  for (const f of names) {
    if (typeof f !== "string" || !(f in FEATURES)) {
      const known = Object.keys(FEATURES).join(", ");
      throw new Error(`unknown feature ${JSON.stringify(f)}; known: ${known}`);
    }
  }
  return names as string[];
}

/** [x1_min, x1_max, x2_min, x2_max]. */
export type Extent = [number, number, number, number];

export function checkExtent(e: unknown): Extent {
  const ok = Array.isArray(e) && e.length === 4 && e.every(Number.isFinite)
    && e[0] < e[1] && e[2] < e[3];
  if (!ok) {
    throw new Error("extent must be 4 finite numbers [x1min, x1max, x2min, x2max], got "
      + JSON.stringify(e));
  }
  return e as Extent;
}

/**
 * The centres of a res x res grid over the extent, as (x1, x2) pairs, row by row from the top
 * (largest x2) so that point p is pixel p of an image: x1 = min + (col + 1/2) * width / res.
 */
export function gridPoints(extent: Extent, res: number): Float64Array {
  const [a, b, c, d] = extent;
  const xy = new Float64Array(2 * res * res);
  for (let row = 0; row < res; row++) {
    const x2 = d - ((row + 0.5) * (d - c)) / res;
    for (let col = 0; col < res; col++) {
      const p = row * res + col;
      xy[2 * p] = a + ((col + 0.5) * (b - a)) / res;
      xy[2 * p + 1] = x2;
    }
  }
  return xy;
}

/** The network's inputs for n points given as (x1, x2) pairs: neuron-major, (k features, n). */
export function featurize(
  xy: ArrayLike<number>, n: number, names: string[], out?: Float64Array,
): Float64Array {
  const k = names.length;
  const a = out && out.length === k * n ? out : new Float64Array(k * n);
  for (let f = 0; f < k; f++) {
    const fn = FEATURES[names[f]];
    if (!fn) throw new Error(`unknown feature ${JSON.stringify(names[f])}`);
    const base = f * n;
    for (let p = 0; p < n; p++) a[base + p] = fn(xy[2 * p], xy[2 * p + 1]);
  }
  return a;
}

/**
 * The forward pass for n points at once: activations[0] is the input (as given), activations[l]
 * is a^l = f(W^l a^{l-1} + b^l), each neuron-major (sizes[l], n). Sums in float64, as forward.ts.
 * `buffers` (optional) are reused between calls of the same shape, so a redraw allocates nothing.
 */
export function forwardBatch(
  net: NetworkSpec, input: Float64Array, n: number, buffers?: Float64Array[],
): Float64Array[] {
  const L = net.sizes.length - 1;
  if (input.length !== net.sizes[0] * n) {
    throw new Error(`input must hold ${net.sizes[0]} x ${n} values, got ${input.length}`);
  }
  const activations = [input];
  for (let l = 0; l < L; l++) {
    const nIn = net.sizes[l], nOut = net.sizes[l + 1];
    const W = net.weights[l], b = net.biases[l], prev = activations[l];
    const old = buffers?.[l];
    const z = old && old.length === nOut * n ? old : new Float64Array(nOut * n);
    if (buffers) buffers[l] = z;
    for (let j = 0; j < nOut; j++) {
      const zb = j * n;
      const bj = b[j];
      for (let p = 0; p < n; p++) z[zb + p] = bj;
      for (let i = 0; i < nIn; i++) {
        const w = W[j * nIn + i];
        if (w === 0) continue;
        const base = i * n;
        for (let p = 0; p < n; p++) z[zb + p] += w * prev[base + p];
      }
    }
    applyFunction(z, l === L - 1 ? net.output : net.activation, nOut, n);
    activations.push(z);
  }
  return activations;
}

/** a = f(z) in place; the common functions as loops of their own (a call per value through
 * a table of functions is several times slower than the whole matrix product). */
function applyFunction(z: Float64Array, name: string, k: number, n: number): void {
  const len = z.length;
  switch (name) {
    case "softmax":
      softmaxColumns(z, k, n);
      return;
    case "tanh":
      // (e^{2z} - 1) / (e^{2z} + 1): a quarter faster than Math.tanh here, within 1e-15 of it
      for (let q = 0; q < len; q++) {
        const x = z[q];
        if (x > 20) z[q] = 1;
        else if (x < -20) z[q] = -1;
        else {
          const e = Math.exp(2 * x);
          z[q] = (e - 1) / (e + 1);
        }
      }
      return;
    case "sigmoid":
      for (let q = 0; q < len; q++) z[q] = 1 / (1 + Math.exp(-z[q]));
      return;
    case "relu":
      for (let q = 0; q < len; q++) if (!(z[q] > 0)) z[q] = 0;
      return;
    case "linear":
      return;
  }
  const f = ELEMENTWISE[name];
  if (!f) throw new Error(`unknown function ${JSON.stringify(name)}`);
  for (let q = 0; q < len; q++) z[q] = f(z[q]);
}

/** Softmax over the neurons of each point (neuron-major storage: a column per point). */
function softmaxColumns(z: Float64Array, k: number, n: number): void {
  for (let p = 0; p < n; p++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[j * n + p] > max) max = z[j * n + p];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += (z[j * n + p] = Math.exp(z[j * n + p] - max));
    for (let j = 0; j < k; j++) z[j * n + p] /= sum;
  }
}

export type Task = "binary" | "classes" | "regression";

/** The class each point's output stands for (Network.classes): output >= 0.5 for one output,
 * else the most active output. */
export function classOf(out: Float64Array, k: number, n: number, p: number): number {
  if (k === 1) return out[p] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < k; j++) if (out[j * n + p] > out[best * n + p]) best = j;
  return best;
}

/**
 * The fraction of the points selected by `use` (use[p] true) classified as their target says,
 * or null for regression or when none is selected.
 */
export function accuracy(out: Float64Array, k: number, n: number, targets: ArrayLike<number>,
  task: Task, use: (p: number) => boolean): number | null {
  if (task === "regression") return null;
  let right = 0, count = 0;
  for (let p = 0; p < n; p++) {
    if (!use(p)) continue;
    count++;
    if (classOf(out, k, n, p) === targets[p]) right++;
  }
  return count ? right / count : null;
}

/** The mean squared error (1/m) sum (a - y)^2 over the selected points of a one-output network. */
export function meanSquaredError(out: Float64Array, n: number, targets: ArrayLike<number>,
  use: (p: number) => boolean): number | null {
  let sum = 0, count = 0;
  for (let p = 0; p < n; p++) {
    if (!use(p)) continue;
    count++;
    sum += (out[p] - targets[p]) ** 2;
  }
  return count ? sum / count : null;
}

/** Multiply-adds one redraw may spend on the grid: about 3 ms in Chromium on a slow machine. */
export const GRID_BUDGET = 4e6;

/**
 * The grid's cells per side for this network: the resolution asked for, or fewer where a big
 * network would make each redraw slow (sum of n_in * n_out over the layers, per grid point).
 * A [2, 8, 8, 1] network keeps 100 (and up to 213); [2, 100, 100, 1] gets 19. At least 10.
 */
export function affordableResolution(sizes: number[], res: number, budget = GRID_BUDGET): number {
  let macs = 0;
  for (let l = 0; l + 1 < sizes.length; l++) macs += sizes[l] * sizes[l + 1];
  const most = Math.floor(Math.sqrt(budget / Math.max(1, macs)));
  return Math.max(Math.min(10, res), Math.min(res, most));
}
