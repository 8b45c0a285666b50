import { describe, expect, it } from "vitest";
import { rasterizeStrokes, type Stroke } from "./strokes";
import { PadDrawing, unionRect, WHOLE_PAD } from "./pad";

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

  it("strokes go over a background from Python, and clear removes both", () => {
    const d = new PadDrawing();
    const bg = new Float64Array(280 * 280).fill(0.25);
    d.show([L], bg);
    expect(d.ink.data[0]).toBe(0.25);
    expect(d.ink.data[100 * 280 + 40]).toBe(1);
    d.undo();
    expect(d.ink.data[100 * 280 + 40]).toBe(0.25); // the background stays under undo
    d.clear();
    expect(d.ink.data.every((v) => v === 0)).toBe(true);
    expect(d.activePointer).toBeNull();
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
