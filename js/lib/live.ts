// A widget's live input, shared with other widgets in the same page without the kernel.
//
// The canvas publishes the 28x28 its forward pass just used as `_live` on its own model with
// `model.set` and no `save_changes`: every listener in the page hears `change:_live` at once
// (a linked NetworkDiagram repaints in the same frame), and no message goes to the kernel for
// it. (Jupyter's model sends a value set this way along with the next save_changes of another
// trait, at most once per stroke; Python has no `_live` trait and ignores it.)
//
// A reader may meet the value as the Float32Array that was set, or, where a host saved and
// restored the model's state (a notebook saved with widget state), as a DataView or
// {view, dtype, shape}: readLive takes all three.
import { decodeArray } from "./wire";

export const LIVE = "_live";

interface Settable {
  // any: a widget's typed model (HostModel<CanvasModel>) has no `_live` key on the Python side
  set(key: any, value: any): void;
}

/** Publish `pixels` (copied: the publisher may reuse its array) as the model's live input. */
export function publishLive(model: Settable, pixels: Float32Array): void {
  model.set(LIVE, pixels.slice());
}

/** The live input as float32 values, or null when there is none or it is not `n` values long. */
export function readLive(value: unknown, n: number): Float32Array | null {
  let data: Float32Array | null = null;
  try {
    if (value instanceof Float32Array) data = value;
    else if (value instanceof DataView) {
      data = decodeArray({ view: value, dtype: "float32", shape: [n] }).data;
    } else if (value && typeof value === "object" && (value as { view?: unknown }).view instanceof DataView) {
      data = decodeArray(value).data;
    }
  } catch {
    return null; // malformed: the caller keeps what it had
  }
  return data && data.length === n ? data : null;
}
