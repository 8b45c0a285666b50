// Pen strokes -> an ink image, with the drawing pad's soft round brush. Mirrors
// rasterize_strokes in src/nnwidgets/preprocess.py: a pixel's ink is
// clamp((outer - d) / (outer - inner), 0, 1), d the distance from its centre (x + 0.5, y + 0.5)
// to the nearest segment; strokes combine by maximum, so ink can be added one segment at a
// time as the pen moves and still equal a full redraw.

export const PAD = 280;
export const BRUSH_INNER = 9;
export const BRUSH_OUTER = 13;

export type Point = [number, number];
export type Stroke = Point[];

/** Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
export function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0, dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = 0;
  if (len2 > 0) {
    t = ((px - x0) * dx + (py - y0) * dy) / len2;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
  }
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

export class Ink {
  readonly data: Float64Array;
  constructor(readonly size = PAD, readonly inner = BRUSH_INNER, readonly outer = BRUSH_OUTER) {
    this.data = new Float64Array(size * size);
  }

  clear(): void {
    this.data.fill(0);
  }

  /** Ink one segment; returns the touched rectangle [c0, r0, c1, r1) or null. */
  segment(x0: number, y0: number, x1: number, y1: number): [number, number, number, number] | null {
    const { size, inner, outer, data } = this;
    const c0 = Math.max(0, Math.floor(Math.min(x0, x1) - outer));
    const c1 = Math.min(size, Math.ceil(Math.max(x0, x1) + outer) + 1);
    const r0 = Math.max(0, Math.floor(Math.min(y0, y1) - outer));
    const r1 = Math.min(size, Math.ceil(Math.max(y0, y1) + outer) + 1);
    if (c0 >= c1 || r0 >= r1) return null;
    const span = outer - inner;
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const d = segmentDistance(c + 0.5, r + 0.5, x0, y0, x1, y1);
        let v = (outer - d) / span;
        if (v <= 0) continue;
        if (v > 1) v = 1;
        const i = r * size + c;
        if (v > data[i]) data[i] = v;
      }
    }
    return [c0, r0, c1, r1];
  }

  stroke(points: readonly Point[]): void {
    if (points.length === 0) return;
    if (points.length === 1) {
      this.segment(points[0][0], points[0][1], points[0][0], points[0][1]);
      return;
    }
    for (let i = 1; i < points.length; i++) {
      this.segment(points[i - 1][0], points[i - 1][1], points[i][0], points[i][1]);
    }
  }

  redraw(strokes: readonly Stroke[]): void {
    this.clear();
    for (const s of strokes) this.stroke(s);
  }
}

export function rasterizeStrokes(strokes: readonly Stroke[], size = PAD): Float64Array {
  const ink = new Ink(size);
  ink.redraw(strokes);
  return ink.data;
}

/** A pointer position in CSS pixels relative to the pad's box -> pad coordinates (0..size). */
export function toPad(offsetX: number, offsetY: number, cssWidth: number, cssHeight: number, size = PAD): Point {
  const clamp = (v: number) => (v < 0 ? 0 : v > size ? size : v);
  return [clamp((offsetX * size) / cssWidth), clamp((offsetY * size) / cssHeight)];
}

/** Drop points closer than `minDist` to the previous kept point (pens report sub-pixel jitter). */
export function appendPoint(stroke: Stroke, p: Point, minDist = 0.5): boolean {
  const last = stroke[stroke.length - 1];
  if (last && Math.hypot(p[0] - last[0], p[1] - last[1]) < minDist) return false;
  stroke.push(p);
  return true;
}
