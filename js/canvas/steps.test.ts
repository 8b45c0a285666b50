import { describe, expect, it } from "vitest";
import { toMnistSteps } from "./preprocess";
import { PAD, rasterizeStrokes } from "./strokes";
import { stepImages } from "./steps";

describe("stepImages", () => {
  // a wide bar: the crop is not square, so a swapped row/column shows up
  const ink = rasterizeStrokes([[[50, 100], [230, 130]]]);
  const s = toMnistSteps(ink, PAD, PAD);
  const [drawing, crop, box20, result] = stepImages(ink, s);

  it("shows the drawing and the 28x28 as they are", () => {
    expect(drawing).toEqual({ data: ink, rows: PAD, cols: PAD });
    expect(result).toEqual({ data: s.result, rows: 28, cols: 28 });
  });

  it("crops to the ink's bounding box", () => {
    const { top, left, height, width } = s.crop;
    expect([crop.rows, crop.cols]).toEqual([height, width]);
    expect(width).toBeGreaterThan(height);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) expect(crop.data[r * width + c]).toBe(ink[(top + r) * PAD + left + c]);
    }
    // tight: ink touches the first and last row and column
    const inkIn = (cells: number[]) => cells.some((i) => crop.data[i] > 0);
    const cols = Array.from({ length: width }, (_, c) => c), rows = Array.from({ length: height }, (_, r) => r);
    expect(inkIn(cols) && inkIn(cols.map((c) => (height - 1) * width + c))).toBe(true);
    expect(inkIn(rows.map((r) => r * width)) && inkIn(rows.map((r) => r * width + width - 1))).toBe(true);
  });

  it("centres the resampled box in a 20x20 frame", () => {
    expect([box20.rows, box20.cols]).toEqual([20, 20]);
    expect(s.boxWidth).toBe(20);
    const oy = Math.floor((20 - s.boxHeight) / 2);
    const rowsWithInk: number[] = [];
    for (let r = 0; r < 20; r++) {
      let any = false;
      for (let c = 0; c < 20; c++) any ||= box20.data[r * 20 + c] > 0;
      if (any) rowsWithInk.push(r);
    }
    expect(rowsWithInk[0]).toBe(oy);
    expect(rowsWithInk[rowsWithInk.length - 1]).toBe(oy + s.boxHeight - 1);
    expect(box20.data[oy * 20]).toBe(s.box[0]);
  });
});
