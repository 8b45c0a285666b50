// The wire codec: the binary array format shared by every widget, the browser's half of
// src/nnwidgets/widgets/_wire.py (array_to_json / array_from_json there, decode / encode here).
//
// Python sends a NumPy array as {view: memoryview, dtype, shape}; the memoryview crosses as a
// binary buffer and arrives here as a DataView. That DataView is usually a window onto a larger
// ArrayBuffer (the whole comm message), so its byteOffset and byteLength must be honoured:
// `new Float32Array(view.buffer)` would read the neighbouring bytes as well.

/** The dtypes the wire format carries: Python sends float32 and uint8 (array_to_json in
 * widgets/_wire.py); the front end sends float32 back. */
export type DType = "float32" | "uint8";

/** An array as it arrives from Python, or as the front end sends it back. */
export interface WireArray {
  view: DataView;
  dtype: DType | string;
  shape: number[];
}

/** A decoded array: values in row-major (C) order, plus the shape they fill. */
export interface NDArray {
  data: Float32Array;
  shape: number[];
}

const ITEMSIZE: Record<DType, number> = { float32: 4, uint8: 1 };

/** Number of elements an array of this shape holds (1 for a scalar, shape []). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`shape must hold non-negative integers, got [${shape.join(", ")}]`);
    }
    n *= d;
  }
  return n;
}

function isWireArray(value: unknown): value is WireArray {
  const v = value as WireArray | null;
  return v != null && typeof v === "object" && v.view instanceof DataView
    && typeof v.dtype === "string" && Array.isArray(v.shape);
}

/**
 * Decode a {view, dtype, shape} trait value into a Float32Array (a copy only when the dtype or
 * the alignment needs one). Throws with the reason when the value is malformed, so a widget
 * shows an error instead of drawing garbage.
 */
export function decodeArray(value: unknown): NDArray {
  if (!isWireArray(value)) {
    throw new Error("expected an array trait {view: DataView, dtype, shape}, got " + describe(value));
  }
  const { view, dtype, shape } = value;
  if (!(dtype in ITEMSIZE)) {
    throw new Error(`dtype must be one of ${Object.keys(ITEMSIZE).join(", ")}, got ${JSON.stringify(dtype)}`);
  }
  const itemsize = ITEMSIZE[dtype as DType];
  const n = sizeOf(shape);
  if (view.byteLength !== n * itemsize) {
    throw new Error(
      `${dtype} array of shape [${shape.join(", ")}] needs ${n * itemsize} bytes, got ${view.byteLength}`,
    );
  }
  const { buffer, byteOffset } = view;
  switch (dtype as DType) {
    case "float32":
      // A typed array over an ArrayBuffer needs an aligned offset; copy when it is not.
      if (byteOffset % 4 === 0) return { data: new Float32Array(buffer, byteOffset, n), shape: [...shape] };
      return { data: new Float32Array(buffer.slice(byteOffset, byteOffset + n * 4)), shape: [...shape] };
    case "uint8":
      return { data: Float32Array.from(new Uint8Array(buffer, byteOffset, n)), shape: [...shape] };
  }
}

/**
 * Encode values for sending to Python: `model.set("pixels", encodeArray(px, [28, 28]))`.
 * The typed array is copied, so later writes to it do not change what was sent.
 */
export function encodeArray(data: Float32Array | Uint8Array, shape: number[]): WireArray {
  if (sizeOf(shape) !== data.length) {
    throw new Error(`shape [${shape.join(", ")}] holds ${sizeOf(shape)} values, got ${data.length}`);
  }
  const copy = data.slice();
  return {
    view: new DataView(copy.buffer, copy.byteOffset, copy.byteLength),
    dtype: data instanceof Float32Array ? "float32" : "uint8",
    shape: [...shape],
  };
}

/** Row `i` of a 2-D array, without copying. */
export function row(a: NDArray, i: number): Float32Array {
  if (a.shape.length !== 2) throw new Error(`row() needs a 2-D array, got shape [${a.shape.join(", ")}]`);
  const cols = a.shape[1];
  return a.data.subarray(i * cols, (i + 1) * cols);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return `an object with keys [${Object.keys(value as object).join(", ")}]`;
}
