import { describe, expect, it } from "vitest";
import { sequential } from "../lib/colors";
import { cellFill, inkOn, meanSpread, valueRange } from "./results";

describe("the heat map", () => {
  // 2 x 3 (rows != columns), one missing cell.
  const values = [[0.8, 0.9, null], [0.85, 0.5, 0.95]];

  it("ranges over the finite values only", () => {
    expect(valueRange(values)).toEqual([0.5, 0.95]);
    expect(valueRange([[null, NaN]])).toBeNull();
  });

  it("fills the lowest lightest and the highest darkest, within the readable part of the scale", () => {
    const range = valueRange(values);
    expect(cellFill(0.5, range)).toEqual(sequential(0.05));
    expect(cellFill(0.95, range)).toEqual(sequential(0.85));
    // 0.725 is halfway: 0.05 + 0.8 * 0.5
    expect(cellFill(0.725, range)).toEqual(sequential(0.45));
    expect(cellFill(null, range)).toBeNull();
    // one value only: drawn dark, not NaN
    expect(cellFill(0.9, [0.9, 0.9])).toEqual(sequential(0.85));
  });

  it("writes dark text on light cells and light text on dark ones", () => {
    expect(inkOn(sequential(0.05))).toBe("#1c1c38");
    expect(inkOn(sequential(0.85))).toBe("#ffffff");
  });
});

describe("meanSpread", () => {
  it("gives the mean as Python rounds it and the spread in points", () => {
    expect(meanSpread(0.85, 0.05)).toBe("85.0% ± 5.0");
    expect(meanSpread(0.9125, 0)).toBe("91.2%"); // one seed: no spread; a tie to even as Python
    expect(meanSpread(null, null)).toBe("–");
  });
});
