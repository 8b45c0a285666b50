// The page's maths against NumPy: fixture.json holds, for four networks (sigmoid, softmax over
// 3 and 2 classes, linear; features beyond x1, x2), the grid, the features, every layer over
// the grid and the accuracy on a few points, as src/nnwidgets computes them (written by
// tests/test_decision_map.py, which also checks the file is up to date).
// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../lib/forward";
import { forward } from "../lib/forward";
import {
  accuracy, affordableResolution, checkExtent, checkFeatures, featurize, forwardBatch, gridPoints,
  meanSquaredError, type Extent, type Task,
} from "./grid";

const fixture = JSON.parse(readFileSync(new URL("./fixture.json", import.meta.url), "utf8"));
const extent = fixture.extent as Extent;
const res: number = fixture.resolution;
const n = res * res;

function spec(c: any): NetworkSpec {
  return {
    sizes: c.sizes, activation: c.activation, output: c.output,
    weights: c.weights.map((w: number[]) => Float32Array.from(w)),
    biases: c.biases.map((b: number[]) => Float32Array.from(b)),
  };
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  expect(worst).toBeLessThan(tol);
}

const taskOf = (c: any): Task =>
  c.sizes[c.sizes.length - 1] >= 2 ? "classes" : c.output === "sigmoid" ? "binary" : "regression";

describe("the grid", () => {
  it("puts pixel row * res + col at the cell centres, top row first", () => {
    close(gridPoints(extent, res), fixture.grid, 1e-12);
  });
});

describe("the forward pass over the grid", () => {
  for (const c of fixture.cases) {
    const name = `[${c.sizes}] ${c.activation}/${c.output}, features ${c.features.join(" ")}`;
    it(`features match NumPy: ${name}`, () => {
      close(featurize(gridPoints(extent, res), n, c.features), c.inputs, 1e-12);
    });
    it(`every layer matches NumPy: ${name}`, () => {
      const acts = forwardBatch(spec(c), featurize(gridPoints(extent, res), n, c.features), n);
      expect(acts.length).toBe(c.sizes.length);
      c.layers.forEach((layer: number[], l: number) => close(acts[l + 1], layer));
    });
    it(`agrees with lib/forward.ts point by point and reuses its buffers: ${name}`, () => {
      const net = spec(c);
      const input = featurize(gridPoints(extent, res), n, c.features);
      const buffers: Float64Array[] = [];
      const first = forwardBatch(net, input, n, buffers);
      const again = forwardBatch(net, input, n, buffers);
      expect(again[1]).toBe(first[1]); // the same arrays: a redraw allocates nothing
      const out = again[again.length - 1], k = c.sizes[c.sizes.length - 1];
      for (const p of [0, 7, n - 1]) {
        const x = Array.from({ length: c.features.length }, (_, f) => input[f * n + p]);
        const one = forward(net, x);
        for (let j = 0; j < k; j++) expect(Math.abs(out[j * n + p] - one[j])).toBeLessThan(1e-12);
      }
    });
    it(`scores the points as NumPy does: ${name}`, () => {
      const m = c.targets.length;
      const acts = forwardBatch(spec(c), featurize(c.points, m, c.features), m);
      const out = acts[acts.length - 1], k = c.sizes[c.sizes.length - 1];
      const all = () => true;
      if (c.accuracy === null) {
        expect(accuracy(out, k, m, c.targets, taskOf(c), all)).toBeNull();
        expect(Math.abs(meanSquaredError(out, m, c.targets, all)! - c.mse)).toBeLessThan(1e-9);
      } else {
        expect(accuracy(out, k, m, c.targets, taskOf(c), all)).toBeCloseTo(c.accuracy, 12);
      }
    });
  }
});

describe("accuracy", () => {
  it("thresholds one output at 0.5, takes the argmax of several, over the chosen points", () => {
    // one output: 0.5 counts as class 1 (Network.classes), 0.49 as class 0
    const one = Float64Array.from([0.5, 0.49, 0.9, 0.1]);
    expect(accuracy(one, 1, 4, [1, 0, 0, 0], "binary", () => true)).toBe(0.75);
    expect(accuracy(one, 1, 4, [1, 0, 0, 0], "binary", (p) => p !== 2)).toBe(1);
    // two outputs, neuron-major: output 0 for points 0..2, then output 1
    const two = Float64Array.from([0.9, 0.2, 0.6, 0.1, 0.8, 0.4]);
    expect(accuracy(two, 2, 3, [0, 1, 1], "classes", () => true)).toBeCloseTo(2 / 3, 12);
    expect(accuracy(two, 2, 3, [0, 1, 1], "regression", () => true)).toBeNull();
    expect(accuracy(two, 2, 3, [0, 1, 1], "classes", () => false)).toBeNull();
  });
});

describe("checks", () => {
  it("refuses unknown features and bad extents", () => {
    expect(() => checkFeatures(["x1", "cos(x1)"])).toThrow(/unknown feature "cos\(x1\)"/);
    expect(() => checkFeatures([])).toThrow(/non-empty/);
    expect(() => checkExtent([0, 1, 2])).toThrow(/extent must be/);
    expect(() => checkExtent([1, 0, 0, 1])).toThrow(/extent must be/);
    expect(checkExtent([0, 1, 0, 1])).toEqual([0, 1, 0, 1]);
  });
  it("refuses an input of the wrong size", () => {
    const c = fixture.cases[0];
    expect(() => forwardBatch(spec(c), new Float64Array(3), 2)).toThrow(/input must hold 2 x 2/);
  });
});

describe("the grid's resolution", () => {
  it("keeps what was asked for small networks and lowers it for big ones", () => {
    expect(affordableResolution([2, 8, 8, 1], 100)).toBe(100); // 88 multiply-adds a point
    expect(affordableResolution([2, 8, 8, 1], 400)).toBe(213); // sqrt(4e6 / 88)
    expect(affordableResolution([2, 100, 100, 1], 100)).toBe(19); // 10,300 a point
    expect(affordableResolution([2, 1000, 1000, 1], 100)).toBe(10); // never below 10
    expect(affordableResolution([2, 1000, 1], 8)).toBe(8); // nor above what was asked
  });
});
