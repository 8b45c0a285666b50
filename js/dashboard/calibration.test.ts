import { describe, expect, it } from "vitest";
import { eceLine, formatEce, reliabilityBars } from "./calibration";

describe("the reliability diagram", () => {
  // 4 bins in a 100 x 50 box; bin 1 empty. Bin 2 holds 3 examples, 2/3 right, mean confidence
  // 0.6 (in (0.5, 0.75]): a bar 2/3 high at x 50..75, its gap up to 0.6 of the height.
  const counts = [2, 0, 3, 1];
  const acc = [0.5, NaN, 2 / 3, 1];
  const conf = [0.2, NaN, 0.6, 0.9];

  it("draws a bar per bin that holds examples, at the bin's place, as high as its accuracy", () => {
    const bars = reliabilityBars(counts, acc, conf, 100, 50);
    expect(bars.map((b) => b.bin)).toEqual([0, 2, 3]);
    const b = bars[1];
    expect(b.x).toBe(50);
    expect(b.width).toBe(25);
    expect(b.y).toBeCloseTo(50 - (2 / 3) * 50);
    expect(b.confY).toBeCloseTo(20); // 50 - 0.6 * 50
    expect(bars[2].y).toBe(0); // all right: full height
  });

  it("refuses bins of different lengths", () => {
    expect(() => reliabilityBars([1, 2], [1], [1, 1], 10, 10)).toThrow(/as many accuracies/);
  });
});

describe("the ECE-per-epoch line", () => {
  it("puts epochs across and the ECE up to a top rounded to 5%", () => {
    // largest 0.12 -> top 0.15; epochs 0..4 across 80 px; height 30
    const { segments, top, xMax } = eceLine([0, 1, 2, 4], [0.06, 0.12, NaN, 0.03], 80, 30);
    expect(top).toBeCloseTo(0.15);
    expect(xMax).toBe(4);
    expect(segments).toHaveLength(2); // the NaN breaks it
    expect(segments[0][0][0]).toBe(0);
    expect(segments[0][0][1]).toBeCloseTo(30 - (0.06 / 0.15) * 30);
    expect(segments[0][1]).toEqual([20, expect.closeTo(6, 6)]); // 30 - 0.8 * 30
    expect(segments[1]).toEqual([[80, expect.closeTo(24, 6)]]);
  });

  it("keeps a 5% axis and one epoch for a single small point", () => {
    const { top, xMax, segments } = eceLine([0], [0.01], 10, 10);
    expect(top).toBe(0.05);
    expect(xMax).toBe(1);
    expect(segments).toEqual([[[0, expect.closeTo(8, 6)]]]);
  });

  it("writes the ECE as Python's {:.1%}", () => {
    expect(formatEce(0.0312)).toBe("3.1%");
    expect(formatEce(0.425)).toBe("42.5%");
    expect(formatEce(null)).toBe("–");
    expect(formatEce(NaN)).toBe("–");
  });
});
