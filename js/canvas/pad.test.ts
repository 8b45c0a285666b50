import { describe, expect, it } from "vitest";
import { toMnist } from "./preprocess";
import { PAD, rasterizeStrokes, type Stroke } from "./strokes";
import { PadDrawing, unionRect, upscale, WHOLE_PAD } from "./pad";

const L: Stroke = [[40, 40], [40, 200], [150, 200]];

describe("PadDrawing", () => {
  it("inks a stroke as the pen moves, equal to drawing it whole", () => {
    const d = new PadDrawing();
    expect(d.begin(1, L[0])).toBe(true);
    expect(d.extend(1, L.slice(1))).toBe(true);
    expect(d.end(1)).toBe(true);
    expect(d.strokes).toEqual([L]);
    expect(Array.from(d.ink.data)).toEqual(Array.from(rasterizeStrokes([L])));
  });

  it("draws with one pointer at a time", () => {
    const d = new PadDrawing();
    d.begin(1, [10, 10]);
    expect(d.begin(2, [100, 100])).toBe(false);
    expect(d.extend(2, [[120, 120]])).toBe(false);
    expect(d.end(2)).toBe(false);
    expect(d.current).toEqual([[10, 10]]);
  });

  it("marks only the touched pixels dirty while drawing", () => {
    const d = new PadDrawing();
    d.dirty = null; // as after a paint
    d.begin(1, [100, 100]);
    d.extend(1, [[120, 100]]);
    // brush radius 13: columns 87..133, rows 87..113 (half-open ends one further)
    expect(d.dirty).toEqual([87, 87, 134, 114]);
  });

  it("undo removes the last stroke and repaints everything", () => {
    const d = new PadDrawing();
    for (const s of [L, [[200, 50], [250, 90]] as Stroke]) {
      d.begin(1, s[0]);
      d.extend(1, s.slice(1));
      d.end(1);
    }
    d.dirty = null;
    expect(d.undo()).toBe(true);
    expect(d.strokes).toEqual([L]);
    expect(Array.from(d.ink.data)).toEqual(Array.from(rasterizeStrokes([L])));
    expect(d.dirty).toEqual(WHOLE_PAD);
    d.undo();
    expect(d.undo()).toBe(false);
  });

  it("strokes go over a digit from Python, and clear removes both", () => {
    const d = new PadDrawing();
    d.show([L], new Float32Array(28 * 28).fill(0.25));
    expect(d.ink.data[0]).toBe(0.25);
    expect(d.ink.data[100 * 280 + 40]).toBe(1);
    d.undo();
    expect(d.ink.data[100 * 280 + 40]).toBe(0.25); // the background stays under undo
    d.clear();
    expect(d.ink.data.every((v) => v === 0)).toBe(true);
    expect(d.activePointer).toBeNull();
  });
});

describe("what the network reads from the pad", () => {
  // A 7 in MNIST's form with an FGSM-like nudge: +-0.1 on every pixel (clipped to [0, 1]).
  // The nudge inks the whole frame, so a drawing's preprocessing (crop to the ink, rescale to
  // 20 px, re-centre) would shrink the 7 into a 20x20 box: not what Python asked to show.
  const seven = toMnist(rasterizeStrokes([[[40, 40], [220, 40], [120, 250]]]), PAD, PAD);
  const nudged = Float32Array.from(seven, (v, i) => Math.min(1, Math.max(0, v + (i % 3 ? 0.1 : -0.1))));
  const preprocessed = toMnist(upscale(nudged), PAD, PAD);

  it("reads a digit from Python exactly as given", () => {
    expect(preprocessed.some((v, i) => Math.abs(v - nudged[i]) > 0.05)).toBe(true); // the bug
    const d = new PadDrawing();
    d.show([], nudged);
    const { pixels, steps } = d.read();
    expect(Array.from(pixels)).toEqual(Array.from(nudged));
    expect(steps).toBeNull();
    pixels[0] = 0.5; // a copy: the reading cannot change the pad
    expect(d.read().pixels[0]).toBe(nudged[0]);
  });

  it("preprocesses the ink once the pen draws on it, and reads it as given again on undo", () => {
    const d = new PadDrawing();
    d.show([], nudged);
    d.begin(1, L[0]);
    d.extend(1, L.slice(1));
    const drawing = d.read(); // the stroke in progress counts
    expect(drawing.steps).not.toBeNull();
    expect(Array.from(drawing.pixels)).toEqual(Array.from(toMnist(d.ink.data, PAD, PAD)));
    d.end(1);
    expect(d.read().steps).not.toBeNull();
    d.undo();
    expect(Array.from(d.read().pixels)).toEqual(Array.from(nudged));
    d.clear();
    expect(d.read().pixels.every((v) => v === 0)).toBe(true);
    expect(d.read().steps).not.toBeNull(); // a blank pad: a drawing from a clean pad
  });

  it("preprocesses strokes from Python, and rejects a digit of the wrong size", () => {
    const d = new PadDrawing();
    d.show([L], null);
    expect(Array.from(d.read().pixels)).toEqual(Array.from(toMnist(rasterizeStrokes([L]), PAD, PAD)));
    expect(() => d.show([], new Float32Array(100))).toThrow(/784 values \(28x28\), got 100/);
  });
});

describe("a digit from Python in the middle of a stroke", () => {
  it("drops the stroke and lets the next pen-down draw", () => {
    const d = new PadDrawing();
    d.begin(1, [10, 10]);
    d.show([L], null); // another view's drawing arrives while this pen is down
    d.extend(1, [[60, 60]]);
    expect(d.end(1)).toBe(false); // nothing of the dropped stroke to report
    expect(d.strokes).toEqual([L]);
    expect(d.begin(2, [100, 100])).toBe(true);
  });
});

describe("unionRect", () => {
  it("spans both rectangles; null is empty", () => {
    expect(unionRect([0, 5, 10, 20], [3, 1, 4, 30])).toEqual([0, 1, 10, 30]);
    expect(unionRect(null, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(unionRect([1, 2, 3, 4], null)).toEqual([1, 2, 3, 4]);
    expect(unionRect(null, null)).toBeNull();
  });
});
