// One repaint per animation frame, however many inputs asked for it: the canvas's pointer moves
// and the diagram's hovers, edits and Python updates all go through `schedule`, so a burst of
// events costs one frame of work. The clock is injectable so the coalescing is tested under
// node (frames.test.ts) without a browser.
import type { FrameLatency } from "./latency";

/** requestAnimationFrame and cancelAnimationFrame, or a stand-in for tests. */
export interface FrameClock {
  request(callback: (frameStart: number) => void): number;
  cancel(id: number): void;
  now(): number;
}

export const animationFrames: FrameClock = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (id) => cancelAnimationFrame(id),
  now: () => performance.now(),
};

export class FrameScheduler {
  private id = 0;

  /**
   * `work` runs once per frame that was asked for; `latency` (optional) records how long each
   * input waited for it (bench/canvas_latency.py, bench/diagram_latency.py read the measures).
   * A function `work` returns runs after the frame is measured: what it sets off (the canvas
   * publishing its pixels, which a linked diagram draws from) is not counted as this frame's.
   */
  constructor(
    private readonly work: () => void | (() => void),
    readonly latency: FrameLatency | null = null,
    private readonly clock: FrameClock = animationFrames,
  ) {}

  /** Run the work on the next frame; `since` is the timeStamp of the input that asked for it. */
  schedule(since?: number): void {
    if (since !== undefined) this.latency?.input(since);
    if (!this.id) this.id = this.clock.request((frameStart) => this.frame(frameStart));
  }

  /** Run the work now, inside a frame already under way (e.g. a linked widget's frame). */
  runNow(since: number = this.clock.now()): void {
    this.latency?.input(since);
    const after = this.work();
    this.latency?.frameDone(since, since, this.clock.now());
    if (after) after();
  }

  /** Whether a frame is asked for and has not run yet. */
  get pending(): boolean {
    return this.id !== 0;
  }

  /** Drop the frame asked for, if any (a view's cleanup). */
  cancel(): void {
    if (this.id) this.clock.cancel(this.id);
    this.id = 0;
  }

  private frame(frameStart: number): void {
    this.id = 0;
    const workStart = this.clock.now();
    const after = this.work();
    this.latency?.frameDone(frameStart, workStart, this.clock.now());
    if (after) after();
  }
}
