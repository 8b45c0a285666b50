import { describe, expect, it } from "vitest";
import { enabledActions, settingsEditable } from "./controls";

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
