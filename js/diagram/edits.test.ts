// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { editCount, editedLayers, editNetwork, parseScales, scaleOf, scalesToJson, setScale } from "./edits";
import type { NetworkSpec } from "../lib/forward";

// Written by tests/diagram_fixture/make_edits.py: NumPy's layers for one input with edits.
const fixture = JSON.parse(readFileSync(new URL("../../tests/diagram_fixture/edits.json", import.meta.url), "utf8"));

const net: NetworkSpec = {
  sizes: fixture.sizes,
  activation: fixture.activation,
  output: fixture.output,
  weights: fixture.weights.map((w: number[]) => Float32Array.from(w)),
  biases: fixture.biases.map((b: number[]) => Float32Array.from(b)),
};

function expectClose(got: ArrayLike<number>, want: number[], tol = 1e-6) {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(tol));
}

describe("editedLayers", () => {
  it("equals NumPy's forward pass with the neurons switched off and scaled", () => {
    const scales = parseScales(fixture.scales, net.sizes);
    const { activations } = editedLayers(editNetwork(net, scales), scales, fixture.x);
    fixture.expected.forEach((want: number[], l: number) => expectClose(activations[l], want));
  });

  it("equals the plain forward pass without edits", () => {
    const none = parseScales({}, net.sizes);
    const { activations } = editedLayers(editNetwork(net, none), none, fixture.x);
    fixture.plain.forEach((want: number[], l: number) => expectClose(activations[l], want));
  });

  it("never changes the network it is given", () => {
    const before = net.weights.map((w) => w.slice());
    editNetwork(net, parseScales(fixture.scales, net.sizes));
    net.weights.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(before[l])));
  });
});

describe("scales", () => {
  it("parse from the trait's JSON and back, factors of 1 left out", () => {
    const s = parseScales({ "1": { "3": 0, "2": 1 }, "2": { "0": 0.5 } }, [5, 4, 3, 3]);
    expect(scaleOf(s, 1, 3)).toBe(0);
    expect(scaleOf(s, 1, 2)).toBe(1);
    expect(editCount(s)).toBe(2);
    expect(scalesToJson(s)).toEqual({ "1": { "3": 0 }, "2": { "0": 0.5 } });
  });

  it("setScale(…, 1) removes the edit and the empty layer", () => {
    const s = parseScales({ "1": { "3": 0 } }, [5, 4, 3, 3]);
    setScale(s, 1, 3, 1);
    expect(editCount(s)).toBe(0);
    expect(scalesToJson(s)).toEqual({});
  });

  it.each([
    [{ "0": { "1": 0 } }, /hidden layer 1\.\.2, got "0"/],
    [{ "3": { "1": 0 } }, /hidden layer 1\.\.2, got "3"/],
    [{ "1": { "4": 0 } }, /neuron must be in 0\.\.3, got "4"/],
    [{ "1": { "x": 0 } }, /neuron must be in 0\.\.3, got "x"/],
    [{ "1": { "0": "off" } }, /must be a finite number, got "off"/],
    [[1, 2], /scales must be an object/],
  ])("reject %j with the reason", (value, message) => {
    expect(() => parseScales(value, [5, 4, 3, 3])).toThrow(message);
  });
});
