import { describe, expect, it } from "vitest";
import { DIVERGING, SEQUENTIAL, css, diverging, sequential, symmetricLimit, type RGB } from "./colors";

/** Relative luminance (WCAG) of an sRGB colour: how light it looks, 0..1. */
function luminance([r, g, b]: RGB): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

const steps = (n: number) => Array.from({ length: n + 1 }, (_, i) => i / n);

describe("sequential", () => {
  it("runs from the first anchor at 0 to the last at 1", () => {
    expect(sequential(0)).toEqual(SEQUENTIAL[0]);
    expect(sequential(1)).toEqual(SEQUENTIAL[SEQUENTIAL.length - 1]);
  });

  it("passes through the anchors at even spacing", () => {
    // 4 anchors: the second sits at 1/3
    expect(sequential(1 / 3)).toEqual(SEQUENTIAL[1]);
  });

  it("gets darker as the value grows, so larger activations read as more ink", () => {
    const lum = steps(50).map((t) => luminance(sequential(t)));
    for (let i = 1; i < lum.length; i++) expect(lum[i]).toBeLessThan(lum[i - 1]);
  });

  it("clamps outside 0..1 and treats NaN as 0", () => {
    expect(sequential(-3)).toEqual(sequential(0));
    expect(sequential(7)).toEqual(sequential(1));
    expect(sequential(NaN)).toEqual(sequential(0));
  });
});

describe("diverging", () => {
  it("puts zero at the light middle and +-limit at the ends", () => {
    expect(diverging(0)).toEqual(DIVERGING[2]);
    expect(diverging(-2, 2)).toEqual(DIVERGING[0]);
    expect(diverging(2, 2)).toEqual(DIVERGING[4]);
    expect(diverging(50, 2)).toEqual(DIVERGING[4]);
  });

  it("is blue for negative values and red for positive ones", () => {
    const [rn, , bn] = diverging(-0.5);
    const [rp, , bp] = diverging(0.5);
    expect(bn).toBeGreaterThan(rn);
    expect(rp).toBeGreaterThan(bp);
  });

  it("gets darker with the magnitude on each side", () => {
    const right = steps(40).map((t) => luminance(diverging(t)));
    const left = steps(40).map((t) => luminance(diverging(-t)));
    for (let i = 1; i < right.length; i++) {
      expect(right[i]).toBeLessThan(right[i - 1]);
      expect(left[i]).toBeLessThan(left[i - 1]);
    }
  });

  it("scales by the limit: v at limit L looks like v/L at limit 1", () => {
    expect(diverging(0.3, 0.5)).toEqual(diverging(0.6));
  });

  it("rejects a limit that is not positive and finite", () => {
    expect(() => diverging(1, 0)).toThrow(/limit must be a positive finite number, got 0/);
    expect(() => diverging(1, -1)).toThrow(/got -1/);
    expect(() => diverging(1, NaN)).toThrow(/got NaN/);
  });
});

describe("symmetricLimit and css", () => {
  it("takes the largest finite magnitude, 1 when there is none", () => {
    expect(symmetricLimit(Float32Array.of(0.5, -3, 2))).toBe(3);
    expect(symmetricLimit([NaN, Infinity, -0.25])).toBe(0.25);
    expect(symmetricLimit([])).toBe(1);
    expect(symmetricLimit([0, 0])).toBe(1);
  });

  it("formats rgb()", () => {
    expect(css([1, 22, 255])).toBe("rgb(1, 22, 255)");
  });
});
