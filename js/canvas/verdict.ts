// What the canvas says about a drawing, in words. A network always puts its probabilities
// somewhere, so a confident "7, 52% sure" for a scribble that is half 7 and half 1 reads as a
// confident wrong answer; when the top probability is low, or the runner-up close behind it,
// the canvas says so instead: "looks like a 7, or maybe a 1". Pure, so it is tested under
// node; the canvas only puts the words on the page. With the shipped model these thresholds
// call 31 of its 56 mistakes on the MNIST test set unsure, and 0.57% of its right answers; on
// real pen digits of writers it never saw, 52.6% of its mistakes and 1.4% of its right answers
// (cross-validated by writer: scripts/train_default.py cv, bench/handwriting_accuracy.py).

/** Below this top probability the reading is unsure. */
export const UNSURE_BELOW = 0.6;
/**
 * When the runner-up is within this much of the top probability, the reading is unsure. Above
 * 2 * UNSURE_BELOW - 1 on purpose: a smaller margin could only trip when the top probability
 * is already below UNSURE_BELOW (top + runner-up <= 1), and would never decide anything.
 */
export const CLOSE_WITHIN = 0.5;

export interface Verdict {
  /** "none" for no drawing (no probabilities), else whether one digit clearly wins. */
  kind: "none" | "sure" | "unsure";
  /** The most probable digit (-1 when kind is "none"). */
  best: number;
  /** The runner-up (-1 when kind is "none"). */
  second: number;
  /** The top probability, 0..1 (0 when kind is "none"). */
  confidence: number;
  /** The words to show: "92% sure", "looks like a 7, or maybe a 1", or "" for no drawing. */
  words: string;
}

/** "a 7", "an 8": digits read aloud in English take "an" only for 8 (and 11, 18, 80...). */
export function withArticle(digit: number): string {
  return `${/^8|^1[18]$/.test(String(digit)) ? "an" : "a"} ${digit}`;
}

/** The verdict for one set of class probabilities (null or empty: nothing drawn yet). */
export function verdict(
  probabilities: ArrayLike<number> | null,
  { unsureBelow = UNSURE_BELOW, closeWithin = CLOSE_WITHIN } = {},
): Verdict {
  if (probabilities == null || probabilities.length === 0) {
    return { kind: "none", best: -1, second: -1, confidence: 0, words: "" };
  }
  if (probabilities.length < 2) {
    throw new RangeError(`verdict needs at least 2 class probabilities, got ${probabilities.length}`);
  }
  let best = -1, second = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (!Number.isFinite(p)) {
      throw new RangeError(`verdict needs finite probabilities, got ${p} for class ${i}`);
    }
    if (best < 0 || p > probabilities[best]) {
      second = best;
      best = i;
    } else if (second < 0 || p > probabilities[second]) {
      second = i;
    }
  }
  const top = probabilities[best];
  const unsure = top < unsureBelow || top - probabilities[second] < closeWithin;
  const words = unsure
    ? `looks like ${withArticle(best)}, or maybe ${withArticle(second)}`
    : `${Math.round(top * 100)}% sure`;
  return { kind: unsure ? "unsure" : "sure", best, second, confidence: top, words };
}
