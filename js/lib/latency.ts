// How long from an input (a pointer event) to its result on screen, as performance.measure
// entries that bench/canvas_latency.py reads from the page: for every animation frame that had
// new input, `${name}-latency` (oldest input of the frame -> painted), `${name}-wait` (oldest
// input -> the frame starting) and `${name}-work` (the frame's own work).

/** Measures kept per kind before the oldest are dropped (a long session would grow without end). */
export const KEEP = 2000;

export class FrameLatency {
  private pendingSince: number | null = null;

  constructor(readonly name: string) {}

  /** An input at `timeStamp` (performance.now() clock) waits for the next frame; the oldest counts. */
  input(timeStamp: number): void {
    if (this.pendingSince === null) this.pendingSince = timeStamp;
  }

  get pending(): boolean {
    return this.pendingSince !== null;
  }

  /** A frame that started at `frameStart` and began its work at `workStart` is on screen now. */
  frameDone(frameStart: number, workStart: number, now = performance.now()): void {
    const since = this.pendingSince;
    if (since === null) return;
    this.pendingSince = null;
    try {
      performance.measure(`${this.name}-latency`, { start: since, end: now });
      performance.measure(`${this.name}-work`, { start: workStart, end: now });
      performance.measure(`${this.name}-wait`, { start: since, end: Math.max(since, frameStart) });
      if (performance.getEntriesByName(`${this.name}-latency`).length > KEEP) {
        for (const kind of ["latency", "work", "wait"]) performance.clearMeasures(`${this.name}-${kind}`);
      }
    } catch {
      /* older browsers: performance.measure takes no options there */
    }
  }
}
