import { describe, expect, it } from "vitest";
import { runColor, withAlpha } from "./palette";

describe("palette", () => {
  it("gives distinct colours to the first runs and cycles after", () => {
    const first = Array.from({ length: 8 }, (_, i) => runColor(i));
    expect(new Set(first).size).toBe(8);
    expect(runColor(8)).toBe(runColor(0));
  });

  it("adds opacity to a #rrggbb colour", () => {
    expect(withAlpha("#2f6fdf", 0.5)).toBe("rgba(47, 111, 223, 0.5)");
    expect(() => withAlpha("blue", 1)).toThrow(/#rrggbb/);
  });

  it("gives every run a colour withAlpha accepts (a grid of ten runs drew nothing)", () => {
    for (let i = 0; i < 8; i++) expect(withAlpha(runColor(i), 0.5)).toMatch(/^rgba\(/);
  });
});
