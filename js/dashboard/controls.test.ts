import { describe, expect, it } from "vitest";
import { enabledActions } from "./controls";

describe("enabledActions", () => {
  it("offers what the state allows", () => {
    expect([...enabledActions("ready", 1)].sort()).toEqual(["start", "step"]);
    expect([...enabledActions("running", 0)].sort()).toEqual(["pause", "step", "stop"]);
    expect([...enabledActions("paused", 0)].sort()).toEqual(["resume", "step", "stop"]);
    expect([...enabledActions("completed", 0)]).toEqual([]);
    expect([...enabledActions("stopping", 1)]).toEqual([]);
  });
});
