import { afterEach, describe, expect, it } from "vitest";
import { FrameScheduler, type FrameClock } from "./frames";
import { FrameLatency } from "./latency";

/** A clock whose frames run when the test says so. */
class FakeClock implements FrameClock {
  t = 1000;
  private next = 1;
  readonly waiting = new Map<number, (t: number) => void>();
  request(callback: (t: number) => void): number {
    const id = this.next++;
    this.waiting.set(id, callback);
    return id;
  }
  cancel(id: number): void {
    this.waiting.delete(id);
  }
  now(): number {
    return this.t;
  }
  /** Run the frames asked for so far, at time `t`. */
  tick(t = this.t): void {
    this.t = t;
    const due = [...this.waiting.values()];
    this.waiting.clear();
    for (const cb of due) cb(t);
  }
}

const durations = (name: string) => performance.getEntriesByName(name).map((e) => e.duration);

describe("FrameScheduler", () => {
  afterEach(() => performance.clearMeasures());

  it("coalesces every request before a frame into one run of the work", () => {
    const clock = new FakeClock();
    let runs = 0;
    const frames = new FrameScheduler(() => void (runs += 1), null, clock);
    frames.schedule();
    frames.schedule();
    frames.schedule();
    expect(clock.waiting.size).toBe(1);
    expect(frames.pending).toBe(true);
    clock.tick();
    expect(runs).toBe(1);
    expect(frames.pending).toBe(false);
    frames.schedule(); // the next request asks for the next frame
    clock.tick();
    expect(runs).toBe(2);
  });

  it("cancel drops the frame asked for, and nothing runs afterwards", () => {
    const clock = new FakeClock();
    let runs = 0;
    const frames = new FrameScheduler(() => void (runs += 1), null, clock);
    frames.schedule();
    frames.cancel();
    clock.tick();
    expect(runs).toBe(0);
    expect(clock.waiting.size).toBe(0);
    expect(frames.pending).toBe(false);
  });

  it("measures from the oldest input to the end of the frame's work", () => {
    const clock = new FakeClock();
    const t0 = performance.now();
    clock.t = t0;
    const latency = new FrameLatency("test:frames");
    const frames = new FrameScheduler(() => void (clock.t += 3), latency, clock);
    frames.schedule(t0);
    frames.schedule(t0 + 4); // the same frame: the start stays at t0
    clock.tick(t0 + 10);
    // waited 10 ms for the frame, worked 3 ms in it
    expect(durations("test:frames-latency").map(Math.round)).toEqual([13]);
    expect(durations("test:frames-wait").map(Math.round)).toEqual([10]);
    expect(durations("test:frames-work").map(Math.round)).toEqual([3]);
  });

  it("runs what the work hands back after the frame is measured", () => {
    const clock = new FakeClock();
    const t0 = performance.now();
    clock.t = t0;
    const order: string[] = [];
    const latency = new FrameLatency("test:after");
    const frames = new FrameScheduler(() => {
      order.push("work");
      return () => {
        order.push(`after, measured: ${durations("test:after-work").length}`);
        clock.t += 50; // a linked widget's work: not this frame's
      };
    }, latency, clock);
    frames.schedule(t0);
    clock.tick(t0 + 1);
    expect(order).toEqual(["work", "after, measured: 1"]);
    expect(durations("test:after-work").map(Math.round)).toEqual([0]);
  });

  it("runNow works at once, and a frame already asked for still comes", () => {
    const clock = new FakeClock();
    let runs = 0;
    const frames = new FrameScheduler(() => void (runs += 1), null, clock);
    frames.schedule();
    frames.runNow();
    expect(runs).toBe(1);
    clock.tick();
    expect(runs).toBe(2);
  });
});
