import { describe, expect, it } from "vitest";
import { DIVERGING } from "../lib/colors";
import {
  DIVERGING_LUT, hiddenMapping, lutIndex, outputMapping, paintClasses, paintDiverging, pointColour,
  scaleWords,
} from "./paint";

const rgbAt = (i: number) => Array.from(DIVERGING_LUT.subarray(3 * i, 3 * i + 3));

describe("the diverging lookup table", () => {
  it("runs from the scale's blue end through its white middle to its red end", () => {
    expect(rgbAt(0)).toEqual(DIVERGING[0]);
    expect(rgbAt(255)).toEqual(DIVERGING[DIVERGING.length - 1]);
    const mid = rgbAt(128);
    for (const ch of mid) expect(ch).toBeGreaterThan(235);
  });
  it("clamps and sends NaN to the middle", () => {
    expect(lutIndex(-3)).toBe(0);
    expect(lutIndex(7)).toBe(255);
    expect(lutIndex(NaN)).toBe(128);
    expect(lutIndex(0.5)).toBe(128);
  });
});

describe("mappings", () => {
  const v = Float64Array.from([-4, 2, 0.5, -0.25]);
  it("shows sigmoid as it is, tanh around 0, unbounded ones by their largest magnitude", () => {
    expect(hiddenMapping("sigmoid", v)).toEqual({ offset: 0, scale: 1 });
    expect(hiddenMapping("tanh", v)).toEqual({ offset: 0.5, scale: 0.5 });
    expect(hiddenMapping("relu", v)).toEqual({ offset: 0.5, scale: 0.5 / 4 });
    expect(hiddenMapping("relu", v, 1, 3)).toEqual({ offset: 0.5, scale: 0.25 }); // only 2, 0.5
    expect(hiddenMapping("linear", new Float64Array(3))).toEqual({ offset: 0.5, scale: 0.5 });
  });
  it("puts a probability of 0.5 and a regression output of 0 at the white middle", () => {
    const p = outputMapping("binary", 1), r = outputMapping("regression", 3);
    expect(p.offset + p.scale * 0.5).toBe(0.5);
    expect(r.offset + r.scale * 0).toBe(0.5);
    expect(r.offset + r.scale * 3).toBe(1);
  });
});

describe("painting", () => {
  it("writes opaque RGBA from a layer's values starting at an offset", () => {
    const out = new Uint8ClampedArray(8);
    paintDiverging(Float64Array.from([9, 9, 0, 1]), 2, 2, { offset: 0, scale: 1 }, out);
    expect(Array.from(out)).toEqual([...rgbAt(0), 255, ...rgbAt(255), 255]);
  });
  it("colours three classes by the winner, paler when unsure", () => {
    // neuron-major, 2 points: point 0 sure of class 2, point 1 split evenly
    const out = Float64Array.from([0, 1 / 3, 0, 1 / 3, 1, 1 / 3]);
    const px = new Uint8ClampedArray(8);
    paintClasses(out, 3, 2, px);
    const sure = Array.from(px.subarray(0, 3)), unsure = Array.from(px.subarray(4, 7));
    expect(unsure).toEqual([250, 250, 250]);
    expect(sure[1]).toBeGreaterThan(sure[0]); // class 2 is green
    expect(px[3]).toBe(255);
  });
  it("fills points with their class's colour, matching the map's ends", () => {
    expect(pointColour("binary", 1, 0, 1)).toEqual(rgbAt(0));
    expect(pointColour("binary", 1, 1, 1)).toEqual(rgbAt(255));
    expect(pointColour("regression", 1, -2, 2)).toEqual(rgbAt(0));
  });
});

describe("the caption's scale in words", () => {
  it("says what blue, white and red stand for in each hidden function", () => {
    expect(scaleWords(hiddenMapping("sigmoid", new Float64Array([0.2])))).toBe("blue 0 \u00b7 white 0.5 \u00b7 red 1");
    expect(scaleWords(hiddenMapping("tanh", new Float64Array([0.2])))).toBe("blue \u22121 \u00b7 white 0 \u00b7 red 1");
    // unbounded: by the largest magnitude on the grid
    expect(scaleWords(hiddenMapping("relu", new Float64Array([0, 3.14159])))).toBe("blue \u22123.1 \u00b7 white 0 \u00b7 red 3.1");
  });
});
