import { describe, expect, it } from "vitest";
import { heightFrom, heightKey, plotBox, pxToX, pxToY, shownHeight, stepKey, tidy, xToPx, yRange, yToPx } from "./plot";

describe("plot geometry", () => {
  const box = plotBox(400, 300);

  it("maps x and y to pixels and back", () => {
    const r = { lo: -3, hi: 2 };
    for (const x of [0, 0.25, 1]) expect(pxToX(box, xToPx(box, x))).toBeCloseTo(x, 12);
    for (const y of [-3, 0.5, 2]) expect(pxToY(box, r, yToPx(box, r, y))).toBeCloseTo(y, 12);
    expect(yToPx(box, r, 2)).toBe(box.top); // up is up
    expect(pxToY(box, r, -1000)).toBe(2); // clamped to the range
    expect(pxToX(box, 1e6)).toBe(1);
  });

  it("the sigma^-1 range holds the goal and the heights in whole units, output space is [0, 1]", () => {
    expect(yRange("logit", [-2.2, 1.7], [0.1])).toEqual({ lo: -3, hi: 3 });
    expect(yRange("logit", [0], [4.2])).toEqual({ lo: -2, hi: 5 });
    expect(yRange("output", [-9], [9])).toEqual({ lo: 0, hi: 1 });
  });

  it("a handle in output space shows sigma(h), and dragging it there sets sigma^-1(y)", () => {
    expect(shownHeight("output", 0)).toBe(0.5);
    expect(shownHeight("logit", -1.3)).toBe(-1.3);
    expect(heightFrom("output", shownHeight("output", 1.25))).toBeCloseTo(1.25, 12);
    expect(heightFrom("logit", 0.7)).toBe(0.7);
  });

  it("keys: arrows step 0.1 (Shift 0.01), page keys 1; other keys are not ours", () => {
    expect(heightKey("ArrowUp", false)).toBe(0.1);
    expect(heightKey("ArrowDown", true)).toBe(-0.01);
    expect(heightKey("PageDown", false)).toBe(-1);
    expect(heightKey("Tab", false)).toBeNull();
    expect(stepKey("ArrowRight", false)).toBe(0.01);
    expect(stepKey("Enter", false)).toBeNull();
    expect(tidy(0.1 + 0.2)).toBe(0.3);
  });
});
