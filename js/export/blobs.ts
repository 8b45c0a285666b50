// The binary arrays of an exported page or module, and how they are put back into a widget's
// state. Python (src/nnwidgets/widgets/_export_common.py, pack_state) takes every binary buffer
// out of the state, stores each distinct one once as a base64 "blob" (float16 for a network's
// float32 parameters, raw bytes otherwise), and leaves [path, blob index] pairs behind. Here
// each path gets a DataView again, as anywidget would have delivered the buffer.

/** One stored buffer: "f16" holds IEEE half floats to widen to float32, "raw" the bytes as sent. */
export interface BlobSpec {
  codec: "f16" | "raw";
  data: string; // base64
}

/** Where in the state a buffer goes (keys and list indices), and which blob holds it. */
export type BufferRef = [path: (string | number)[], blob: number];

/** base64 -> bytes (atob: in every browser and in Node 16+). */
export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** IEEE 754 half floats (little-endian) -> float32. Float16Array is too new to rely on. */
export function halfToFloat32(raw: Uint8Array): Float32Array {
  if (raw.byteLength % 2 !== 0) {
    throw new Error(`float16 data must have an even length, got ${raw.byteLength} bytes`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(raw.byteLength / 2);
  for (let i = 0; i < out.length; i++) {
    const h = view.getUint16(2 * i, true);
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * frac * 2 ** -24 // zero and subnormals
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/**
 * The blobs of one page, each decoded at most once. A float16 blob (a network's parameters,
 * megabytes for the shipped model) is widened once and the same float32 data is shared by
 * every widget that shows that network: widgets read parameters and never write them in place
 * (edits work on copies, js/diagram/edits.ts). A raw blob (pixels, probabilities) is copied for
 * each use, so a widget may change its own arrays without touching another's.
 */
export class BlobStore {
  private readonly decoded = new Map<number, Uint8Array>();

  constructor(private readonly blobs: readonly BlobSpec[]) {}

  /** A DataView over blob `i`'s data, as anywidget hands a buffer to a widget. */
  view(i: number): DataView {
    const spec = this.blobs[i];
    if (!spec) {
      throw new Error(`buffer refers to blob ${i}, but the page holds ${this.blobs.length}`);
    }
    let bytes = this.decoded.get(i);
    if (!bytes) {
      const raw = fromBase64(spec.data);
      if (spec.codec === "f16") {
        const f = halfToFloat32(raw);
        bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
      } else if (spec.codec === "raw") {
        bytes = raw;
      } else {
        const codec = JSON.stringify(spec.codec);
        throw new Error(`blob ${i} has codec ${codec}; expected "f16" or "raw"`);
      }
      this.decoded.set(i, bytes);
    }
    if (spec.codec === "raw") bytes = bytes.slice();
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Put each referenced buffer into `state` (changed in place, and returned) as a DataView. */
export function placeBuffers<T extends Record<string, unknown>>(
  state: T, refs: readonly BufferRef[], store: BlobStore,
): T {
  for (const [path, blob] of refs) {
    if (path.length === 0) throw new Error("a buffer path must not be empty");
    let parent: any = state;
    for (const key of path.slice(0, -1)) {
      parent = parent?.[key];
      if (parent == null || typeof parent !== "object") {
        throw new Error(`buffer path ${JSON.stringify(path)} does not lead into the state`);
      }
    }
    parent[path[path.length - 1]] = store.view(blob);
  }
  return state;
}
