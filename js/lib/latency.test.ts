import { afterEach, describe, expect, it } from "vitest";
import { FrameLatency, KEEP } from "./latency";

// rounded to the microsecond: (t0 + 12) - t0 need not be exactly 12 in floating point
const durations = (name: string) => performance.getEntriesByName(name).map((e) => Math.round(e.duration * 1000) / 1000);

describe("FrameLatency", () => {
  afterEach(() => performance.clearMeasures());

  it("measures from the oldest input of a frame, as bench/canvas_latency.py reads it", () => {
    const t = new FrameLatency("test:pad");
    const t0 = performance.now();
    t.input(t0); // first pointer event
    t.input(t0 + 5); // a later one in the same frame does not move the start
    t.frameDone(t0 + 8, t0 + 9, t0 + 12);
    expect(durations("test:pad-latency")).toEqual([12]);
    expect(durations("test:pad-wait")).toEqual([8]);
    expect(durations("test:pad-work")).toEqual([3]);
    expect(t.pending).toBe(false);
  });

  it("records nothing for a frame without input (a resize, a new network)", () => {
    const t = new FrameLatency("test:idle");
    const t0 = performance.now();
    t.frameDone(t0, t0, t0 + 1);
    expect(durations("test:idle-latency")).toEqual([]);
  });

  it("a frame that started before the input waited 0 ms", () => {
    const t = new FrameLatency("test:early");
    const t0 = performance.now();
    t.input(t0 + 2);
    t.frameDone(t0, t0 + 3, t0 + 4);
    expect(durations("test:early-wait")).toEqual([0]);
  });

  it(`keeps at most ${KEEP} measures of each kind`, () => {
    const t = new FrameLatency("test:long");
    const t0 = performance.now();
    for (let i = 0; i <= KEEP; i++) {
      t.input(t0);
      t.frameDone(t0, t0, t0 + 1);
    }
    expect(durations("test:long-latency").length).toBeLessThanOrEqual(KEEP);
    expect(durations("test:long-work").length).toBeLessThanOrEqual(KEEP);
  });
});
