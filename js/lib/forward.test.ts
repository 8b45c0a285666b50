// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { argmax, checkSpec, forward, forwardAll, type NetworkSpec } from "./forward";

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

  it("worked example: 2-2-2 relu/softmax", () => {
    // z1 = [[1, -1], [2, 0]] @ [1, 2] + [0, 1] = [-1, 3] -> relu [0, 3]
    // z2 = [[1, 0], [0, 1]] @ [0, 3] + [0, 0] = [0, 3] -> softmax [1/(1+e^3), e^3/(1+e^3)]
    const net: NetworkSpec = {
      sizes: [2, 2, 2], activation: "relu", output: "softmax",
      weights: [Float32Array.of(1, -1, 2, 0), Float32Array.of(1, 0, 0, 1)],
      biases: [Float32Array.of(0, 1), Float32Array.of(0, 0)],
    };
    const [, a1, a2] = forwardAll(net, [1, 2]);
    expect(Array.from(a1)).toEqual([0, 3]);
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
