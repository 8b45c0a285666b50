// Where each neuron of a network sits in a diagram, and which neuron is under a point.
//
// Layers are columns, left to right, each in an equal slot of the width. A layer is drawn as
// one of three kinds:
//   image    a 784-input layer as its 28x28 picture (784 circles would be unreadable)
//   circles  up to MAX_CIRCLES neurons, one circle each, spread over the height; where one
//            column would make them smaller than MIN_RADIUS (30 neurons in 336 px: 4 px), they
//            zig-zag between two columns, which doubles the room each circle has
//   grid     a wider layer (the shipped model has two of 800) as a compact block of square cells
// Everything here is geometry in CSS pixels, so it is tested under node (js/diagram/layout.test.ts).

export const MAX_CIRCLES = 40;
/** Side of the input image and the largest a grid may grow, in CSS pixels. */
export const MAX_BLOCK = 168;
const MAX_RADIUS = 12;
/** Below this radius a layer of circles zig-zags over two columns (CSS pixels). */
export const MIN_RADIUS = 7;
/** Clear space between two circles (CSS pixels). */
const CIRCLE_GAP = 2;

export type LayerKind = "image" | "circles" | "grid";

export interface LayerLayout {
  kind: LayerKind;
  n: number;
  /** Centre of each neuron (pixel, cell or circle). */
  x: Float32Array;
  y: Float32Array;
  /** Circle radius, or the side of a cell / image pixel. */
  size: number;
  /** Cells per row (image: 28, grid: chosen to fit, circles: 1, or 2 when they zig-zag). */
  cols: number;
  /** Bounding box of the layer's drawing: [left, top, right, bottom]. */
  box: [number, number, number, number];
}

export interface Layout {
  width: number;
  height: number;
  layers: LayerLayout[];
}

export interface LayoutOptions {
  /** Space kept free at the top and bottom (labels), CSS pixels. */
  margin?: number;
}

/** The kind a layer of `n` neurons is drawn as; `first` is the input layer. */
export function layerKind(n: number, first: boolean): LayerKind {
  if (first && n === 784) return "image";
  return n <= MAX_CIRCLES ? "circles" : "grid";
}

/**
 * Cells per row for `n` cells in a `maxWidth` x `maxHeight` box: the count that makes the
 * cells largest. Returns [cols, side].
 */
export function gridShape(n: number, maxWidth: number, maxHeight: number): [number, number] {
  let best: [number, number] = [1, 0];
  for (let cols = 1; cols <= n; cols++) {
    const side = Math.min(maxWidth / cols, maxHeight / Math.ceil(n / cols));
    if (side > best[1]) best = [cols, side];
  }
  return best;
}

/** Lay out a network of `sizes` in a `width` x `height` area. */
export function layoutNetwork(sizes: readonly number[], width: number, height: number, opts: LayoutOptions = {}): Layout {
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`sizes must be at least two positive integers, got [${sizes.join(", ")}]`);
  }
  if (!(width > 0) || !(height > 0)) throw new Error(`the diagram needs a positive size, got ${width}x${height}`);
  const margin = opts.margin ?? 10;
  const slot = width / sizes.length;
  const top = margin, inner = Math.max(1, height - 2 * margin);
  const layers = sizes.map((n, l) => {
    const cx = slot * (l + 0.5);
    const kind = layerKind(n, l === 0);
    // Blocks take less than half their slot: the rest is room for the connections.
    const blockMax = Math.min(MAX_BLOCK, slot * 0.45, inner);
    const x = new Float32Array(n), y = new Float32Array(n);
    if (kind === "circles") {
      const spacing = inner / n;
      const widest = slot * 0.18;
      let size = Math.max(1, Math.min(MAX_RADIUS, spacing * 0.38, widest));
      let shift = 0; // how far each circle sits left or right of the layer's centre line
      let first = top + spacing / 2, step = spacing;
      if (size < MIN_RADIUS && n > 1) {
        // Two columns: neighbours in a column are 2 steps apart, and a circle's neighbours in
        // the other column far enough to the side that they keep CIRCLE_GAP clear. The first
        // and last circles stay inside the area.
        size = Math.max(size, Math.min(MAX_RADIUS, spacing * 0.76, widest));
        first = top + Math.max(spacing / 2, size);
        step = (inner - 2 * (first - top)) / (n - 1);
        const reach = 2 * size + CIRCLE_GAP;
        shift = reach > step ? Math.sqrt(reach * reach - step * step) / 2 : 0;
      }
      for (let i = 0; i < n; i++) {
        x[i] = cx + (shift && (i % 2 === 0 ? -shift : shift));
        y[i] = first + step * i;
      }
      const half = shift + size;
      const box = [cx - half, top, cx + half, top + inner];
      return { kind, n, x, y, size, cols: shift ? 2 : 1, box } as LayerLayout;
    }
    const [cols, side] = kind === "image" ? [28, blockMax / 28] : gridShape(n, blockMax, inner);
    const rows = Math.ceil(n / cols);
    const left = cx - (cols * side) / 2, upper = top + (inner - rows * side) / 2;
    for (let i = 0; i < n; i++) {
      x[i] = left + side * ((i % cols) + 0.5);
      y[i] = upper + side * (Math.floor(i / cols) + 0.5);
    }
    return { kind, n, x, y, size: side, cols, box: [left, upper, left + cols * side, upper + rows * side] } as LayerLayout;
  });
  return { width, height, layers };
}

export interface Hit {
  layer: number;
  neuron: number;
}

/** The neuron under (px, py), or null. Circles count a few pixels of slack for small targets. */
export function hitTest(layout: Layout, px: number, py: number): Hit | null {
  for (let l = 0; l < layout.layers.length; l++) {
    const L = layout.layers[l];
    const [x0, y0, x1, y1] = L.box;
    if (L.kind === "circles") {
      const slack = Math.max(3, L.size * 0.5);
      if (px < x0 - slack || px > x1 + slack || py < y0 || py > y1) continue;
      // The nearest circle (at most MAX_CIRCLES to look at; in a zig-zag the nearest may be in
      // the other column).
      let best = -1, bestDistance = L.size + slack;
      for (let i = 0; i < L.n; i++) {
        const d = Math.hypot(px - L.x[i], py - L.y[i]);
        if (d <= bestDistance) [best, bestDistance] = [i, d];
      }
      if (best >= 0) return { layer: l, neuron: best };
      continue;
    }
    if (px < x0 || px >= x1 || py < y0 || py >= y1) continue;
    const col = Math.floor((px - x0) / L.size), row = Math.floor((py - y0) / L.size);
    const i = row * L.cols + col;
    if (col < L.cols && i < L.n) return { layer: l, neuron: i };
  }
  return null;
}
