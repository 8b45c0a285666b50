import { describe, expect, it } from "vitest";
import { appendPoint, Ink, rasterizeStrokes, segmentDistance, toPad, type Stroke } from "./strokes";

describe("strokes", () => {
  it("segment distance: perpendicular inside, to the end cap outside", () => {
    expect(segmentDistance(5, 3, 0, 0, 10, 0)).toBe(3);
    expect(segmentDistance(13, 4, 0, 0, 10, 0)).toBe(5); // 3-4-5 from the end point
    expect(segmentDistance(1, 1, 0, 0, 0, 0)).toBeCloseTo(Math.SQRT2, 12); // a dot
  });

  it("brush profile: full within 9, linear fade to 0 at 13", () => {
    const img = rasterizeStrokes([[[100, 140], [180, 140]]]);
    expect(img[139 * 280 + 140]).toBe(1);
    expect(img[151 * 280 + 140]).toBeCloseTo((13 - 11.5) / 4, 12);
    expect(img[153 * 280 + 140]).toBe(0);
  });

  it("adding segments one at a time equals a full redraw, in any order", () => {
    const strokes: Stroke[] = [[[20, 20], [60, 90], [100, 40]], [[200, 200], [150, 250]]];
    const ink = new Ink();
    for (const s of [...strokes].reverse()) ink.stroke(s);
    expect(ink.data).toEqual(rasterizeStrokes(strokes));
  });

  it("maps CSS pixels to pad pixels and clamps at the edge", () => {
    expect(toPad(140, 70, 280, 280)).toEqual([140, 70]);
    expect(toPad(100, 50, 200, 200)).toEqual([140, 70]);
    expect(toPad(-5, 300, 280, 280)).toEqual([0, 280]);
  });

  it("drops jitter points closer than half a pixel", () => {
    const s: Stroke = [[10, 10]];
    expect(appendPoint(s, [10.2, 10.1])).toBe(false);
    expect(appendPoint(s, [11, 10])).toBe(true);
    expect(s.length).toBe(2);
  });
});
