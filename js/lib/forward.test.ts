// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { argmax, checkSpec, forward, forwardLayers, type NetworkSpec } from "./forward";

const fixture = JSON.parse(readFileSync(new URL("../../tests/strokes/parity.json", import.meta.url), "utf8"));

function spec(c: any): NetworkSpec {
  return {
    sizes: c.sizes, activation: c.activation, output: c.output,
    weights: c.weights.map((w: number[]) => Float32Array.from(w)),
    biases: c.biases.map((b: number[]) => Float32Array.from(b)),
  };
}

describe("forward", () => {
  for (const c of fixture.forward) {
    it(`matches the NumPy reference: ${c.activation} hidden, ${c.output} output`, () => {
      const net = spec(c);
      checkSpec(net);
      c.outputs.forEach((expected: number[], n: number) => {
        const out = forward(net, Float32Array.from(fixture.preprocess[n].pixels)); // float32, as stored
        expected.forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThan(1e-9));
      });
    });
  }

  // The fixture holds NumPy's outputs only; the layers in between are checked against a plain
  // dense W a + b (no zero skipping) and the book's formula for each function.
  const f: Record<string, (z: number[]) => number[]> = {
    sigmoid: (z) => z.map((v) => 1 / (1 + Math.exp(-v))),
    tanh: (z) => z.map(Math.tanh),
    relu: (z) => z.map((v) => Math.max(0, v)),
    leaky_relu: (z) => z.map((v) => (v > 0 ? v : 0.01 * v)),
    linear: (z) => z,
    softmax: (z) => {
      const e = z.map((v) => Math.exp(v));
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v) => v / s);
    },
  };
  for (const c of fixture.forward) {
    it(`keeps every layer's z and activation: ${c.activation} hidden, ${c.output} output`, () => {
      const net = spec(c);
      const L = net.sizes.length - 1;
      fixture.preprocess.forEach((p: { pixels: number[] }, n: number) => {
        const x = Float32Array.from(p.pixels);
        const { zs, activations } = forwardLayers(net, x);
        expect(zs).toHaveLength(L);
        expect(activations).toHaveLength(L + 1);
        expect(Array.from(activations[0])).toEqual(Array.from(x));
        for (let l = 0; l < L; l++) {
          const a = activations[l], W = net.weights[l], b = net.biases[l];
          const z = Array.from(b, (bj, j) => a.reduce((s, ai, i) => s + W[j * a.length + i] * ai, bj));
          zs[l].forEach((v, j) => expect(Math.abs(v - z[j])).toBeLessThan(1e-9));
          const fn = f[l === L - 1 ? c.output : c.activation];
          fn(Array.from(zs[l])).forEach((v, j) => expect(Math.abs(activations[l + 1][j] - v)).toBeLessThan(1e-12));
        }
        if (n < c.outputs.length) {
          c.outputs[n].forEach((v: number, i: number) => expect(Math.abs(activations[L][i] - v)).toBeLessThan(1e-9));
        }
      });
    });
  }

  it("worked example: 2-2-2 relu/softmax", () => {
    // z1 = [[1, -1], [2, 0]] @ [1, 2] + [0, 1] = [-1, 3] -> relu [0, 3]
    // z2 = [[1, 0], [0, 1]] @ [0, 3] + [0, 0] = [0, 3] -> softmax [1/(1+e^3), e^3/(1+e^3)]
    const net: NetworkSpec = {
      sizes: [2, 2, 2], activation: "relu", output: "softmax",
      weights: [Float32Array.of(1, -1, 2, 0), Float32Array.of(1, 0, 0, 1)],
      biases: [Float32Array.of(0, 1), Float32Array.of(0, 0)],
    };
    const { zs, activations } = forwardLayers(net, [1, 2]);
    const [, a1, a2] = activations;
    expect(Array.from(zs[0])).toEqual([-1, 3]);
    expect(Array.from(a1)).toEqual([0, 3]);
    expect(Array.from(zs[1])).toEqual([0, 3]);
    expect(a2[1]).toBeCloseTo(Math.exp(3) / (1 + Math.exp(3)), 12);
    expect(argmax(a2)).toBe(1);
  });

  it("rejects mismatched shapes and unknown activations", () => {
    const net = spec(fixture.forward[0]);
    expect(() => checkSpec({ ...net, sizes: [784, 5, 6, 10] })).toThrow(/weights\[0\]/);
    expect(() => checkSpec({ ...net, activation: "swish" })).toThrow(/unknown activation/);
    expect(() => forward(net, [1, 2, 3])).toThrow(/784/);
  });
});
