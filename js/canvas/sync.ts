// The pad <-> Python conversation (src/nnwidgets/widgets/canvas.py), without the DOM:
//   * when a stroke ends (and on Undo or Clear) the view reports its 28x28 and strokes in
//     `_drawn`, numbered "<view id>:<n>";
//   * Python validates the report, then sets `pixels`, `strokes` and `_echo` (that number) in
//     one message, or `_echo` = "" when Python itself set the digit (show, clear);
//   * a view ignores its own report coming back (the pad may already hold more ink than it
//     did) and shows anything else: Python's digit, or a drawing made in another view.
// Hosts without a kernel (an exported page, MyST) keep the report in their page model.
import type { Cleanups } from "../lib/cleanup";
import { saveChanges, type HostModel } from "../lib/host";
import { decodeArray, encodeArray, type WireArray } from "../lib/wire";
import type { NetworkState } from "../lib/network";
import { SIZE, toMnist } from "./preprocess";
import { Ink, PAD, type Point, type Stroke } from "./strokes";

/** The view's report when a stroke ends. */
export interface DrawnReport {
  pixels: WireArray;
  strokes: Stroke[];
  seq: string;
}

/** The traits DigitCanvas syncs. */
export interface CanvasModel {
  pixels: WireArray;
  probabilities: WireArray | null;
  prediction: number | null;
  strokes: Stroke[];
  show_steps: boolean;
  _network: NetworkState | null;
  _drawn: DrawnReport | null;
  _echo: string;
}

/** One view's numbering of its reports. */
export class PadSync {
  private sent = 0;

  constructor(readonly viewId: string = Math.random().toString(36).slice(2, 10)) {
    if (!viewId || viewId.includes(":")) throw new Error(`viewId must be non-empty without ":", got ${JSON.stringify(viewId)}`);
  }

  /** The next report: the 28x28 as float32, and a copy of the strokes. */
  report(pixels: Float32Array, strokes: readonly Stroke[]): DrawnReport {
    this.sent += 1;
    return {
      pixels: encodeArray(pixels, [SIZE, SIZE]),
      strokes: copyStrokes(strokes),
      seq: `${this.viewId}:${this.sent}`,
    };
  }

  /** Whether `_echo` names one of this view's reports. */
  isOwnEcho(echo: unknown): boolean {
    return typeof echo === "string" && echo.startsWith(`${this.viewId}:`);
  }
}

/** Put a report on the model and send it to Python where there is a kernel. */
export function sendReport(model: HostModel<CanvasModel>, report: DrawnReport): void {
  model.set("_drawn", report);
  saveChanges(model);
}

function copyStrokes(strokes: readonly (readonly number[])[][]): Stroke[] {
  return strokes.map((s) => s.map((p) => [p[0], p[1]] as Point));
}

/** Whether `strokes` alone make `px` (then no background image is needed). */
export function drawnBy(strokes: readonly Stroke[], px: ArrayLike<number>): boolean {
  if (!strokes.length) return false;
  const probe = new Ink();
  probe.redraw(strokes);
  const mine = toMnist(probe.data, PAD, PAD);
  return mine.every((v, i) => Math.abs(v - px[i]) < 1e-6);
}

/**
 * What the pad should show for the model's `pixels` and `strokes`, or null to leave it as it
 * is: the view's own report coming back (unless `first`, a view opening on a drawing), or
 * pixels that cannot be read. `digit` is the 28x28 to put under the strokes (PadDrawing.show),
 * null when the pad is blank or the strokes alone make the pixels.
 */
export function digitFromPython(
  model: Pick<HostModel<CanvasModel>, "get">, sync: PadSync, first: boolean,
): { strokes: Stroke[]; digit: Float32Array | null } | null {
  if (!first && sync.isOwnEcho(model.get("_echo"))) return null;
  let px: Float32Array;
  try {
    px = decodeArray(model.get("pixels")).data;
  } catch {
    return null;
  }
  const strokes = copyStrokes(model.get("strokes") || []);
  const blank = !px.some((v) => v > 0);
  const digit = blank || drawnBy(strokes, px) ? null : px;
  return { strokes, digit };
}

/** What the view does when Python changes a trait. */
export interface PythonHandlers {
  network(): void;
  pixels(): void;
  showSteps(): void;
}

/**
 * Follow Python's traits until `cleanups` run (on hosts without `off` too).
 *
 * `pixels`, `strokes` and `_echo` arrive together, but hosts announce them one trait at a time
 * and in no fixed order (marimo fires `change:pixels` before `_echo` has its new value, so a
 * view would take Python's digit for its own echo). So a change to any of the three schedules
 * one `pixels` handler call, in a microtask, which sees all three as they now are.
 */
export function followPython(model: HostModel<CanvasModel>, cleanups: Cleanups, on: PythonHandlers): void {
  cleanups.on(model, "change:_network", on.network);
  let queued = false;
  let live = true;
  cleanups.add(() => {
    live = false;
  });
  const digitChanged = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (live) on.pixels();
    });
  };
  for (const name of ["pixels", "strokes", "_echo"]) cleanups.on(model, `change:${name}`, digitChanged);
  cleanups.on(model, "change:show_steps", on.showSteps);
}
