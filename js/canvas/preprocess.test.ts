// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boxWeights, targetShape, toMnist, toMnistSteps } from "./preprocess";
import { rasterizeStrokes, type Stroke } from "./strokes";

// Written by tests/strokes/make_parity.py from the Python implementation.
const fixture = JSON.parse(readFileSync(new URL("../../tests/strokes/parity.json", import.meta.url), "utf8"));

function centreOfMass(img: Float32Array): [number, number] {
  let m = 0, y = 0, x = 0;
  for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
    const v = img[r * 28 + c];
    m += v; y += r * v; x += c * v;
  }
  return [y / m, x / m];
}

describe("toMnist", () => {
  it("matches Python's to_mnist on the same strokes", () => {
    for (const { strokes, pixels } of fixture.preprocess as { strokes: Stroke[]; pixels: number[] }[]) {
      const out = toMnist(rasterizeStrokes(strokes), 280, 280);
      let worst = 0;
      for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(out[i] - pixels[i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it("centres the mass within half a pixel of (14, 14), as MNIST does", () => {
    const out = toMnist(rasterizeStrokes(fixture.preprocess[0].strokes), 280, 280);
    const [cy, cx] = centreOfMass(out);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
  });

  it("gives a blank digit for a blank image", () => {
    const steps = toMnistSteps(new Float64Array(100), 10, 10);
    expect(steps.result.every((v) => v === 0)).toBe(true);
    expect(steps.boxHeight).toBe(0);
  });

  it("keeps the aspect ratio: 30x21 -> 20x14, 10x80 -> 3x20", () => {
    expect(targetShape(30, 21)).toEqual([20, 14]);
    expect(targetShape(10, 80)).toEqual([3, 20]);
    expect(targetShape(1, 500)).toEqual([1, 20]);
  });

  it("box weights of a row sum to one and tile the input", () => {
    for (const [nIn, nOut] of [[30, 20], [7, 20], [281, 20], [20, 20]]) {
      const w = boxWeights(nIn, nOut);
      const cover = new Float64Array(nIn);
      for (const { start, weights } of w) {
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        weights.forEach((v, k) => (cover[start + k] += (v * nIn) / nOut));
      }
      cover.forEach((v) => expect(v).toBeCloseTo(1, 12));
    }
  });

  it("is invariant to upscaling by whole pixels", () => {
    const small = new Float64Array(12 * 9);
    for (let r = 2; r < 10; r++) small[r * 9 + 4] = 1;
    for (let c = 1; c < 8; c++) small[2 * 9 + c] = 0.5;
    const big = new Float64Array(36 * 27);
    for (let r = 0; r < 36; r++) for (let c = 0; c < 27; c++) big[r * 27 + c] = small[Math.floor(r / 3) * 9 + Math.floor(c / 3)];
    const a = toMnist(small, 12, 9), b = toMnist(big, 36, 27);
    for (let i = 0; i < 784; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
  });

  it("rejects an image whose length does not match its shape", () => {
    expect(() => toMnist(new Float64Array(10), 3, 3)).toThrow(/needs 9 values/);
  });
});
