import { describe, expect, it } from "vitest";
import { errorsSwitch, legendFor, type LegendItem, type LegendState } from "./legend";

const kindOf = (fn: string) =>
  (fn === "sigmoid" || fn === "softmax" || fn === "relu" ? "sequential" : "diverging");
const base: LegendState = {
  sizes: [784, 30, 10], activation: "sigmoid", output: "softmax", topK: 3, allEdges: false,
  tooManyEdges: false, edgeLimit: 20000, errorsPending: false, errors: null,
};
const texts = (items: LegendItem[]) => items.map((i) => (i.kind === "text" ? i.text : i.label));

describe("legendFor", () => {
  it("keeps the colour scales and the connections in separate rows of separate items", () => {
    const { rows, note } = legendFor(base, kindOf);
    expect(rows.map((r) => r.title)).toEqual(["Activation", "Connections"]);
    expect(rows[0].items).toEqual([
      { kind: "scale", label: "hidden (sigmoid)", scale: "sequential", lo: "0", hi: "1" },
      { kind: "scale", label: "output (softmax)", scale: "sequential", lo: "0", hi: "1" },
    ]);
    // "negative weight" and the width rule are two items, not one run-on phrase
    expect(texts(rows[1].items)).toEqual([
      "positive weight",
      "negative weight",
      "width: |activation \u00d7 weight|, the 3 strongest into each neuron",
    ]);
    expect(note).toBe("");
  });

  it("labels each scale's ends by its function", () => {
    const toy = { ...base, activation: "tanh", sizes: [2, 8, 8, 1], output: "linear" };
    const tanh = legendFor(toy, kindOf);
    expect(tanh.rows[0].items).toEqual([
      { kind: "scale", label: "hidden (tanh)", scale: "diverging", lo: "\u22121", hi: "+1" },
      { kind: "scale", label: "output (linear)", scale: "diverging", lo: "\u2212largest",
        hi: "+largest" },
    ]);
    const relu = legendFor({ ...base, activation: "relu" }, kindOf);
    expect(relu.rows[0].items[0]).toMatchObject({ lo: "0", hi: "layer's largest" });
    const noHidden = legendFor({ ...base, sizes: [784, 10] }, kindOf);
    expect(noHidden.rows[0].items).toHaveLength(1);
  });

  it("says when every connection is drawn, or why not", () => {
    const width = (s: Partial<LegendState>) =>
      texts(legendFor({ ...base, ...s }, kindOf).rows[1].items)[2];
    expect(width({ allEdges: true })).toBe("every connection into the neurons that are on");
    expect(width({ tooManyEdges: true })).toContain("over 20000 connections");
  });

  it("in errors mode: one diverging scale per layer, the target and the cost", () => {
    const errors = { limits: ["0.143", "0.952"], target: "3", cost: "cross_entropy" };
    const { rows, note } = legendFor({ ...base, errors }, kindOf);
    expect(rows[0].title).toBe("Error \u03b4");
    expect(rows[0].items).toEqual([
      { kind: "scale", label: "hidden 1", scale: "diverging", lo: "\u22120.143", hi: "+0.143" },
      { kind: "scale", label: "output", scale: "diverging", lo: "\u22120.952", hi: "+0.952" },
    ]);
    expect(texts(rows[1].items)[2])
      .toBe("width: |weight \u00d7 \u03b4| flowing back, the 3 largest into each neuron");
    expect(note).toBe(
      "error \u03b4 = \u2202C/\u2202z for target 3 (cross_entropy cost); each layer on its own scale.",
    );
  });

  it("in errors mode on one shared scale: says so, every layer with the same limits", () => {
    const errors = { limits: ["0.952", "0.952"], target: "3", cost: "cross_entropy", shared: true };
    const { rows, note } = legendFor({ ...base, errors }, kindOf);
    expect(rows[0].items.map((i) => i.kind === "scale" && i.hi)).toEqual(["+0.952", "+0.952"]);
    expect(note).toContain("every layer on one scale (the network's largest |\u03b4|)");
  });

  it("says why it shows activations while errors were asked for", () => {
    const pending = legendFor({ ...base, errorsPending: true }, kindOf);
    expect(pending.note).toMatch(/^Errors: none for this input yet/);
  });
});

describe("errorsSwitch", () => {
  it("says in words, not only in a tooltip, why it is disabled", () => {
    const off = errorsSwitch(false, "activations");
    expect(off).toMatchObject({ disabled: true, checked: false });
    expect(off.reason).toBe("needs a target: show_errors(x, y)");
    expect(off.title).toContain("show_errors(x, y)");
  });

  it("is usable, with no reason shown, once there are errors; ticked in errors mode", () => {
    expect(errorsSwitch(true, "errors"))
      .toMatchObject({ disabled: false, checked: true, reason: "" });
    expect(errorsSwitch(true, "activations")).toMatchObject({ disabled: false, checked: false });
  });
});
