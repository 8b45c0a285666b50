// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bins, bumpAt, deviation, isNumberList, logit, moveStep, networkOutput, weightedOutput } from "./maths";

// Written by tests/bumps_fixture/make_fixture.py: NumPy's numbers (nnwidgets.bumps) for three
// cases: NNDL's goal at the best 5 heights, 7 free steps off the k/N grid, np.sin on 3 pairs.
const fixture = JSON.parse(readFileSync(new URL("../../tests/bumps_fixture/fixture.json", import.meta.url), "utf8"));

interface Case {
  goal: number[];
  goal_logit: number[];
  heights: number[];
  steps: number[];
  steepness: number;
  bins: number[];
  deviation: number;
  x: number[];
  weighted_output: number[];
  output: number[];
}

describe.each(Object.entries(fixture as Record<string, Case>))("the page's maths equal NumPy's: %s", (_, c) => {
  it("sigma^-1 of the goal (clipped at 0 and 1)", () => {
    c.goal.forEach((y, k) => expect(logit(y)).toBeCloseTo(c.goal_logit[k], 12));
  });

  it("puts each sample point in NumPy's bump", () => {
    expect(Array.from(bins(c.steps, c.goal.length))).toEqual(c.bins);
  });

  it("scores NNDL's average deviation", () => {
    expect(deviation(c.goal_logit, c.heights, c.steps)).toBeCloseTo(c.deviation, 12);
  });

  it("draws the weighted output and the output the [1, 2N, 1] Network computes, on 1,000 points", () => {
    let worstZ = 0, worstA = 0;
    c.x.forEach((x, i) => {
      worstZ = Math.max(worstZ, Math.abs(weightedOutput(x, c.heights, c.steps, c.steepness) - c.weighted_output[i]));
      worstA = Math.max(worstA, Math.abs(networkOutput(x, c.heights, c.steps, c.steepness) - c.output[i]));
    });
    expect(worstZ).toBeLessThan(1e-9);
    expect(worstA).toBeLessThan(1e-6);
  });
});

describe("NNDL's own numbers", () => {
  it("the best 5 heights meet the challenge: 0.372, under 0.40", () => {
    const c = fixture.nndl5 as Case;
    expect(deviation(c.goal_logit, c.heights, c.steps)).toBeCloseTo(0.3717, 4);
  });

  it("bins 100 points into 5 bumps of 20, as NNDL's floor(j / 20)", () => {
    const b = bins([0, 0.2, 0.4, 0.6, 0.8, 1], 100);
    for (let j = 0; j < 100; j++) expect(b[j]).toBe(Math.floor(j / 20));
  });
});

describe("steps and handles", () => {
  it("bumpAt gives the bump under a point, the last one at x = 1", () => {
    const s = [0, 0.25, 0.5, 1];
    expect([0, 0.249, 0.25, 0.7, 1].map((x) => bumpAt(x, s))).toEqual([0, 0, 1, 2, 2]);
  });

  it("moveStep keeps a step between its neighbours and never moves the ends", () => {
    const s = [0, 0.2, 0.4, 1];
    expect(moveStep(s, 1, 0.3, 0.01)).toEqual([0, 0.3, 0.4, 1]);
    expect(moveStep(s, 1, 0.9, 0.01)[1]).toBeCloseTo(0.39, 12);
    expect(moveStep(s, 2, -1, 0.01)[2]).toBeCloseTo(0.21, 12);
    expect(moveStep(s, 0, 0.5, 0.01)).toEqual(s);
    expect(moveStep(s, 3, 0.5, 0.01)).toEqual(s);
    expect(moveStep(s, 1, NaN, 0.01)).toEqual(s);
  });

  it("isNumberList refuses what a model should never hold", () => {
    expect(isNumberList([1, 2], 2)).toBe(true);
    expect(isNumberList([1, NaN], 2)).toBe(false);
    expect(isNumberList([1, "2"], 2)).toBe(false);
    expect(isNumberList([1], 2)).toBe(false);
    expect(isNumberList(null, 0)).toBe(false);
  });
});
