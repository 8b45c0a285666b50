import { describe, expect, it } from "vitest";
import { errorColours, errorsMatch, parseErrorScale, parseErrors, targetText } from "./errors";

function wire(values: number[]) {
  const a = Float32Array.from(values);
  return { view: new DataView(a.buffer), dtype: "float32", shape: [a.length] };
}

// [2, 3, 1]: deltas of 3 and 1 values, as diagram.py sends them.
const sizes = [2, 3, 1];
const value = { deltas: [wire([0.01, -0.02, 0]), wire([0.5])], input: wire([0.25, 1]), target: wire([1]), cost: "quadratic" };

describe("parseErrors", () => {
  it("decodes one delta per layer after the input, with the input they belong to", () => {
    const e = parseErrors(value, sizes)!;
    expect(e.deltas.map((d) => Array.from(d))).toEqual([[0.009999999776482582, -0.019999999552965164, 0], [0.5]]);
    expect(Array.from(e.input)).toEqual([0.25, 1]);
    expect(e.cost).toBe("quadratic");
    expect(parseErrors(null, sizes)).toBeNull();
  });

  it("rejects deltas that do not fit the network", () => {
    expect(() => parseErrors({ ...value, deltas: [wire([1])] }, sizes)).toThrow(/2 layers of deltas, got 1/);
    expect(() => parseErrors({ ...value, deltas: [wire([1, 2]), wire([0.5])] }, sizes)).toThrow(/deltas\[0\] must hold 3 values, got 2/);
    expect(() => parseErrors({ ...value, input: wire([1]) }, sizes)).toThrow(/input must hold 2 values, got 1/);
  });
});

describe("errorsMatch", () => {
  it("holds only for the input the errors were computed for", () => {
    const e = parseErrors(value, sizes);
    expect(errorsMatch(e, Float32Array.from([0.25, 1]))).toBe(true);
    expect(errorsMatch(e, Float32Array.from([0.25, 0.9]))).toBe(false); // the pen moved on
    expect(errorsMatch(e, null)).toBe(false);
    expect(errorsMatch(null, Float32Array.from([0.25, 1]))).toBe(false);
  });
});

describe("errorColours", () => {
  it("gives each layer a diverging scale as wide as its largest |delta|", () => {
    const e = parseErrors(value, sizes)!;
    const c = errorColours(e);
    expect(c.map((s) => s.kind)).toEqual(["diverging", "diverging"]);
    expect(c[0].limit).toBeCloseTo(0.02, 7);
    expect(c[1].limit).toBe(0.5);
  });

  it("shared: every layer as wide as the network's largest |delta|, so small errors fade", () => {
    // deltas 0.01, -0.02, 0 and 0.5: one limit 0.5 for both layers, so hidden's largest
    // |delta| 0.02 sits 0.02 / 0.5 = 4% of the way to full colour instead of 100%.
    const e = parseErrors(value, sizes)!;
    const c = errorColours(e, "shared");
    expect(c.map((s) => s.kind)).toEqual(["diverging", "diverging"]);
    expect(c.map((s) => s.limit)).toEqual([0.5, 0.5]);
  });

  it("reads the error_scale trait, per layer for anything unknown", () => {
    expect(parseErrorScale("shared")).toBe("shared");
    expect(parseErrorScale("per_layer")).toBe("per_layer");
    expect(parseErrorScale(undefined)).toBe("per_layer");
  });
});

describe("targetText", () => {
  it("names a one-hot target by its digit, anything else by its values", () => {
    expect(targetText(Float32Array.from([0, 0, 1, 0]))).toBe("2");
    expect(targetText(Float32Array.from([0.5, 0.25]))).toBe("[0.5, 0.25]");
  });
});
