import { describe, expect, it } from "vitest";
import { LIVE, publishLive, readLive } from "./live";
import { encodeArray } from "./wire";

/** A host model with get/set/on, counting save_changes calls. */
function hostModel() {
  const values: Record<string, unknown> = {};
  const handlers: Record<string, (() => void)[]> = {};
  return {
    saved: 0,
    get: (key: string) => values[key],
    set(key: string, value: unknown) {
      values[key] = value;
      for (const fn of handlers[`change:${key}`] ?? []) fn();
    },
    on: (event: string, fn: () => void) => void (handlers[event] ??= []).push(fn),
    save_changes() {
      this.saved += 1;
    },
  };
}

describe("the live input", () => {
  it("is published without saving, and a listener hears it at once", () => {
    const model = hostModel();
    const heard: (Float32Array | null)[] = [];
    model.on(`change:${LIVE}`, () => heard.push(readLive(model.get(LIVE), 3)));
    const px = Float32Array.from([0, 0.5, 1]);
    publishLive(model, px);
    px[0] = 9; // the publisher reuses its array: the published copy is unchanged
    expect(heard.map((a) => a && Array.from(a))).toEqual([[0, 0.5, 1]]);
    expect(model.saved).toBe(0); // nothing sent to the kernel
  });

  it("reads a Float32Array, a restored DataView or a wire array; null for anything else", () => {
    const px = Float32Array.from([0.25, 0.5]);
    expect(Array.from(readLive(px, 2)!)).toEqual([0.25, 0.5]);
    const bytes = new Uint8Array(12);
    bytes.set(new Uint8Array(px.buffer), 4); // at an offset, as inside a larger message
    expect(Array.from(readLive(new DataView(bytes.buffer, 4, 8), 2)!)).toEqual([0.25, 0.5]);
    expect(Array.from(readLive(encodeArray(px, [2]), 2)!)).toEqual([0.25, 0.5]);
    expect(readLive(px, 3)).toBeNull();
    expect(readLive(undefined, 2)).toBeNull();
    expect(readLive("pixels", 2)).toBeNull();
    expect(readLive(new DataView(new ArrayBuffer(7)), 2)).toBeNull();
  });
});
