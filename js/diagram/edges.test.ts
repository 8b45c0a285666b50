import { describe, expect, it } from "vitest";
import { allEdges, errorEdges, topContributors, topKEdges } from "./edges";

// 2 sources -> 3 targets, W (3x2) row-major: W[j, i] at j*2 + i.
//   a = [2, 1]; contributions c[j][i] = a_i * W[j, i]:
//   j=0: [2*0.5, 1*-3]  = [ 1,  -3]
//   j=1: [2*-1,  1*0.5] = [-2, 0.5]
//   j=2: [2*0,   1*4]   = [ 0,   4]
const W = Float32Array.from([0.5, -3, -1, 0.5, 0, 4]);
const a = [2, 1];

function asList(e: ReturnType<typeof topKEdges>) {
  return Array.from({ length: e.count }, (_, k) => [e.source[k], e.target[k], e.contribution[k]]);
}

describe("topKEdges", () => {
  it("keeps the strongest |activation x weight| into each target, strongest first", () => {
    const e = topKEdges(W, a, 2, 3, 1);
    expect(asList(e)).toEqual([[1, 0, -3], [0, 1, -2], [1, 2, 4]]);
    expect(e.max).toBe(4);
    expect(Array.from(e.weight.subarray(0, e.count))).toEqual([-3, -1, 4]);
  });

  it("never draws a zero contribution (an inactive source explains nothing)", () => {
    const e = topKEdges(W, a, 2, 3, 2);
    expect(asList(e)).toEqual([[1, 0, -3], [0, 0, 1], [0, 1, -2], [1, 1, 0.5], [1, 2, 4]]);
    expect(asList(topKEdges(W, [0, 0], 2, 3, 2))).toEqual([]);
  });

  it("skips targets that are off when their activations are given", () => {
    const e = topKEdges(W, a, 2, 3, 1, [0.3, 0, 1]);
    expect(asList(e).map(([, j]) => j)).toEqual([0, 2]);
  });

  it("picks the true top k among many sources", () => {
    const n = 50;
    const w = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 50) - 25);
    const ones = new Array(n).fill(1);
    const e = topKEdges(w, ones, n, 1, 5);
    const want = Array.from(w).map((v, i) => [i, v] as const).sort((p, q) => Math.abs(q[1]) - Math.abs(p[1])).slice(0, 5);
    expect(Array.from(e.contribution.subarray(0, e.count)).map(Math.abs)).toEqual(want.map(([, v]) => Math.abs(v)));
  });

  it("allEdges draws every non-zero contribution", () => {
    expect(allEdges(W, a, 2, 3).count).toBe(5);
  });

  it("rejects arrays of the wrong size", () => {
    expect(() => topKEdges(W, [1], 2, 3, 1)).toThrow("a must hold 2 values, got 1");
    expect(() => topKEdges(W, a, 3, 3, 1)).toThrow("W must hold 3x3 values, got 6");
  });
});

describe("topContributors", () => {
  it("lists the sources pushing a target most, with their contributions", () => {
    expect(topContributors(W, a, 2, 0, 5)).toEqual([[1, -3], [0, 1]]);
    expect(topContributors(W, a, 2, 2, 5)).toEqual([[1, 4]]);
  });
});

describe("errorEdges", () => {
  // The same W (3x2), errors of the 3 targets delta = [1, -2, 0.5]; terms W[j, i] * delta[j]:
  //   into source i=0: [0.5*1, -1*-2, 0*0.5] = [0.5, 2, 0]
  //   into source i=1: [-3*1, 0.5*-2, 4*0.5] = [-3, -1, 2]
  it("keeps the largest |weight x error| flowing back into each source, edges still source -> target", () => {
    const e = errorEdges(W, [1, -2, 0.5], 2, 3, 2);
    expect(asList(e)).toEqual([[0, 1, 2], [0, 0, 0.5], [1, 0, -3], [1, 2, 2]]);
    expect(Array.from(e.weight.subarray(0, e.count))).toEqual([-1, 0.5, -3, 4]);
    expect(e.max).toBe(3);
  });

  it("rejects errors of the wrong length", () => {
    expect(() => errorEdges(W, [1, 2], 2, 3, 1)).toThrow(/delta must hold 3 values, got 2/);
  });
});
