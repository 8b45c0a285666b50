// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { forward } from "./forward";
import { encodeArray } from "./wire";
import { decodeNetwork, type NetworkState } from "./network";

const fixture = JSON.parse(readFileSync(new URL("../../tests/strokes/parity.json", import.meta.url), "utf8"));

/** The `_network` trait as canvas.py's network_state builds it: (n_out, n_in) float32 weights. */
function wireState(c: any): NetworkState {
  return {
    sizes: c.sizes, activation: c.activation, output: c.output,
    weights: c.weights.map((w: number[], l: number) => encodeArray(Float32Array.from(w), [c.sizes[l + 1], c.sizes[l]])),
    biases: c.biases.map((b: number[]) => encodeArray(Float32Array.from(b), [b.length])),
  };
}

describe("decodeNetwork", () => {
  it("gives a network that computes NumPy's outputs", () => {
    const c = fixture.forward[0];
    const net = decodeNetwork(wireState(c))!;
    const out = forward(net, Float32Array.from(fixture.preprocess[0].pixels));
    c.outputs[0].forEach((v: number, i: number) => expect(Math.abs(out[i] - v)).toBeLessThan(1e-9));
  });

  it("gives null for no network", () => {
    expect(decodeNetwork(null)).toBeNull();
    expect(decodeNetwork(undefined)).toBeNull();
  });

  it("says why a network cannot run", () => {
    const state = wireState(fixture.forward[0]);
    expect(() => decodeNetwork({ ...state, biases: state.biases.slice(1) })).toThrow(/3 weight matrices and bias vectors, got 3 and 2/);
    expect(() => decodeNetwork({ ...state, activation: "swish" })).toThrow(/unknown activation "swish"/);
    expect(() => decodeNetwork({ sizes: [2, 1] } as any)).toThrow(/lists "weights" and "biases", got keys \[sizes\]/);
  });

  it("says what Python says when the network has the reader's own function", () => {
    const state = wireState(fixture.forward[0]);
    const unsupported = "this page cannot run your activation MySoftplus: ...";
    expect(() => decodeNetwork({ ...state, activation: "MySoftplus", unsupported })).toThrow(unsupported);
  });
});
