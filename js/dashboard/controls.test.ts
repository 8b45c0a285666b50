import { describe, expect, it } from "vitest";
import { enabledActions, readSetting, settingsEditable } from "./controls";

describe("enabledActions", () => {
  it("offers what the state allows", () => {
    expect([...enabledActions("ready", 1)].sort()).toEqual(["start", "step"]);
    expect([...enabledActions("running", 0)].sort()).toEqual(["pause", "step", "stop"]);
    expect([...enabledActions("paused", 0)].sort()).toEqual(["resume", "step", "stop"]);
    expect([...enabledActions("completed", 0)]).toEqual([]);
    expect([...enabledActions("stopping", 1)]).toEqual([]);
  });
});

describe("settingsEditable", () => {
  it("locks the settings once nothing is left to take them", () => {
    expect(settingsEditable("ready", 1)).toBe(true);
    expect(settingsEditable("running", 0)).toBe(true);
    expect(settingsEditable("paused", 0)).toBe(true);
    expect(settingsEditable("stopped", 1)).toBe(true); // the next start takes them
    expect(settingsEditable("completed", 0)).toBe(false);
    expect(settingsEditable("diverged", 0)).toBe(false);
    expect(settingsEditable("stopping", 1)).toBe(false);
  });
});

describe("readSetting", () => {
  it("takes a finite number, sign and exponent included", () => {
    expect(readSetting("learning_rate", " 0.05 ", false)).toEqual({ value: 0.05 });
    expect(readSetting("l2", "-0", false)).toEqual({ value: -0 }); // Python says it is out of range
    expect(readSetting("learning_rate", "1e300", false)).toEqual({ value: 1e300 });
  });
  it("names what is wrong with the rest and what is expected", () => {
    expect(readSetting("learning_rate", "", false)).toEqual({
      error: "learning_rate must be a number, such as 0.05; got an empty box",
    });
    expect(readSetting("momentum", "", true)).toEqual({
      error: "momentum must be a number, such as 0.05; got text that is not a number",
    });
    expect(readSetting("l2", "1e999", false)).toEqual({
      error: "l2 must be a number, such as 0.05; got 1e999, beyond the largest number",
    });
  });
});
