// The bumps' maths in the page: a copy of src/nnwidgets/bumps.py (weighted_output, bins,
// deviation), so the output and the score follow a drag with no round trip to the kernel.
// maths.test.ts checks it against NumPy's numbers (tests/bumps_fixture/fixture.json).
//
// Pair k is two hidden neurons stepping up at s_k and s_{k+1} (weight w, bias -w s), with
// output weights +h_k and -h_k; the network's output is sigma(sum_j w_j a_j), output bias 0.

/** sigma(z) = 1 / (1 + e^-z); exp overflows to Infinity for z < -709, giving 0 as it should. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A goal of exactly 0 or 1 has no sigma^-1; Python clips to [GOAL_CLIP, 1 - GOAL_CLIP] too. */
export const GOAL_CLIP = 1e-3;

/** NNDL's challenge: "Success!" below 0.405 (0.40 as the page prints it). */
export const CHALLENGE = 0.405;

/** sigma^-1(y) = ln(y / (1 - y)), y clipped to [GOAL_CLIP, 1 - GOAL_CLIP]. */
export function logit(y: number): number {
  const c = Math.min(1 - GOAL_CLIP, Math.max(GOAL_CLIP, y));
  return Math.log(c / (1 - c));
}

/** The hidden layer's weighted output sum_j w_j a_j at x: the bumps in sigma^-1 space. */
export function weightedOutput(x: number, heights: ArrayLike<number>, steps: ArrayLike<number>, w: number): number {
  let sum = 0;
  for (let k = 0; k < heights.length; k++) {
    // b = -w s first, then w x + b: the same operations as the NumPy network's forward pass.
    const up = sigmoid(w * x + -w * steps[k]);
    const down = sigmoid(w * x + -w * steps[k + 1]);
    sum += heights[k] * up + -heights[k] * down;
  }
  return sum;
}

/** The network's output sigma(sum_j w_j a_j) at x. */
export function networkOutput(x: number, heights: ArrayLike<number>, steps: ArrayLike<number>, w: number): number {
  return sigmoid(weightedOutput(x, heights, steps, w));
}

/**
 * The bump each sample point x_k = k / samples falls in: bump i holds steps[i] <= x < steps[i+1].
 * (k / samples and i / N are correctly rounded quotients, so a point on a step goes above it.)
 */
export function bins(steps: ArrayLike<number>, samples: number): Int32Array {
  const out = new Int32Array(samples);
  const last = steps.length - 2;
  let i = 0;
  for (let k = 0; k < samples; k++) {
    const x = k / samples;
    while (i < last && x >= steps[i + 1]) i++;
    out[k] = i;
  }
  return out;
}

/** NNDL's "average deviation": mean over x_k of |sigma^-1 f(x_k) - h(x_k)|. */
export function deviation(goalLogit: ArrayLike<number>, heights: ArrayLike<number>, steps: ArrayLike<number>): number {
  const n = goalLogit.length;
  const bin = bins(steps, n);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.abs(goalLogit[k] - heights[bin[k]]);
  return sum / n;
}

/** The bump holding x in [0, 1] (the last for x = 1). */
export function bumpAt(x: number, steps: ArrayLike<number>): number {
  const last = steps.length - 2;
  let i = 0;
  while (i < last && x >= steps[i + 1]) i++;
  return i;
}

/**
 * Steps with step i (an inner one) moved to s, kept at least `gap` from its neighbours; a copy.
 * The first (0) and last (1) never move.
 */
export function moveStep(steps: readonly number[], i: number, s: number, gap: number): number[] {
  const out = steps.slice();
  if (i <= 0 || i >= steps.length - 1 || !Number.isFinite(s)) return out;
  out[i] = Math.min(steps[i + 1] - gap, Math.max(steps[i - 1] + gap, s));
  return out;
}

/** Whether `value` is a list of `n` finite numbers (what the page accepts from its model). */
export function isNumberList(value: unknown, n: number): value is number[] {
  return Array.isArray(value) && value.length === n && value.every((v) => typeof v === "number" && Number.isFinite(v));
}
