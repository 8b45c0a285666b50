import { describe, expect, it } from "vitest";
import { decodeArray, encodeArray, row, sizeOf } from "./wire";

/** A DataView onto the middle of a larger buffer, as a comm message delivers it: junk bytes
 * before and after, so reading from byteOffset 0 or to the end of the buffer shows up. */
function embedded(bytes: Uint8Array, before: number, after = 5): DataView {
  const buf = new ArrayBuffer(before + bytes.length + after);
  new Uint8Array(buf).fill(0xee);
  new Uint8Array(buf, before, bytes.length).set(bytes);
  return new DataView(buf, before, bytes.length);
}

describe("decodeArray", () => {
  // 2x3, so rows != cols catches a transposition.
  const values = new Float32Array([1, 2, 3, 4, 5, 6]);
  const raw = new Uint8Array(values.buffer);

  it("honours byteOffset and byteLength (aligned)", () => {
    const a = decodeArray({ view: embedded(raw, 8), dtype: "float32", shape: [2, 3] });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.shape).toEqual([2, 3]);
  });

  it("copies when byteOffset is not a multiple of 4", () => {
    const a = decodeArray({ view: embedded(raw, 3), dtype: "float32", shape: [2, 3] });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("does not copy an aligned float32 view", () => {
    const view = embedded(raw, 4);
    const a = decodeArray({ view, dtype: "float32", shape: [6] });
    expect(a.data.buffer).toBe(view.buffer);
  });

  it("converts uint8 to float32", () => {
    const a = decodeArray({ view: embedded(new Uint8Array([0, 7, 255]), 1), dtype: "uint8", shape: [3] });
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([0, 7, 255]);
  });

  it("decodes a scalar (shape [])", () => {
    const a = decodeArray({ view: embedded(new Uint8Array(new Float32Array([9]).buffer), 4), dtype: "float32", shape: [] });
    expect(Array.from(a.data)).toEqual([9]);
  });

  it("rejects a byte length that does not match the shape", () => {
    expect(() => decodeArray({ view: embedded(raw, 0), dtype: "float32", shape: [2, 2] }))
      .toThrow(/needs 16 bytes, got 24/);
  });

  it.each(["complex64", "float64", "int32"])("rejects dtype %s (Python sends float32 and uint8 only)", (dtype) => {
    expect(() => decodeArray({ view: embedded(raw, 0), dtype, shape: [3] }))
      .toThrow(`dtype must be one of float32, uint8, got "${dtype}"`);
  });

  it("rejects something that is not a wire array", () => {
    expect(() => decodeArray(null)).toThrow(/got null/);
    expect(() => decodeArray({ data: [1] })).toThrow(/keys \[data\]/);
  });
});

describe("encodeArray", () => {
  it("round-trips through decodeArray and copies its input", () => {
    const px = new Uint8Array([0, 128, 255, 1, 2, 3]);
    const wire = encodeArray(px, [2, 3]);
    px[0] = 99;
    expect(wire.dtype).toBe("uint8");
    expect(Array.from(decodeArray(wire).data)).toEqual([0, 128, 255, 1, 2, 3]);
  });

  it("encodes a subarray without its neighbours", () => {
    const big = new Float32Array([1, 2, 3, 4]);
    const wire = encodeArray(big.subarray(1, 3), [2]);
    expect(wire.view.byteLength).toBe(8);
    expect(Array.from(decodeArray(wire).data)).toEqual([2, 3]);
  });

  it("rejects a shape that does not match the length", () => {
    expect(() => encodeArray(new Float32Array(3), [2, 2])).toThrow(/holds 4 values, got 3/);
  });
});

describe("row and sizeOf", () => {
  it("slices a row of a 2x3 array", () => {
    const a = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
    expect(Array.from(row(a, 1))).toEqual([4, 5, 6]);
  });

  it("rejects negative or fractional dimensions", () => {
    expect(() => sizeOf([2, -1])).toThrow(/non-negative integers/);
    expect(() => sizeOf([1.5])).toThrow(/non-negative integers/);
  });
});
