import { describe, expect, it } from "vitest";
import { restoredMark, statusText } from "./restored";

describe("restoredMark", () => {
  const ex = Float32Array.from([1, 2, 3, 4]);
  const vloss = Float32Array.from([0.9, 0.5, 0.6, 0.7]);
  const vacc = Float32Array.from([0.6, 0.8, 0.75, 0.7]);

  it("reads the validation values at the restored epoch", () => {
    const m = restoredMark({ x: 2, text: "restored: epoch 2" }, ex, vloss, vacc)!;
    expect(m.x).toBe(2);
    expect(m.text).toBe("restored: epoch 2");
    expect(m.kind).toBe("restored");
    expect(m.loss).toBeCloseTo(0.5, 6);
    expect(m.accuracy).toBeCloseTo(0.8, 6);
  });

  it("keeps the line without dots when the epoch has no point (decimated away)", () => {
    const m = restoredMark({ x: 2.5, text: "restored: epoch 2.5" }, ex, vloss, vacc)!;
    expect(m.x).toBe(2.5);
    expect(Number.isNaN(m.loss) && Number.isNaN(m.accuracy)).toBe(true);
  });

  it("is null for no mark or a malformed one", () => {
    expect(restoredMark(null, ex, vloss, vacc)).toBeNull();
    expect(restoredMark(undefined, ex, vloss, vacc)).toBeNull();
    expect(restoredMark({ x: NaN, text: "x" }, ex, vloss, vacc)).toBeNull();
    expect(restoredMark("epoch 2" as never, ex, vloss, vacc)).toBeNull();
  });
});

describe("statusText", () => {
  it("names the restored epoch of an early-stopped run", () => {
    expect(statusText("early_stopped", 7)).toBe("early_stopped · restored epoch 7");
  });
  it("leaves every other status as it is", () => {
    expect(statusText("early_stopped", null)).toBe("early_stopped");
    expect(statusText("completed", 7)).toBe("completed");
    expect(statusText("running", undefined)).toBe("running");
  });
});
