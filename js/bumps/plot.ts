// Where things sit on the BumpBuilder's plot: data <-> CSS pixels, the y range of each space,
// and what a key press does to a handle. Pure, so maths and geometry are tested under node.
import { logit, sigmoid } from "./maths";

export type Space = "logit" | "output";

/** The plot area inside the canvas, in CSS pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Range {
  lo: number;
  hi: number;
}

/** The plot area of a canvas of `width` x `height` CSS pixels (room for the axis labels). */
export function plotBox(width: number, height: number): Box {
  const left = 40, top = 12, right = 14, bottom = 26;
  return { left, top, width: Math.max(1, width - left - right), height: Math.max(1, height - top - bottom) };
}

/**
 * The y range drawn: [0, 1] in output space; in sigma^-1 space whole numbers around the goal and
 * the heights with half a unit to spare, at least [-2, 2].
 */
export function yRange(space: Space, goalLogit: ArrayLike<number>, heights: ArrayLike<number>): Range {
  if (space === "output") return { lo: 0, hi: 1 };
  let lo = -1.5, hi = 1.5;
  for (const list of [goalLogit, heights]) {
    for (let i = 0; i < list.length; i++) {
      lo = Math.min(lo, list[i]);
      hi = Math.max(hi, list[i]);
    }
  }
  return { lo: Math.floor(lo - 0.5), hi: Math.ceil(hi + 0.5) };
}

export function xToPx(box: Box, x: number): number {
  return box.left + x * box.width;
}

export function pxToX(box: Box, px: number): number {
  return Math.min(1, Math.max(0, (px - box.left) / box.width));
}

export function yToPx(box: Box, r: Range, y: number): number {
  return box.top + ((r.hi - y) / (r.hi - r.lo)) * box.height;
}

/** The y value at a pixel, clamped to the range. */
export function pxToY(box: Box, r: Range, py: number): number {
  const y = r.hi - ((py - box.top) / box.height) * (r.hi - r.lo);
  return Math.min(r.hi, Math.max(r.lo, y));
}

/** Where a bump's handle is drawn: its height h in sigma^-1 space, sigma(h) in output space. */
export function shownHeight(space: Space, h: number): number {
  return space === "output" ? sigmoid(h) : h;
}

/** The height h (sigma^-1 space) for a handle dragged to y in `space`. */
export function heightFrom(space: Space, y: number): number {
  return space === "output" ? logit(y) : y;
}

/**
 * What a key does to a focused bump handle: the change in its height h (sigma^-1 space), or
 * null for a key it ignores. Arrows step 0.1 (NNDL's increment), with Shift 0.01; Page keys 1.
 */
export function heightKey(key: string, shift: boolean): number | null {
  const small = shift ? 0.01 : 0.1;
  switch (key) {
    case "ArrowUp":
    case "ArrowRight":
      return small;
    case "ArrowDown":
    case "ArrowLeft":
      return -small;
    case "PageUp":
      return 1;
    case "PageDown":
      return -1;
    default:
      return null;
  }
}

/** What a key does to a focused step handle: the change in its position, or null. */
export function stepKey(key: string, shift: boolean): number | null {
  const small = shift ? 0.001 : 0.01;
  if (key === "ArrowRight" || key === "ArrowUp") return small;
  if (key === "ArrowLeft" || key === "ArrowDown") return -small;
  return null;
}

/** A height rounded for keyboard steps, so 0.1 + 0.2 shows as 0.3 (to 1e-9, no drift). */
export function tidy(h: number): number {
  return Math.round(h * 1e9) / 1e9;
}
