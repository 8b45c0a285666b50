import { describe, expect, it } from "vitest";
import { gridShape, hitTest, layerKind, layoutNetwork, MAX_CIRCLES, MIN_RADIUS } from "./layout";

const ARCHITECTURES = [
  [784, 16, 16, 10],
  [784, 100, 10],
  [784, 300, 100, 10],
  [784, 800, 800, 10],
  [2, 8, 8, 1],
  [784, 30, 10],
  [784, 40, 40, 40, 10],
];

describe("layoutNetwork", () => {
  it.each(ARCHITECTURES)("places every neuron of %j inside the area, layers left to right", (...sizes) => {
    const layout = layoutNetwork(sizes, 720, 380, { margin: 22 });
    expect(layout.layers.map((l) => l.n)).toEqual(sizes);
    let right = -Infinity;
    const slot = 720 / sizes.length;
    layout.layers.forEach((L) => {
      const [x0, y0, x1, y1] = L.box;
      expect(x0).toBeGreaterThan(right); // columns do not overlap
      expect(x1 - x0).toBeLessThanOrEqual(slot / 2); // half of each slot is left for the connections
      right = x1;
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(720);
      expect(y0).toBeGreaterThanOrEqual(22 - 1e-9);
      expect(y1).toBeLessThanOrEqual(380 - 22 + 1e-9);
      for (let i = 0; i < L.n; i++) {
        expect(L.x[i]).toBeGreaterThanOrEqual(x0);
        expect(L.x[i]).toBeLessThanOrEqual(x1);
        expect(L.y[i]).toBeGreaterThanOrEqual(y0);
        expect(L.y[i]).toBeLessThanOrEqual(y1);
      }
    });
  });

  it("draws a 784 input as its 28x28 image, wide layers as grids, small ones as circles", () => {
    expect(layoutNetwork([784, 800, 800, 10], 720, 380).layers.map((l) => l.kind)).toEqual(["image", "grid", "grid", "circles"]);
    expect(layoutNetwork([2, 8, 8, 1], 720, 380).layers.map((l) => l.kind)).toEqual(["circles", "circles", "circles", "circles"]);
    expect(layerKind(MAX_CIRCLES, false)).toBe("circles");
    expect(layerKind(MAX_CIRCLES + 1, false)).toBe("grid");
    expect(layerKind(784, false)).toBe("grid"); // only the input is an image
  });

  it("gives grid cells no overlap and an image 28 columns", () => {
    const [, grid, , out] = layoutNetwork([784, 800, 800, 10], 720, 380).layers;
    expect(grid.cols * Math.ceil(800 / grid.cols)).toBeGreaterThanOrEqual(800);
    expect(grid.x[1] - grid.x[0]).toBeCloseTo(grid.size);
    expect(grid.size).toBeGreaterThan(4); // readable cells at an ordinary width
    expect(out.size).toBeGreaterThan(5);
    expect(layoutNetwork([784, 10], 720, 380).layers[0].cols).toBe(28);
  });

  it.each([[784, 30, 10], [784, 40, 10], [784, 30, 30, 30, 10]])(
    "keeps the circles of %j at least MIN_RADIUS, and apart", (...sizes) => {
      const layout = layoutNetwork(sizes, 720, 380, { margin: 22 });
      for (const L of layout.layers.filter((L) => L.kind === "circles")) {
        expect(L.size).toBeGreaterThanOrEqual(L.n <= 30 ? MIN_RADIUS : 6); // 40 in 336 px: 6.4
        for (let i = 0; i < L.n; i++) {
          for (let j = i + 1; j < L.n; j++) {
            const apart = Math.hypot(L.x[i] - L.x[j], L.y[i] - L.y[j]);
            expect(apart).toBeGreaterThanOrEqual(2 * L.size + 2 - 1e-3);
          }
        }
      }
    });

  it("zig-zags a layer of 30 over two columns, and keeps 10 in one", () => {
    // 30 circles in 336 px: 11.2 px each, a radius of 4.3 in one column; 8.5 in two
    const [, hidden, out] = layoutNetwork([784, 30, 10], 720, 380, { margin: 22 }).layers;
    expect(hidden.cols).toBe(2);
    expect(hidden.size).toBeCloseTo(Math.min(12, 0.76 * 336 / 30));
    expect(new Set(Array.from(hidden.x)).size).toBe(2);
    expect(out.cols).toBe(1);
    expect(new Set(Array.from(out.x)).size).toBe(1);
  });

  it("rejects sizes and areas it cannot lay out", () => {
    expect(() => layoutNetwork([784], 720, 380)).toThrow("at least two positive integers");
    expect(() => layoutNetwork([784, 0, 10], 720, 380)).toThrow("got [784, 0, 10]");
    expect(() => layoutNetwork([2, 2], 0, 380)).toThrow("positive size");
  });
});

describe("gridShape", () => {
  it("chooses the number of columns that makes the cells largest", () => {
    // 800 cells in 80x360, side = min(80 / cols, 360 / rows):
    //   12 columns, 67 rows -> min(6.67, 5.37) = 5.37
    //   13 columns, 62 rows -> min(6.15, 5.81) = 5.81   <- largest
    //   14 columns, 58 rows -> min(5.71, 6.21) = 5.71
    const [cols, side] = gridShape(800, 80, 360);
    expect(cols).toBe(13);
    expect(side).toBeCloseTo(360 / 62);
    for (let c = 1; c <= 800; c++) expect(Math.min(80 / c, 360 / Math.ceil(800 / c))).toBeLessThanOrEqual(side + 1e-12);
  });
});

describe("hitTest", () => {
  const layout = layoutNetwork([784, 800, 16, 10], 720, 380, { margin: 22 });

  it("finds the neuron at each neuron's centre, in every kind of layer", () => {
    layout.layers.forEach((L, l) => {
      for (const i of [0, 1, Math.floor(L.n / 2), L.n - 1]) {
        expect(hitTest(layout, L.x[i], L.y[i])).toEqual({ layer: l, neuron: i });
      }
    });
  });

  it("finds each neuron of a zig-zag layer, also beside its row's own centre", () => {
    const zig = layoutNetwork([784, 30, 10], 720, 380, { margin: 22 });
    const L = zig.layers[1];
    for (let i = 0; i < L.n; i++) {
      expect(hitTest(zig, L.x[i], L.y[i])).toEqual({ layer: 1, neuron: i });
      // the lower half of the circle lies in the next row's band of y
      expect(hitTest(zig, L.x[i], L.y[i] + L.size * 0.9)).toEqual({ layer: 1, neuron: i });
    }
  });

  it("finds an image pixel by row and column", () => {
    const img = layout.layers[0];
    const i = 5 * 28 + 17; // row 5, column 17
    expect(hitTest(layout, img.x[i] + img.size * 0.4, img.y[i] - img.size * 0.4)).toEqual({ layer: 0, neuron: i });
  });

  it("finds nothing between the layers or in a grid's empty last row", () => {
    const [a, b] = [layout.layers[1], layout.layers[2]];
    expect(hitTest(layout, (a.box[2] + b.box[0]) / 2, 190)).toBeNull();
    expect(hitTest(layout, -5, -5)).toBeNull();
    const g = layoutNetwork([784, 801, 10], 720, 380).layers[1];
    if (801 % g.cols !== 0) {
      const lastRowY = g.box[3] - g.size / 2, emptyX = g.box[2] - g.size / 2;
      expect(hitTest(layoutNetwork([784, 801, 10], 720, 380), emptyX, lastRowY)).toBeNull();
    }
  });
});
