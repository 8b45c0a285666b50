// What the pointer and the keyboard do in the diagram, as pure functions of where the pointer
// and the keyboard focus are: widget.ts turns events into these calls and applies the answer
// (tested under node in interaction.test.ts).
//
// Keyboard (ARIA's roving focus inside one focusable canvas): the arrow keys move between
// neurons (up/down within a layer, left/right between layers), Enter or Space switches a
// hidden neuron off or on, + and - scale it by NUDGE, Escape leaves the neuron.
import type { Hit } from "./layout";

/** How much + and - (keys or the card's buttons) change a neuron's factor. */
export const NUDGE = 0.25;

/** Pixels around the details card that still count as on it (the way from a neuron to it). */
export const CARD_GAP = 18;

export type KeyAction =
  | { kind: "focus"; hit: Hit }
  | { kind: "toggle"; hit: Hit }
  | { kind: "nudge"; hit: Hit; by: number }
  | { kind: "leave" };

export function sameHit(a: Hit | null, b: Hit | null): boolean {
  return a === b || (!!a && !!b && a.layer === b.layer && a.neuron === b.neuron);
}

/** Whether `hit` is a hidden neuron (the only ones the diagram edits). */
export function editable(hit: Hit | null, sizes: readonly number[]): hit is Hit {
  return !!hit && hit.layer > 0 && hit.layer < sizes.length - 1;
}

/** A click: a neuron that is off comes back on (factor 1); any other goes off. */
export function toggled(scale: number): number {
  return scale === 0 ? 1 : 0;
}

/** + or -: the factor moved by `by`, never below 0, rounded to hundredths (so 0.1 steps do not
 * drift). */
export function nudged(scale: number, by: number): number {
  return Math.max(0, Math.round((scale + by) * 100) / 100);
}

/**
 * What `key` does with keyboard focus on `focused` and the pointer on `hovered`, in a network
 * of `sizes`; null for a key the diagram leaves to the page (it is then not consumed).
 * With no neuron focused yet the arrows start from the first neuron of layer 1.
 */
export function keyAction(
  key: string, sizes: readonly number[], focused: Hit | null, hovered: Hit | null,
): KeyAction | null {
  const L = sizes.length - 1;
  const cur = focused ?? { layer: Math.min(1, L), neuron: 0 };
  const last = (l: number) => sizes[l] - 1;
  const target = focused ?? hovered; // + and - also act on the neuron under the pointer
  const focus = (layer: number, neuron: number): KeyAction => ({
    kind: "focus", hit: { layer, neuron },
  });
  switch (key) {
    case "ArrowDown":
      return focus(cur.layer, Math.min(last(cur.layer), cur.neuron + 1));
    case "ArrowUp":
      return focus(cur.layer, Math.max(0, cur.neuron - 1));
    case "ArrowRight":
      return cur.layer < L ? focus(cur.layer + 1, Math.min(last(cur.layer + 1), cur.neuron)) : null;
    case "ArrowLeft":
      return cur.layer > 0 ? focus(cur.layer - 1, Math.min(last(cur.layer - 1), cur.neuron)) : null;
    case "Enter":
    case " ":
      return editable(focused, sizes) ? { kind: "toggle", hit: focused } : null;
    case "+":
    case "=":
      return editable(target, sizes) ? { kind: "nudge", hit: target, by: NUDGE } : null;
    case "-":
      return editable(target, sizes) ? { kind: "nudge", hit: target, by: -NUDGE } : null;
    case "Escape":
      return { kind: "leave" };
    default:
      return null;
  }
}

export interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Whether the point (x, y) is on `rect` or within `gap` pixels of it. */
export function nearRect(x: number, y: number, rect: Rect, gap = CARD_GAP): boolean {
  return x >= rect.left - gap && x <= rect.right + gap
    && y >= rect.top - gap && y <= rect.bottom + gap;
}

/**
 * Whether leaving `from` for `next` (a pointerleave's relatedTarget) leaves the diagram: moving
 * between the drawing and its card does not.
 */
export function leavesFor(next: Node | null, other: Node): boolean {
  return !(next && (next === other || other.contains(next)));
}
