import { describe, expect, it } from "vitest";
import { smooth } from "./smoothing";

describe("smooth", () => {
  it("starts at the first value (bias-corrected) and follows a constant exactly", () => {
    expect(Array.from(smooth([2, 2, 2], null, 10))).toEqual([2, 2, 2]);
  });

  it("with a half-life of one point, weighs the newest point as much as all before", () => {
    // keep = 0.5: s1 = 0, s2 = (0.5*0.5*0 + 0.5*4) / (0.5*0.5 + 0.5) = 2 / 0.75
    const out = smooth([0, 4], null, 1);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(2 / 0.75, 12);
  });

  it("treats a bucket of n mini-batches like n equal mini-batches", () => {
    const bucketed = smooth([1, 5], [4, 4], 3);
    const single = smooth([1, 1, 1, 1, 5, 5, 5, 5], null, 3);
    expect(bucketed[1]).toBeCloseTo(single[7], 12);
  });

  it("carries over NaN points instead of spreading them", () => {
    const out = smooth([1, NaN, 1], null, 2);
    expect(Array.from(out)).toEqual([1, 1, 1]);
    expect(Number.isNaN(smooth([NaN], null, 2)[0])).toBe(true);
  });

  it("rejects a bad half-life or mismatched counts", () => {
    expect(() => smooth([1], null, 0)).toThrow(/halfLife must be a positive/);
    expect(() => smooth([1, 2], [1], 5)).toThrow(/one entry per value \(2\), got 1/);
  });
});
