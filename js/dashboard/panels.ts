// The insight panels' pure parts: confusion-matrix colouring and read-outs, histogram bar
// geometry, and first-layer weights as RGBA images. No DOM here (tested under node); the
// drawing is in panelview.ts.
import { css, diverging, DIVERGING, sequential } from "../lib/colors";

export interface ConfusionCell {
  row: number; // true class
  col: number; // predicted class
  count: number;
  share: number; // of the row (the true class): what fraction of the 7s were called 3
  fill: string;
  ink: string; // text colour readable on fill
}

/**
 * Cells of a k x k confusion matrix (rows true, columns predicted, row-major counts). The
 * diagonal is coloured on the blue sequential scale by the share of its row it got right,
 * mistakes on the red half of the diverging scale by the share of the row they took, so a
 * single confused pair stands out even when it is a few examples.
 */
export function confusionCells(counts: ArrayLike<number>, k: number): ConfusionCell[] {
  if (counts.length !== k * k) throw new Error(`a ${k}x${k} confusion matrix needs ${k * k} counts, got ${counts.length}`);
  const cells: ConfusionCell[] = [];
  for (let r = 0; r < k; r++) {
    let total = 0;
    for (let c = 0; c < k; c++) total += counts[r * k + c];
    for (let c = 0; c < k; c++) {
      const count = counts[r * k + c];
      const share = total > 0 ? count / total : 0;
      // Mistakes saturate at half the row: a class mistaken half the time is as bad as it gets.
      if (count === 0) {
        // Empty cells are the page itself (white in a light theme, dark in a dark one), so a
        // dark theme does not get a grid of bright squares.
        cells.push({ row: r, col: c, count, share, fill: "transparent", ink: "inherit" });
        continue;
      }
      const rgb = r === c ? sequential(share) : diverging(Math.min(1, share * 2) * 0.8 + 0.2);
      const light = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140;
      cells.push({ row: r, col: c, count, share, fill: css(rgb), ink: light ? "#1c1c38" : "#ffffff" });
    }
  }
  return cells;
}

/** "7 → 3: 12 of 200 sevens (6%)" style read-out for one cell. */
export function cellTitle(cell: ConfusionCell, rowTotal: number): string {
  const pct = rowTotal > 0 ? ` (${Math.round((100 * cell.count) / rowTotal)}%)` : "";
  const what = cell.row === cell.col ? "right" : `called ${cell.col}`;
  return `true ${cell.row}, ${what}: ${cell.count} of ${rowTotal}${pct}`;
}

export interface Bar { x: number; y: number; width: number; height: number }

/**
 * Rectangles of a histogram in a width x height box (y down). Heights are relative to the
 * tallest bin; a non-empty bin is at least one pixel tall so a few outliers stay visible.
 */
export function histogramBars(counts: ArrayLike<number>, width: number, height: number): Bar[] {
  const n = counts.length;
  if (n === 0) return [];
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, counts[i]);
  const w = width / n;
  const bars: Bar[] = [];
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    const hgt = max > 0 && c > 0 ? Math.max(1, (c / max) * height) : 0;
    bars.push({ x: i * w, y: height - hgt, width: w, height: hgt });
  }
  return bars;
}

/** Where zero falls in a histogram spanning lo..hi, as a fraction of the width; null outside. */
export function zeroAt(lo: number, hi: number): number | null {
  if (!(hi > lo) || lo > 0 || hi < 0) return null;
  return -lo / (hi - lo);
}

/** A compact number for axis ends: 0.0123 -> "0.0123", 12345 -> "1.23e+4". */
export function short(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/**
 * One neuron's 784 incoming weights as a 28x28 RGBA image on the diverging scale (blue
 * negative, red positive), scaled by `limit` (one limit per neuron: each image uses its
 * full range, since we look at patterns, not at sizes).
 */
export function weightImage(weights: ArrayLike<number>, side = 28,
  limit = ownLimit(weights)): Uint8ClampedArray {
  const n = side * side;
  if (weights.length !== n) throw new Error(`a ${side}x${side} weight image needs ${n} weights, got ${weights.length}`);
  diverging(0, limit); // the limit's check, with diverging's message
  // diverging()'s arithmetic, inlined: the same colours to the bit (tested), without an array
  // per pixel (24 images of 784 pixels each time the panels arrive).
  const last = DIVERGING.length - 1;
  const out = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    const v = 0.5 + weights[i] / (2 * limit);
    const x = (v > 1 ? 1 : v > 0 ? v : 0) * last; // NaN -> 0, as clamp01
    const j = Math.min(last - 1, Math.floor(x));
    const f = x - j;
    const a = DIVERGING[j], b = DIVERGING[j + 1];
    out[4 * i] = Math.round(a[0] + (b[0] - a[0]) * f);
    out[4 * i + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
    out[4 * i + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
    out[4 * i + 3] = 255;
  }
  return out;
}

/** symmetricLimit(weights), without copying them into an array first. */
function ownLimit(weights: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < weights.length; i++) {
    const a = Math.abs(weights[i]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m > 0 ? m : 1;
}

/** Columns of a grid of `n` tiles of `tile` px with `gap` px between them, in `width` px. */
export function gridColumns(n: number, tile: number, gap: number, width: number): number {
  if (n <= 0) return 0;
  return Math.max(1, Math.min(n, Math.floor((width + gap) / (tile + gap))));
}

// ---- the speed of learning per hidden layer (NNDL ch5), log scale -----------------------------

/** One colour per hidden layer, first hidden first: NNDL's own plot's order (blue, orange, red,
 * green, then more). */
export const LAYER_COLOURS = ["#2a6ea6", "#ffa933", "#e04646", "#3caa3c", "#5555ff", "#8e44ad"];

/** The colour of hidden layer `i` (0 = first hidden), cycling. */
export function layerColor(i: number): string {
  return LAYER_COLOURS[((i % LAYER_COLOURS.length) + LAYER_COLOURS.length) % LAYER_COLOURS.length];
}

/**
 * Whole decades [10^a, 10^b] spanning every positive finite value (the log axis of the
 * speed-of-learning charts; one range for every run, so their heights compare). At least one
 * decade; [1e-3, 1] when there is no positive value to show.
 */
export function decadeRange(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) return [1e-3, 1];
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  return [10 ** a, 10 ** b];
}

/**
 * The lines of a speed-of-learning chart in a width x height box (y down): per hidden layer,
 * the points (progress, speed) with x from 0 to `xMax` epochs and y on a log scale over
 * `range`. `speeds` is row-major (k records x `layers`). A value that cannot go on a log axis
 * (0, negative, NaN) is left out and breaks the line: each line is a list of segments.
 */
export function speedLines(progress: ArrayLike<number>, speeds: ArrayLike<number>, layers: number,
  width: number, height: number, xMax: number, range: [number, number]): [number, number][][][] {
  const k = progress.length;
  if (speeds.length !== k * layers) {
    throw new Error(
      `${k} records of ${layers} layers need ${k * layers} speeds, got ${speeds.length}`);
  }
  const [lo, hi] = range.map(Math.log10);
  const span = xMax > 0 ? xMax : 1;
  const lines: [number, number][][][] = [];
  for (let l = 0; l < layers; l++) {
    const segments: [number, number][][] = [];
    let current: [number, number][] = [];
    for (let i = 0; i < k; i++) {
      const s = speeds[i * layers + l];
      if (!(s > 0 && Number.isFinite(s))) {
        if (current.length) segments.push(current);
        current = [];
        continue;
      }
      const x = (progress[i] / span) * width;
      const y = height - ((Math.log10(s) - lo) / (hi - lo)) * height;
      current.push([x, y]);
    }
    if (current.length) segments.push(current);
    lines.push(segments);
  }
  return lines;
}

/**
 * Where |z| > `limit` falls in a histogram spanning lo..hi: the shaded bands of the weighted
 * inputs' histogram, as [from, to] fractions of its width (at most two: below -limit and above
 * +limit). None when the range stays within the limit.
 */
export function beyondBands(lo: number, hi: number, limit: number): [number, number][] {
  if (!(hi > lo)) return [];
  const at = (v: number) => (v - lo) / (hi - lo);
  const bands: [number, number][] = [];
  if (lo < -limit) bands.push([0, at(Math.min(-limit, hi))]);
  if (hi > limit) bands.push([at(Math.max(limit, lo)), 1]);
  return bands;
}

// ---- the thumbnails' images, kept by content ------------------------------------------------

/**
 * A map that keeps its `max` most recently stored entries (the oldest go first): the panels'
 * thumbnails by their pixels, so a digit shown again (the gallery's mistakes change little
 * from one epoch to the next) reuses its encoded image instead of encoding it again.
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly max: number) {
    if (!(Number.isInteger(max) && max > 0)) {
      throw new Error(`max must be a positive integer, got ${max}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key); // re-stored: now the most recent
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
}

/** Bytes (each 0..255) as a string with one character per byte: a key equal for equal bytes
 * (windows-1252, as TextDecoder's "latin1" is, gives every byte its own character). */
export function bytesKey(bytes: Uint8Array | Uint8ClampedArray): string {
  return LATIN1.decode(bytes);
}

const LATIN1 = new TextDecoder("latin1");

/**
 * A `width` x `height` image of opaque RGBA bytes (alpha ignored) as a data URL of a 24-bit
 * BMP, rows top-down. Encoding it is a copy, where a canvas's PNG (toDataURL) compresses: the
 * panels make 50 thumbnails each time they arrive.
 */
export function bmpDataUrl(rgba: ArrayLike<number>, width: number, height: number): string {
  if (rgba.length !== width * height * 4) {
    throw new Error(`a ${width}x${height} image needs ${width * height * 4} RGBA bytes, `
      + `got ${rgba.length}`);
  }
  const row = Math.ceil((width * 3) / 4) * 4; // rows pad to 4 bytes
  const size = 54 + row * height;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // "BM"
  bytes[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true); // where the pixels start
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, -height, true); // negative: the first row is the top one
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel, BI_RGB (0) at 30
  view.setUint32(34, row * height, true);
  for (let y = 0; y < height; y++) {
    let o = 54 + y * row;
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      bytes[o++] = rgba[i + 2]; // stored blue, green, red
      bytes[o++] = rgba[i + 1];
      bytes[o++] = rgba[i];
    }
  }
  let binary = "";
  for (let i = 0; i < size; i += 8192) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return "data:image/bmp;base64," + btoa(binary);
}
