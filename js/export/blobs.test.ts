import { describe, expect, it } from "vitest";
import { BlobStore, fromBase64, halfToFloat32, placeBuffers, type BlobSpec } from "./blobs";

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));
// little-endian halves: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff (largest), 2^-24 = 0x0001
// (smallest subnormal), +inf = 0x7c00, NaN = 0x7e00, 0.333251953125 = 0x3555
const HALVES = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0x3555, 0x8000];
const halfBytes = HALVES.flatMap((h) => [h & 0xff, h >> 8]);

describe("halfToFloat32", () => {
  it("widens normal, largest, subnormal, infinite, NaN and negative zero halves exactly", () => {
    const f = halfToFloat32(new Uint8Array(halfBytes));
    expect(Array.from(f.slice(0, 5))).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    expect(f[5]).toBeNaN();
    expect(f[6]).toBe(0.333251953125);
    expect(Object.is(f[7], -0)).toBe(true);
  });

  it("honours the byte offset of a view into a larger buffer", () => {
    const bigger = new Uint8Array([9, 9, 9, ...halfBytes.slice(0, 4)]);
    expect(Array.from(halfToFloat32(bigger.subarray(3)))).toEqual([1, -2]);
  });

  it("refuses an odd number of bytes", () => {
    expect(() => halfToFloat32(new Uint8Array(3))).toThrow("even length, got 3 bytes");
  });
});

describe("BlobStore", () => {
  const blobs: BlobSpec[] = [
    { codec: "f16", data: b64(halfBytes.slice(0, 4)) },
    { codec: "raw", data: b64([1, 2, 3]) },
  ];

  it("decodes base64", () => {
    expect(Array.from(fromBase64(b64([0, 255, 7])))).toEqual([0, 255, 7]);
  });

  it("widens a float16 blob once and shares it; copies a raw blob per use", () => {
    const store = new BlobStore(blobs);
    const [a, b] = [store.view(0), store.view(0)];
    expect(a.buffer).toBe(b.buffer); // one float32 copy of a network for every widget
    expect([a.getFloat32(0, true), a.getFloat32(4, true)]).toEqual([1, -2]);
    const [r, s] = [store.view(1), store.view(1)];
    expect(r.buffer).not.toBe(s.buffer);
    r.setUint8(0, 42);
    expect(s.getUint8(0)).toBe(1); // one widget's pixels are not another's
  });

  it("names a missing blob and an unknown codec", () => {
    expect(() => new BlobStore(blobs).view(2)).toThrow("blob 2, but the page holds 2");
    const bad = new BlobStore([{ codec: "f64" as any, data: "" }]);
    expect(() => bad.view(0)).toThrow('codec "f64"');
  });
});

describe("placeBuffers", () => {
  it("puts a DataView at each path, through lists and dicts", () => {
    const state: any = {
      _network: { weights: [{ dtype: "float32", shape: [2] }] },
      pixels: { shape: [3] },
    };
    const store = new BlobStore([
      { codec: "f16", data: b64(halfBytes.slice(0, 4)) },
      { codec: "raw", data: b64([1, 2, 3]) },
    ]);
    placeBuffers(state, [[["_network", "weights", 0, "view"], 0], [["pixels", "view"], 1]], store);
    expect(state._network.weights[0].view).toBeInstanceOf(DataView);
    expect(state._network.weights[0].view.byteLength).toBe(8);
    expect(state.pixels.view.getUint8(2)).toBe(3);
  });

  it("says which path does not fit the state", () => {
    const store = new BlobStore([{ codec: "raw", data: "" }]);
    expect(() => placeBuffers({}, [[["missing", "view"], 0]], store)).toThrow('["missing","view"]');
  });
});
