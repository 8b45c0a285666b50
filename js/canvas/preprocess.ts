// Any ink image -> a 28x28 digit the way MNIST was made. Mirrors src/nnwidgets/preprocess.py
// step for step (see its docstring for the algorithm), in float64, so the drawing pad feeds the
// network the same numbers `to_mnist` would:
//   crop to the ink's bounding box -> box-filter resample so the longer side is 20 px
//   (shorter side floor(20 * short / long + 0.5), at least 1) -> place in 28x28 by an integer
//   shift floor(14 - com + 0.5), clamped so the box stays inside the frame.

export const SIZE = 28;
export const BOX = 20;
/** Where MNIST puts the centre of mass, in pixel indices (preprocess.py, step 4). */
export const CENTRE = 14;

/** The pipeline's intermediate images, for the "your drawing -> ... -> 28x28" strip. */
export interface MnistSteps {
  /** Ink bounding box in the input: top, left, height, width (all 0 for a blank image). */
  crop: { top: number; left: number; height: number; width: number };
  /** The crop resampled to (boxHeight, boxWidth), row-major float64. */
  box: Float64Array;
  boxHeight: number;
  boxWidth: number;
  /** Where the box landed in the 28x28 frame. */
  offset: { top: number; left: number };
  /** The 28x28 digit, row-major, clipped to [0, 1]. */
  result: Float32Array;
}

export function targetShape(h: number, w: number): [number, number] {
  if (h >= w) return [BOX, Math.max(1, Math.floor((BOX * w) / h + 0.5))];
  return [Math.max(1, Math.floor((BOX * h) / w + 0.5)), BOX];
}

/** For each output cell i, the input cells [i*s, (i+1)*s) it averages and their weights. */
export function boxWeights(nIn: number, nOut: number): { start: number; weights: number[] }[] {
  const s = nIn / nOut;
  const out = [];
  for (let i = 0; i < nOut; i++) {
    const lo = i * s;
    const hi = (i + 1) * s;
    const start = Math.floor(lo);
    const end = Math.min(nIn, Math.ceil(hi));
    const weights = [];
    for (let k = start; k < end; k++) weights.push((Math.min(hi, k + 1) - Math.max(lo, k)) / s);
    out.push({ start, weights });
  }
  return out;
}

function comOffset(mass: Float64Array, n: number): number {
  let m = 0;
  let moment = 0;
  for (let i = 0; i < n; i++) {
    m += mass[i];
    moment += i * mass[i];
  }
  // a tie (com on a half pixel) rounds up; 1e-9 absorbs summation-order differences with NumPy
  const offset = Math.floor(CENTRE - moment / m + 0.5 + 1e-9);
  return Math.min(Math.max(offset, 0), SIZE - n);
}

/**
 * `to_mnist` with its intermediate steps. `image` is row-major (height, width), ink bright,
 * values in [0, 1]; a blank image gives a blank result.
 */
export function toMnistSteps(image: ArrayLike<number>, height: number, width: number): MnistSteps {
  if (image.length !== height * width) {
    throw new Error(`image of ${height}x${width} needs ${height * width} values, got ${image.length}`);
  }
  let top = height, bottom = -1, left = width, right = -1;
  for (let r = 0; r < height; r++) {
    const base = r * width;
    for (let c = 0; c < width; c++) {
      if (image[base + c] > 0) {
        if (r < top) top = r;
        if (r > bottom) bottom = r;
        if (c < left) left = c;
        if (c > right) right = c;
      }
    }
  }
  const result = new Float32Array(SIZE * SIZE);
  if (bottom < 0) {
    return {
      crop: { top: 0, left: 0, height: 0, width: 0 }, box: new Float64Array(0),
      boxHeight: 0, boxWidth: 0, offset: { top: 0, left: 0 }, result,
    };
  }
  const h = bottom - top + 1;
  const w = right - left + 1;
  const [th, tw] = targetShape(h, w);
  // Columns first: (h, w) -> (h, tw); then rows: (h, tw) -> (th, tw).
  const wx = boxWeights(w, tw);
  const wy = boxWeights(h, th);
  const tmp = new Float64Array(h * tw);
  for (let r = 0; r < h; r++) {
    const base = (top + r) * width + left;
    for (let j = 0; j < tw; j++) {
      const { start, weights } = wx[j];
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k] * image[base + start + k];
      tmp[r * tw + j] = s;
    }
  }
  const box = new Float64Array(th * tw);
  for (let i = 0; i < th; i++) {
    const { start, weights } = wy[i];
    for (let k = 0; k < weights.length; k++) {
      const wk = weights[k];
      const src = (start + k) * tw;
      for (let j = 0; j < tw; j++) box[i * tw + j] += wk * tmp[src + j];
    }
  }
  const rowMass = new Float64Array(th);
  const colMass = new Float64Array(tw);
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j++) {
      rowMass[i] += box[i * tw + j];
      colMass[j] += box[i * tw + j];
    }
  }
  const oy = comOffset(rowMass, th);
  const ox = comOffset(colMass, tw);
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j++) {
      const v = box[i * tw + j];
      result[(oy + i) * SIZE + ox + j] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return {
    crop: { top, left, height: h, width: w }, box, boxHeight: th, boxWidth: tw,
    offset: { top: oy, left: ox }, result,
  };
}

export function toMnist(image: ArrayLike<number>, height: number, width: number): Float32Array {
  return toMnistSteps(image, height, width).result;
}
