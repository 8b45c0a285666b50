import { describe, expect, it } from "vitest";
import {
  LINE_STYLES, accuracyRange, describeLatest, formatLoss, formatPercent, lastFinite, latestValues,
  lastAtOrBefore, placeLabels, valuesAt,
} from "./legend";

describe("formatPercent rounds as Python's format(a, '.1%')", () => {
  // Expected strings printed by CPython 3.11: format(a, ".1%"), ".2%" and ".0%".
  const cases: [number, string, string, string][] = [
    [1771 / 2000, "88.5%", "88.55%", "89%"], // the lab's 1771/2000 (toFixed agrees here)
    [1765 / 2000, "88.2%", "88.25%", "88%"], // a tie: toFixed(1) says 88.3
    [0.8125, "81.2%", "81.25%", "81%"], // exact in binary: a true tie, to the even digit
    [0.5, "50.0%", "50.00%", "50%"],
    [0, "0.0%", "0.00%", "0%"],
    [1, "100.0%", "100.00%", "100%"],
    [0.99995, "100.0%", "100.00%", "100%"],
    [0.9995, "100.0%", "99.95%", "100%"],
    [1 / 3, "33.3%", "33.33%", "33%"],
    [2 / 3, "66.7%", "66.67%", "67%"],
    [0.00049, "0.0%", "0.05%", "0%"],
    [1e-20, "0.0%", "0.00%", "0%"],
  ];
  it.each(cases)("%s", (a, one, two, none) => {
    expect(formatPercent(a)).toBe(one);
    expect(formatPercent(a, 2)).toBe(two);
    expect(formatPercent(a, 0)).toBe(none);
  });
  it("differs from toFixed on ties", () => {
    expect(((1765 / 2000) * 100).toFixed(1)).toBe("88.3"); // why the helper exists
  });
  it("shows a dash for no value", () => {
    expect(formatPercent(null)).toBe("–");
    expect(formatPercent(Number.NaN)).toBe("–");
  });
});

describe("the legend's values", () => {
  it("are each run's latest finite smoothed and validation figures", () => {
    const v = latestValues({
      smoothLoss: Float64Array.of(2.3, 0.5, Number.NaN), smoothAcc: Float64Array.of(0.1, 0.8855),
      vloss: Float32Array.of(0.61), vacc: Float32Array.of(0.875),
    });
    expect(v).toEqual({ loss: 0.5, accuracy: 0.8855, valLoss: Math.fround(0.61), valAccuracy: 0.875 });
    expect(describeLatest(v)).toBe("loss 0.500 · accuracy 88.5% · validation 0.610 · 87.5%");
  });
  it("say so before there are any, and leave out validation when there is none", () => {
    const none = latestValues({ smoothLoss: [], smoothAcc: [], vloss: [], vacc: [] });
    expect(describeLatest(none)).toBe("loss – · accuracy –");
  });
  it("format losses of any size", () => {
    expect(formatLoss(0.31234)).toBe("0.312");
    expect(formatLoss(12345)).toBe("1.23e+4");
    expect(formatLoss(0.00001234)).toBe("1.23e-5");
    expect(formatLoss(0)).toBe("0.00");
    expect(lastFinite([1, Number.POSITIVE_INFINITY])).toBe(1);
  });
});

describe("line styles", () => {
  it("tell the four curves apart by dash or marker, not by colour alone", () => {
    const looks = LINE_STYLES.map((s) => JSON.stringify([s.dash, s.marker, s.width]));
    expect(new Set(looks).size).toBe(4);
    expect(LINE_STYLES.map((s) => s.label)).not.toContain("epoch"); // the x axis's label
  });
});

describe("accuracyRange", () => {
  it("comes from the data, padded and snapped to 0.05", () => {
    expect(accuracyRange(0.91, 0.985)).toEqual([0.9, 1]);
    expect(accuracyRange(0.42, 0.7)).toEqual([0.4, 0.75]);
  });
  it("spans at least ten points and stays within [0, 1]", () => {
    expect(accuracyRange(0.995, 0.999)).toEqual([0.9, 1]);
    expect(accuracyRange(0.001, 0.02)).toEqual([0, 0.1]);
  });
  it("is [0, 1] without data", () => {
    expect(accuracyRange(null, null)).toEqual([0, 1]);
  });
});

describe("placeLabels", () => {
  it("puts each label just right of its mark", () => {
    expect(placeLabels([{ x: 10, width: 50 }, { x: 200, width: 50 }], 600)).toEqual([13, 203]);
  });
  it("moves a label right of the one before instead of overlapping it", () => {
    expect(placeLabels([{ x: 10, width: 50 }, { x: 20, width: 50 }], 600)).toEqual([13, 69]);
  });
  it("keeps a label inside the chart at its right edge", () => {
    expect(placeLabels([{ x: 590, width: 50 }], 600)).toEqual([550]);
  });
});

describe("values at the cursor", () => {
  // x, then one run: mini-batch, smoothed, epoch, validation (as chartSeries adds them)
  const loss = [[0.5, 1, 1.5, 2], [2, 1, 0.9, 0.8], [1.9, 1.2, null, 0.7], [null, 1.1, null, 0.75],
    [null, 1.3, null, 0.9]];
  const acc = [[0.5, 1, 1.5, 2], [0.5, 0.7, 0.8, 0.9], [0.4, 0.6, 0.7, 0.85], [null, 0.62, null, 0.84],
    [null, 0.61, null, 0.8]];
  it("are the last points at or before the cursor", () => {
    expect(valuesAt(loss, acc, 0, 2)).toEqual({ loss: 1.2, accuracy: 0.7, valLoss: 1.3, valAccuracy: 0.61 });
    expect(valuesAt(loss, acc, 0, 0)).toEqual({ loss: 1.9, accuracy: 0.4, valLoss: null, valAccuracy: null });
  });
  it("are none for a run the data does not hold", () => {
    expect(valuesAt(loss, acc, 1, 3)).toEqual({ loss: null, accuracy: null, valLoss: null, valAccuracy: null });
    expect(lastAtOrBefore([null, Number.NaN], 5)).toBe(null);
  });
});
