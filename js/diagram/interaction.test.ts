import { describe, expect, it } from "vitest";
import { editable, keyAction, nearRect, nudged, NUDGE, sameHit, toggled } from "./interaction";
import type { Hit } from "./layout";

// [784, 16, 12, 10]: two hidden layers of different widths, so a layer/width mix-up shows.
const SIZES = [784, 16, 12, 10];
const at = (layer: number, neuron: number) => ({ layer, neuron });
const focusOn = (layer: number, neuron: number) => ({ kind: "focus", hit: at(layer, neuron) });
const key = (k: string, focused: Hit | null, hovered: Hit | null = null) =>
  keyAction(k, SIZES, focused, hovered);

describe("keyAction: the arrows move the keyboard focus", () => {
  it("starts from the first neuron of layer 1 when nothing is focused", () => {
    expect(key("ArrowDown", null)).toEqual(focusOn(1, 1));
    expect(key("ArrowUp", null)).toEqual(focusOn(1, 0));
    expect(key("ArrowRight", null)).toEqual(focusOn(2, 0));
  });

  it("stops at a layer's first and last neuron", () => {
    expect(key("ArrowDown", at(2, 11))).toEqual(focusOn(2, 11));
    expect(key("ArrowUp", at(2, 0))).toEqual(focusOn(2, 0));
  });

  it("keeps the row between layers where it can, else the other layer's last neuron", () => {
    expect(key("ArrowRight", at(1, 5))).toEqual(focusOn(2, 5));
    expect(key("ArrowRight", at(1, 15))).toEqual(focusOn(2, 11));
    expect(key("ArrowLeft", at(3, 9))).toEqual(focusOn(2, 9));
    expect(key("ArrowLeft", at(1, 15))).toEqual(focusOn(0, 15));
  });

  it("leaves the key to the page past the first and the last layer", () => {
    expect(key("ArrowLeft", at(0, 3))).toBeNull();
    expect(key("ArrowRight", at(3, 3))).toBeNull();
  });
});

describe("keyAction: edits", () => {
  it("Enter and Space switch the focused hidden neuron, and nothing else", () => {
    expect(key("Enter", at(2, 4), at(1, 1))).toEqual({ kind: "toggle", hit: at(2, 4) });
    expect(key(" ", at(1, 0))).toEqual({ kind: "toggle", hit: at(1, 0) });
    expect(key("Enter", null, at(1, 1))).toBeNull(); // hovering is not focusing
    expect(key("Enter", at(3, 2))).toBeNull(); // an output neuron
    expect(key("Enter", at(0, 2))).toBeNull(); // an input pixel
  });

  it("+ and - scale the focused neuron, or the one under the pointer", () => {
    expect(key("+", at(1, 3), at(2, 2))).toEqual({ kind: "nudge", hit: at(1, 3), by: NUDGE });
    expect(key("=", null, at(2, 2))).toEqual({ kind: "nudge", hit: at(2, 2), by: NUDGE });
    expect(key("-", null, at(2, 2))).toEqual({ kind: "nudge", hit: at(2, 2), by: -NUDGE });
    expect(key("-", at(3, 0), at(2, 2))).toBeNull(); // focus wins, and it is an output
    expect(key("+", null)).toBeNull();
  });

  it("Escape leaves the neuron; other keys are the page's", () => {
    expect(key("Escape", at(1, 1))).toEqual({ kind: "leave" });
    expect(key("a", at(1, 1))).toBeNull();
    expect(key("Tab", at(1, 1))).toBeNull();
  });
});

describe("factors", () => {
  it("a click switches a neuron off, and a switched-off or scaled one back", () => {
    expect(toggled(1)).toBe(0);
    expect(toggled(0.5)).toBe(0);
    expect(toggled(0)).toBe(1);
  });

  it("+/- move in steps of 0.25, never below 0, without drifting", () => {
    expect(nudged(1, NUDGE)).toBe(1.25);
    expect(nudged(0.25, -NUDGE)).toBe(0);
    expect(nudged(0, -NUDGE)).toBe(0);
    let s = 0;
    for (let i = 0; i < 10; i++) s = nudged(s, 0.1); // 0.1 is not exact in binary
    expect(s).toBe(1);
  });
});

describe("where the pointer is", () => {
  it("only hidden neurons are editable", () => {
    expect(SIZES.map((_, l) => editable(at(l, 0), SIZES))).toEqual([false, true, true, false]);
    expect(editable(null, SIZES)).toBe(false);
  });

  it("compares hits by value", () => {
    expect(sameHit(at(1, 2), at(1, 2))).toBe(true);
    expect(sameHit(at(1, 2), at(2, 1))).toBe(false);
    expect(sameHit(null, null)).toBe(true);
    expect(sameHit(at(1, 2), null)).toBe(false);
  });

  it("counts the gap around the card as on it", () => {
    const card = { left: 100, right: 200, top: 50, bottom: 120 };
    expect(nearRect(150, 80, card)).toBe(true);
    expect(nearRect(90, 40, card)).toBe(true); // within 18 px
    expect(nearRect(81, 80, card, 18)).toBe(false);
    expect(nearRect(150, 139, card)).toBe(false);
  });
});
