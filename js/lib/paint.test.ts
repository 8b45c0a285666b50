import { describe, expect, it } from "vitest";
import { devicePixels, grayToRgba } from "./paint";

describe("grayToRgba", () => {
  it("writes opaque gray levels, clamped to 0..1", () => {
    const out = new Uint8ClampedArray(12);
    grayToRgba([0.5, -1, 3], 3, out);
    expect(Array.from(out)).toEqual([128, 128, 128, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it("rejects an output too small for the image", () => {
    expect(() => grayToRgba([0, 0], 2, new Uint8ClampedArray(7))).toThrow(/out must hold 8 bytes, got 7/);
  });
});

describe("devicePixels", () => {
  it("scales CSS pixels by the device pixel ratio", () => {
    expect(devicePixels(280, 2)).toBe(560);
    expect(devicePixels(280, 1.25)).toBe(350);
    expect(devicePixels(281, 1.5)).toBe(422); // 421.5 rounds up
  });

  it("counts a missing ratio as 1", () => {
    expect(devicePixels(280, undefined)).toBe(280);
    expect(devicePixels(280, 0)).toBe(280);
  });
});
