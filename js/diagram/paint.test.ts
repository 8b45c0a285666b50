import { describe, expect, it } from "vitest";
import { layerColour, level } from "./paint";

describe("layerColour", () => {
  it("uses a sequential scale for non-negative functions and a diverging one for signed", () => {
    expect(layerColour("sigmoid", [0.2])).toEqual({ kind: "sequential", limit: 1 });
    expect(layerColour("softmax", [0.9])).toEqual({ kind: "sequential", limit: 1 });
    expect(layerColour("relu", [0, 2.5, 1])).toEqual({ kind: "sequential", limit: 2.5 });
    expect(layerColour("tanh", [-0.3])).toEqual({ kind: "diverging", limit: 1 });
    expect(layerColour("leaky_relu", [-4, 2])).toEqual({ kind: "diverging", limit: 4 });
    expect(layerColour("linear", [0, 0])).toEqual({ kind: "diverging", limit: 1 });
    expect(layerColour("input", [-1, 0.5]).kind).toBe("diverging");
    expect(layerColour("relu", null)).toEqual({ kind: "sequential", limit: 1 });
  });

  it("maps 0 to the light end of a sequential scale and to the middle of a diverging one", () => {
    expect(level({ kind: "sequential", limit: 2 }, 0)).toBe(0);
    expect(level({ kind: "sequential", limit: 2 }, 2)).toBe(31);
    expect(level({ kind: "sequential", limit: 2 }, 5)).toBe(31); // clamped
    expect(level({ kind: "diverging", limit: 4 }, -4)).toBe(0);
    expect(level({ kind: "diverging", limit: 4 }, 0)).toBe(16); // round(0.5 * 31)
    expect(level({ kind: "diverging", limit: 4 }, 4)).toBe(31);
  });
});
