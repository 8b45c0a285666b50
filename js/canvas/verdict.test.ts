import { describe, expect, it } from "vitest";
import { CLOSE_WITHIN, UNSURE_BELOW, verdict, withArticle } from "./verdict";

/** Ten probabilities, all zero except the ones given: {digit: p}. */
function probs(given: Record<number, number>): number[] {
  const p = new Array(10).fill(0);
  for (const [d, v] of Object.entries(given)) p[Number(d)] = v;
  return p;
}

describe("verdict", () => {
  it("is sure, with a percentage, when one digit clearly wins", () => {
    // top 0.92, runner-up 0.05: above UNSURE_BELOW and 0.87 ahead
    expect(verdict(probs({ 7: 0.92, 1: 0.05, 2: 0.03 }))).toEqual({
      kind: "sure", best: 7, second: 1, confidence: 0.92, words: "92% sure",
    });
  });

  it("says 'looks like a 7, or maybe a 1' when the top two are close", () => {
    // 0.7 is above UNSURE_BELOW (0.6), but only 0.42 < CLOSE_WITHIN (0.5) ahead of the 1
    const v = verdict(probs({ 7: 0.7, 1: 0.28, 2: 0.02 }));
    expect(v.kind).toBe("unsure");
    expect(v.words).toBe("looks like a 7, or maybe a 1");
    expect([v.best, v.second]).toEqual([7, 1]);
  });

  it("is unsure when the top probability is low, even far ahead of the rest", () => {
    // 0.55 top, the remaining 0.45 spread thin: the gap 0.4 would be close too, so compare
    // with unsureBelow switched off to see the top probability decide alone
    const p = probs({ 4: 0.55, 9: 0.15, 1: 0.1, 7: 0.1, 5: 0.1 });
    expect(verdict(p, { closeWithin: 0 }).kind).toBe("unsure");
    expect(verdict(p, { closeWithin: 0, unsureBelow: 0.5 }).kind).toBe("sure");
    const v = verdict(p);
    expect(v.kind).toBe("unsure");
    expect(v.words).toBe("looks like a 4, or maybe a 9");
  });

  it("is sure at exactly UNSURE_BELOW, unsure just below it", () => {
    const top = UNSURE_BELOW;
    const rest = (1 - top) / 9; // far behind, so only the top decides
    const p = new Array(10).fill(rest);
    p[3] = top;
    expect(top - rest).toBeGreaterThanOrEqual(CLOSE_WITHIN);
    expect(verdict(p).kind).toBe("sure");
    p[3] = top - 1e-9;
    expect(verdict(p).kind).toBe("unsure");
  });

  it("takes 'an' before 8", () => {
    expect(verdict(probs({ 8: 0.5, 3: 0.45 })).words).toBe("looks like an 8, or maybe a 3");
    expect(verdict(probs({ 0: 0.5, 8: 0.45 })).words).toBe("looks like a 0, or maybe an 8");
    expect([0, 1, 8, 11, 18, 80].map(withArticle)).toEqual(["a 0", "a 1", "an 8", "an 11", "an 18", "an 80"]);
  });

  it("finds the runner-up wherever it is, ahead of or behind the winner", () => {
    expect(verdict(probs({ 0: 0.3, 9: 0.7 })).second).toBe(0);
    expect(verdict(probs({ 0: 0.7, 9: 0.3 })).second).toBe(9);
    expect(verdict(probs({ 2: 0.1, 5: 0.2, 9: 0.7 })).second).toBe(5);
    // a tie keeps the lower digit first
    const tie = verdict(probs({ 2: 0.5, 5: 0.5 }));
    expect([tie.best, tie.second, tie.kind]).toEqual([2, 5, "unsure"]);
  });

  it("reads a Float32Array, as the forward pass returns", () => {
    const v = verdict(Float32Array.from(probs({ 6: 0.97, 0: 0.03 })));
    expect([v.kind, v.best, v.words]).toEqual(["sure", 6, "97% sure"]);
  });

  it("takes other thresholds", () => {
    const p = probs({ 7: 0.8, 1: 0.2 }); // gap 0.6
    expect(verdict(p, { closeWithin: 0.7 }).kind).toBe("unsure");
    expect(verdict(p, { closeWithin: 0.1 }).kind).toBe("sure");
    expect(verdict(p, { unsureBelow: 0.9, closeWithin: 0.1 }).kind).toBe("unsure");
  });

  it("says nothing for no drawing", () => {
    for (const p of [null, []]) {
      expect(verdict(p)).toEqual({ kind: "none", best: -1, second: -1, confidence: 0, words: "" });
    }
  });

  it("refuses one class or non-finite probabilities, naming what arrived", () => {
    expect(() => verdict([1])).toThrow(/at least 2 class probabilities, got 1/);
    expect(() => verdict(probs({ 3: NaN }))).toThrow(/finite probabilities, got NaN for class 3/);
  });
});
