import { describe, expect, it } from "vitest";
import { editable, keyAction, nearRect, nudged, NUDGE, sameHit, toggled } from "./interaction";

// [784, 16, 12, 10]: two hidden layers of different widths, so a layer/width mix-up shows.
const SIZES = [784, 16, 12, 10];
const at = (layer: number, neuron: number) => ({ layer, neuron });

describe("keyAction: the arrows move the keyboard focus", () => {
  it("starts from the first neuron of layer 1 when nothing is focused", () => {
    expect(keyAction("ArrowDown", SIZES, null, null)).toEqual({ kind: "focus", hit: at(1, 1) });
    expect(keyAction("ArrowUp", SIZES, null, null)).toEqual({ kind: "focus", hit: at(1, 0) });
    expect(keyAction("ArrowRight", SIZES, null, null)).toEqual({ kind: "focus", hit: at(2, 0) });
  });

  it("stops at a layer's first and last neuron", () => {
    expect(keyAction("ArrowDown", SIZES, at(2, 11), null)).toEqual({ kind: "focus", hit: at(2, 11) });
    expect(keyAction("ArrowUp", SIZES, at(2, 0), null)).toEqual({ kind: "focus", hit: at(2, 0) });
  });

  it("keeps the row between layers where it can, else the other layer's last neuron", () => {
    expect(keyAction("ArrowRight", SIZES, at(1, 5), null)).toEqual({ kind: "focus", hit: at(2, 5) });
    expect(keyAction("ArrowRight", SIZES, at(1, 15), null)).toEqual({ kind: "focus", hit: at(2, 11) });
    expect(keyAction("ArrowLeft", SIZES, at(3, 9), null)).toEqual({ kind: "focus", hit: at(2, 9) });
    expect(keyAction("ArrowLeft", SIZES, at(1, 15), null)).toEqual({ kind: "focus", hit: at(0, 15) });
  });

  it("leaves the key to the page past the first and the last layer", () => {
    expect(keyAction("ArrowLeft", SIZES, at(0, 3), null)).toBeNull();
    expect(keyAction("ArrowRight", SIZES, at(3, 3), null)).toBeNull();
  });
});

describe("keyAction: edits", () => {
  it("Enter and Space switch the focused hidden neuron, and nothing else", () => {
    expect(keyAction("Enter", SIZES, at(2, 4), at(1, 1))).toEqual({ kind: "toggle", hit: at(2, 4) });
    expect(keyAction(" ", SIZES, at(1, 0), null)).toEqual({ kind: "toggle", hit: at(1, 0) });
    expect(keyAction("Enter", SIZES, null, at(1, 1))).toBeNull(); // hovering is not focusing
    expect(keyAction("Enter", SIZES, at(3, 2), null)).toBeNull(); // an output neuron
    expect(keyAction("Enter", SIZES, at(0, 2), null)).toBeNull(); // an input pixel
  });

  it("+ and - scale the focused neuron, or the one under the pointer", () => {
    expect(keyAction("+", SIZES, at(1, 3), at(2, 2))).toEqual({ kind: "nudge", hit: at(1, 3), by: NUDGE });
    expect(keyAction("=", SIZES, null, at(2, 2))).toEqual({ kind: "nudge", hit: at(2, 2), by: NUDGE });
    expect(keyAction("-", SIZES, null, at(2, 2))).toEqual({ kind: "nudge", hit: at(2, 2), by: -NUDGE });
    expect(keyAction("-", SIZES, at(3, 0), at(2, 2))).toBeNull(); // focus wins, and it is an output
    expect(keyAction("+", SIZES, null, null)).toBeNull();
  });

  it("Escape leaves the neuron; other keys are the page's", () => {
    expect(keyAction("Escape", SIZES, at(1, 1), null)).toEqual({ kind: "leave" });
    expect(keyAction("a", SIZES, at(1, 1), null)).toBeNull();
    expect(keyAction("Tab", SIZES, at(1, 1), null)).toBeNull();
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
