import { describe, expect, it } from "vitest";
import type { NetworkSpec } from "../lib/forward";
import { editNetwork, setScale, type Scales } from "./edits";
import type { ErrorsState } from "./errors";
import { allEdgesFit, captions, computeView, ringsFor } from "./view";

// [2, 3, 2], linear hidden and output, so every value is easy arithmetic:
//   W1 = [[1, 0], [0, 1], [1, 1]], b1 = 0:  x = [2, 1] -> a1 = [2, 1, 3]
//   W2 = [[1, -1, 0], [0, 0, 1]],  b2 = 0:  a2 = [1, 3]
const net: NetworkSpec = {
  sizes: [2, 3, 2],
  activation: "linear",
  output: "linear",
  weights: [Float32Array.from([1, 0, 0, 1, 1, 1]), Float32Array.from([1, -1, 0, 0, 0, 1])],
  biases: [new Float32Array(3), new Float32Array(2)],
};
const x = Float32Array.from([2, 1]);
const noEdits: Scales = new Map();
const request = {
  net, edited: net, scales: noEdits, x, errors: null, wantsErrors: false, topK: 1, all: false,
};
const errorsFor = (input: Float32Array): ErrorsState => ({
  deltas: [Float32Array.from([0.5, -0.5, 1]), Float32Array.from([1, -2])],
  input, target: Float32Array.from([0, 1]), cost: "quadratic",
});
type EdgeList = { count: number; source: ArrayLike<number>; target: ArrayLike<number> };
const pairs = (e: EdgeList | null) =>
  e ? Array.from({ length: e.count }, (_, k) => [e.source[k], e.target[k]]) : null;

describe("computeView", () => {
  it("runs the forward pass and keeps the strongest connection into each neuron", () => {
    const v = computeView(request);
    expect(v.showing).toBe("activations");
    expect(v.layers.activations.map((a) => Array.from(a))).toEqual([[2, 1], [2, 1, 3], [1, 3]]);
    // into a1[2] = 2*1 + 1*1: x0 is the stronger
    expect(pairs(v.edges[0])).toEqual([[0, 0], [1, 1], [0, 2]]);
    expect(pairs(v.edges[1])).toEqual([[0, 0], [2, 1]]);
  });

  it("applies the edits: a switched-off neuron passes nothing on", () => {
    const scales: Scales = new Map();
    setScale(scales, 1, 0, 0);
    const v = computeView({ ...request, scales, edited: editNetwork(net, scales) });
    expect(Array.from(v.layers.activations[1])).toEqual([0, 1, 3]);
    expect(Array.from(v.layers.activations[2])).toEqual([-1, 3]);
    // neuron 0 is no longer the strongest into output 0
    expect(pairs(v.edges[1])).toEqual([[1, 0], [2, 1]]);
  });

  it("draws every connection when asked", () => {
    const v = computeView({ ...request, all: true });
    // W1's four non-zero weights (a zero contribution is not drawn)
    expect(v.edges[0]!.count).toBe(4);
  });

  it("shows the errors only while they belong to the input shown", () => {
    const mine = computeView({ ...request, wantsErrors: true, errors: errorsFor(x) });
    expect(mine.showing).toBe("errors");
    expect(mine.edges[0]).toBeNull(); // nothing flows back into the input
    expect(mine.edges[1]!.count).toBe(3);
    const elsewhere = errorsFor(Float32Array.from([0, 1]));
    const stale = computeView({ ...request, wantsErrors: true, errors: elsewhere });
    expect(stale.showing).toBe("activations");
    const notAsked = computeView({ ...request, errors: errorsFor(x) });
    expect(notAsked.showing).toBe("activations");
  });
});

describe("the rest of what is drawn", () => {
  it("captions each layer", () => {
    expect(captions([784, 30, 10])).toEqual(["input 28\u00d728", "hidden 30", "output 10"]);
    expect(captions([2, 8, 8, 1])).toEqual(["input 2", "hidden 8", "hidden 8", "output 1"]);
  });

  it("rings an output neuron's strongest inputs with it", () => {
    const { layers } = computeView(request);
    // into output 1: contributions [0, 0, 3]; zero contributions are not rings
    expect(ringsFor([{ layer: 2, neuron: 1 }, null], net, layers)).toEqual([
      { layer: 2, neuron: 1 }, { layer: 1, neuron: 2 },
    ]);
    const hidden = ringsFor([{ layer: 1, neuron: 1 }, { layer: 1, neuron: 2 }], net, layers);
    expect(hidden).toHaveLength(2);
  });

  it("draws every connection only up to the limit", () => {
    expect(allEdgesFit([784, 16, 10])).toBe(true); // 12,704
    expect(allEdgesFit([784, 30, 10])).toBe(false); // 23,820
    expect(allEdgesFit([2, 3, 2], 12)).toBe(true);
    expect(allEdgesFit([2, 3, 2], 11)).toBe(false);
  });
});
