import { describe, expect, it } from "vitest";
import { barWidth, percentLabel } from "./bars";

describe("bar labels and widths", () => {
  it.each([
    [0, "0%"],
    [0.0994, "10%"], // whole percents below 9.95%
    [0.0995, "10.0%"],
    [0.5234, "52.3%"],
    [0.9949, "99.5%"],
    [0.995, "100%"], // and from 99.5% up
    [1, "100%"],
  ])("%s reads %s", (p, label) => {
    expect(percentLabel(p)).toBe(label);
  });

  it("clamps widths to the track", () => {
    expect(barWidth(0.25)).toBe("25.0%");
    expect(barWidth(-0.1)).toBe("0.0%");
    expect(barWidth(1.2)).toBe("100.0%");
  });
});
