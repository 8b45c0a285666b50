import { describe, expect, it } from "vitest";
import { css, diverging, sequential, symmetricLimit } from "../lib/colors";
import {
  beyondBands, bmpDataUrl, bytesKey, cellTitle, confusionCells, decadeRange, gridColumns,
  histogramBars, layerColor, RecentMap, short, speedLines, weightImage, zeroAt,
} from "./panels";

// 3 classes, rows true, columns predicted. Row 0: 8 right, 2 called 1. Row 1: all 5 right.
// Row 2: nothing (a class absent from the sample). 3x3 with unequal rows catches a transposition.
const COUNTS = [8, 2, 0, 0, 5, 0, 0, 0, 0];

describe("confusionCells", () => {
  const cells = confusionCells(COUNTS, 3);

  it("gives row shares of the true class, row-major", () => {
    expect(cells.map((c) => [c.row, c.col])[1]).toEqual([0, 1]);
    expect(cells[0].share).toBeCloseTo(0.8); // 8 of 10 zeros right
    expect(cells[1].share).toBeCloseTo(0.2); // 2 of 10 called 1
    expect(cells[3].share).toBe(0); // the 1s row: nothing called 0
    expect(cells[4].share).toBe(1);
    expect(cells[8].share).toBe(0); // empty row: no division by zero
  });

  it("colours the diagonal blue by accuracy and mistakes red, empty cells as paper", () => {
    expect(cells[0].fill).toBe(css(sequential(0.8)));
    // 2 of 10 wrong: share 0.2 -> min(1, 0.4) * 0.8 + 0.2 = 0.52 on the diverging scale
    expect(cells[1].fill).toBe(css(diverging(0.52)));
    expect(cells[2].fill).toBe("transparent"); // the page's own colour, in either theme
    expect(cells[2].ink).toBe("inherit");
    const [r, , b] = diverging(0.52);
    expect(r).toBeGreaterThan(b); // red, not blue
  });

  it("picks readable ink: white on the dark full diagonal, dark on a light cell, the page's on paper", () => {
    expect(cells[4].ink).toBe("#ffffff");
    const light = confusionCells([1, 99, 0, 100], 2)[0]; // 1% right: the palest blue
    expect(light.ink).toBe("#1c1c38");
    expect(cells[2].ink).toBe("inherit");
  });

  it("refuses counts that are not k x k", () => {
    expect(() => confusionCells([1, 2, 3], 2)).toThrow(/2x2 confusion matrix needs 4 counts, got 3/);
  });

  it("reads a cell out in words", () => {
    expect(cellTitle(cells[1], 10)).toBe("true 0, called 1: 2 of 10 (20%)");
    expect(cellTitle(cells[4], 5)).toBe("true 1, right: 5 of 5 (100%)");
  });
});

describe("histogramBars", () => {
  it("scales to the tallest bin and keeps lone outliers visible", () => {
    // 100 px tall: 1000 -> 100, 500 -> 50, 1 -> 0.1 px, raised to 1 px; 0 stays empty.
    const bars = histogramBars([1000, 500, 1, 0], 40, 100);
    expect(bars.map((b) => b.height)).toEqual([100, 50, 1, 0]);
    expect(bars.map((b) => b.y)).toEqual([0, 50, 99, 100]);
    expect(bars.map((b) => b.x)).toEqual([0, 10, 20, 30]);
    expect(bars[0].width).toBe(10);
  });

  it("draws nothing for no bins, and flat for all-zero counts", () => {
    expect(histogramBars([], 40, 100)).toEqual([]);
    expect(histogramBars([0, 0], 40, 100).every((b) => b.height === 0)).toBe(true);
  });
});

describe("axis helpers", () => {
  it("places zero inside the range only", () => {
    expect(zeroAt(-1, 3)).toBeCloseTo(0.25);
    expect(zeroAt(1, 3)).toBeNull();
    expect(zeroAt(-3, -1)).toBeNull();
    expect(zeroAt(2, 2)).toBeNull();
  });

  it("writes short numbers", () => {
    expect(short(0)).toBe("0");
    expect(short(0.012345)).toBe("0.0123");
    expect(short(-2.5)).toBe("-2.5");
    expect(short(12345)).toBe("1.23e+4");
    expect(short(0.0001234)).toBe("1.23e-4");
  });

  it("fits grid columns to the width", () => {
    // tiles of 56 px with 4 px gaps: 240 px holds 4 (4*56 + 3*4 = 236)
    expect(gridColumns(24, 56, 4, 240)).toBe(4);
    expect(gridColumns(2, 56, 4, 240)).toBe(2);
    expect(gridColumns(5, 56, 4, 10)).toBe(1);
    expect(gridColumns(0, 56, 4, 240)).toBe(0);
  });
});

describe("weightImage", () => {
  it("maps each weight through the diverging scale with the neuron's own limit", () => {
    const w = new Float32Array(4).fill(0);
    w[0] = -2;
    w[3] = 1;
    const img = weightImage(w, 2);
    expect(Array.from(img.slice(0, 4))).toEqual([...diverging(-2, 2), 255]); // the deepest blue
    expect(Array.from(img.slice(4, 8))).toEqual([...diverging(0, 2), 255]);
    expect(Array.from(img.slice(12, 16))).toEqual([...diverging(1, 2), 255]);
    expect(img[0]).toBeLessThan(img[2]); // negative is blue
  });

  it("refuses the wrong number of weights", () => {
    expect(() => weightImage(new Float32Array(5), 2)).toThrow(/2x2 weight image needs 4 weights, got 5/);
  });

  it("gives diverging()'s colour to the bit for every kind of value", () => {
    // 28x28: values across and beyond the limit, the anchors' edges, NaN and infinities.
    const w = new Float64Array(784).map((_, i) => (i - 392) / 97.3);
    w.set([NaN, Infinity, -Infinity, 0, -0, 4, -4, 1e-300, 2 / 3], 0);
    const img = weightImage(w, 28, 4);
    for (let i = 0; i < 784; i++) {
      expect(Array.from(img.slice(4 * i, 4 * i + 4))).toEqual([...diverging(w[i], 4), 255]);
    }
    expect(() => weightImage(w, 28, 0)).toThrow("limit must be a positive finite number, got 0");
    // Its own limit by default: symmetricLimit's, the largest finite magnitude (here 4).
    expect(weightImage(w, 28)).toEqual(weightImage(w, 28, symmetricLimit(Array.from(w))));
    const zeros = new Float32Array(784);
    expect(weightImage(zeros, 28)).toEqual(weightImage(zeros, 28, 1));
  });
});

describe("speed of learning", () => {
  it("spans whole decades around every positive value, at least one", () => {
    // NNDL's four hidden layers at initialisation: 0.003 ... 0.285 -> 1e-3 ... 1
    expect(decadeRange([0.003, 0.017, 0.07, 0.285])).toEqual([1e-3, 1]);
    expect(decadeRange([0.5, 0, NaN, -1])).toEqual([0.1, 1]); // one value: one decade
    expect(decadeRange([])).toEqual([1e-3, 1]);
  });

  it("places each layer's speeds on a log scale, one line per layer", () => {
    // 2 records x 2 layers, x over 0..2 epochs in 200 px, y over 1e-3..1 (3 decades) in 300 px:
    // 0.001 at the bottom (y 300), 0.01 one decade up (200), 0.1 at 100, 1 at the top (0).
    const lines = speedLines([0, 2], [0.001, 0.1, 0.01, 1], 2, 200, 300, 2, [1e-3, 1]);
    expect(lines).toHaveLength(2);
    const round = (pts: [number, number][]) => pts.map(([x, y]) => [x, Math.round(y * 1e6) / 1e6]);
    expect(round(lines[0][0])).toEqual([[0, 300], [200, 200]]); // layer 1: 0.001 -> 0.01
    expect(round(lines[1][0])).toEqual([[0, 100], [200, 0]]); // layer 2: 0.1 -> 1
  });

  it("breaks a line where a speed cannot go on a log axis", () => {
    const lines = speedLines([0, 1, 2], [0.1, 0, 0.1], 1, 100, 100, 2, [0.01, 1]);
    expect(lines[0].map((seg) => seg.length)).toEqual([1, 1]);
    expect(() => speedLines([0, 1], [0.1], 1, 100, 100, 1, [0.01, 1]))
      .toThrow(/need 2 speeds, got 1/);
  });

  it("gives hidden layers NNDL's colours in order, cycling", () => {
    expect(layerColor(0)).toBe("#2a6ea6");
    expect(layerColor(1)).toBe("#ffa933");
    expect(layerColor(6)).toBe(layerColor(0));
  });
});

describe("beyondBands", () => {
  it("shades where |z| > 4 as fractions of the histogram's width", () => {
    // -6 .. 6 over 12 units: below -4 is the first 2/12, above +4 the last 2/12.
    expect(beyondBands(-6, 6, 4)).toEqual([[0, 2 / 12], [10 / 12, 1]]);
    // 0 .. 10: only above +4, from 4/10 on.
    expect(beyondBands(0, 10, 4)).toEqual([[0.4, 1]]);
    expect(beyondBands(-3, 3, 4)).toEqual([]);
    expect(beyondBands(-8, -5, 4)).toEqual([[0, 1]]); // all of it beyond -4
    expect(beyondBands(1, 1, 4)).toEqual([]);
  });
});

describe("RecentMap", () => {
  it("keeps the most recently stored entries, the oldest going first", () => {
    const m = new RecentMap<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    m.set("a", 3); // re-stored: now newer than b
    m.set("c", 4); // over max: b, the oldest, goes
    expect(m.size).toBe(2);
    expect(m.get("a")).toBe(3);
    expect(m.get("b")).toBeUndefined();
    expect(m.get("c")).toBe(4);
  });

  it("refuses a max that is not a positive integer", () => {
    expect(() => new RecentMap(0)).toThrow("max must be a positive integer, got 0");
  });
});

describe("bytesKey", () => {
  it("is equal for equal bytes and differs when one byte does", () => {
    const a = new Uint8ClampedArray(28 * 28 * 4).map((_, i) => i % 251);
    const b = a.slice();
    expect(bytesKey(a)).toBe(bytesKey(b));
    b[3000] += 1; // one pixel of the thumbnail
    expect(bytesKey(a)).not.toBe(bytesKey(b));
    const long = new Uint8Array(5000), other = long.slice();
    other[4999] = 7; // in the second chunk
    expect(bytesKey(long)).not.toBe(bytesKey(other));
    expect(bytesKey(long).length).toBe(5000);
  });
});

describe("bmpDataUrl", () => {
  // 2x3 (width != height catches a transposition): red, green / blue, white / black, grey.
  const rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255,
    0, 0, 0, 255, 128, 128, 128, 255];
  const url = bmpDataUrl(rgba, 2, 3);
  const bytes = Uint8Array.from(atob(url.split(",")[1]), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);

  it("writes a 24-bit BMP header, top-down", () => {
    expect(url.startsWith("data:image/bmp;base64,")).toBe(true);
    expect(String.fromCharCode(bytes[0], bytes[1])).toBe("BM");
    const row = 8; // 2 pixels x 3 bytes, padded to 4
    expect(bytes.length).toBe(54 + row * 3);
    expect(view.getUint32(2, true)).toBe(bytes.length);
    expect(view.getUint32(10, true)).toBe(54);
    expect(view.getInt32(18, true)).toBe(2);
    expect(view.getInt32(22, true)).toBe(-3); // rows from the top
    expect(view.getUint16(28, true)).toBe(24);
  });

  it("stores each row's pixels blue, green, red, padded to 4 bytes", () => {
    expect(Array.from(bytes.subarray(54, 62))).toEqual([0, 0, 255, 0, 255, 0, 0, 0]);
    expect(Array.from(bytes.subarray(62, 70))).toEqual([255, 0, 0, 255, 255, 255, 0, 0]);
    expect(Array.from(bytes.subarray(70, 78))).toEqual([0, 0, 0, 128, 128, 128, 0, 0]);
  });

  it("refuses pixels that do not fill the image", () => {
    expect(() => bmpDataUrl([0, 0, 0, 255], 2, 3))
      .toThrow("a 2x3 image needs 24 RGBA bytes, got 4");
  });
});
