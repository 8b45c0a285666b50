import { describe, expect, it } from "vitest";
import { align, anyMonitored, TRAIN_STYLE } from "./chartdata";
import { LINE_STYLES } from "./legend";

describe("align", () => {
  it("merges series sampled at different x onto their sorted union, null where missing", () => {
    const a = { x: [0.5, 1, 1.5], y: [3, 2, 1] };
    const b = { x: [1, 2], y: [10, 20] };
    expect(align([a, b])).toEqual([
      [0.5, 1, 1.5, 2],
      [3, 2, 1, null],
      [null, 10, null, 20],
    ]);
  });

  it("turns non-finite values into gaps, and values <= 0 too for a log axis", () => {
    const s = { x: [1, 2, 3], y: [NaN, 0, 4] };
    expect(align([s])).toEqual([[1, 2, 3], [null, 0, 4]]);
    expect(align([s], true)).toEqual([[1, 2, 3], [null, null, 4]]);
  });

  it("accepts typed arrays and rejects x and y of different lengths", () => {
    const out = align([{ x: new Float32Array([0.25]), y: new Float32Array([0.5]) }]);
    expect(out).toEqual([[0.25], [0.5]]);
    expect(() => align([{ x: [1, 2], y: [1] }])).toThrow(/as many x as y, got 2 and 1/);
  });
});

describe("the monitored training curve", () => {
  it("is keyed only when some run monitors its training set", () => {
    expect(anyMonitored([{ settings: { monitor_train: null } }, { settings: {} }])).toBe(false);
    expect(anyMonitored([{ settings: {} }, { settings: { monitor_train: 1000 } }])).toBe(true);
  });

  it("looks unlike the validation and end-of-epoch lines", () => {
    const looks = [...LINE_STYLES, TRAIN_STYLE].map((s) => JSON.stringify([s.dash, s.marker, s.width]));
    expect(new Set(looks).size).toBe(looks.length);
  });
});
