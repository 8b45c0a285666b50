import { describe, expect, it } from "vitest";
import { describeProgress, eta, formatDuration, fractionDone, samplesPerSecond } from "./progress";

const halfway = {
  run: 0, runs: 1, epoch: 2, epochs: 4, batch: 10, batches: 20,
  samples: 3000, samples_total: 6000, elapsed: 30,
};

describe("progress", () => {
  it("formats durations as m:ss or h:mm:ss", () => {
    expect(formatDuration(7.9)).toBe("0:07");
    expect(formatDuration(754)).toBe("12:34");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(NaN)).toBe("–");
  });

  it("computes the rate and the time left from samples and elapsed time", () => {
    expect(samplesPerSecond(halfway)).toBe(100); // 3000 samples in 30 s
    expect(eta(halfway)).toBe(30); // 3000 left at 100 a second
    expect(fractionDone(halfway)).toBe(0.5);
    expect(Number.isNaN(eta({ ...halfway, samples: 0, elapsed: 0 }))).toBe(true);
    expect(eta({ ...halfway, samples: 6000 })).toBe(0);
  });

  it("describes the position in reading order", () => {
    expect(describeProgress(halfway)).toEqual([
      "epoch 2/4", "batch 10/20", "100 samples/s", "elapsed 0:30", "ETA 0:30",
    ]);
    expect(describeProgress({ ...halfway, run: 1, runs: 3 })[0]).toBe("run 2/3");
    expect(describeProgress({ run: null, runs: 1 })).toEqual([]);
  });
});
