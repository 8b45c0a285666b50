import { describe, expect, it } from "vitest";
import { OnScreen } from "./onscreen";

describe("OnScreen", () => {
  it("draws while on screen, and before any observation", () => {
    const gate = new OnScreen();
    expect(gate.due()).toBe(true);
    expect(gate.stale).toBe(false);
  });

  it("skips redraws off screen and catches up once when back in view", () => {
    const gate = new OnScreen();
    expect(gate.seen(false)).toBe(false); // scrolled away, owing nothing
    expect(gate.due()).toBe(false); // an update arrives: skipped
    expect(gate.due()).toBe(false);
    expect(gate.stale).toBe(true);
    expect(gate.seen(false)).toBe(false); // still away: no catch-up yet
    expect(gate.seen(true)).toBe(true); // back in view: one catch-up
    expect(gate.due()).toBe(true);
    expect(gate.stale).toBe(false);
    expect(gate.seen(true)).toBe(false); // a repeated report asks for nothing more
  });

  it("asks for one catch-up when the observer reports twice before it runs", () => {
    const gate = new OnScreen();
    gate.seen(false);
    gate.due();
    expect(gate.seen(true)).toBe(true);
    expect(gate.seen(true)).toBe(false); // the catch-up already asked for is enough
  });

  it("owes nothing when nothing arrived while away", () => {
    const gate = new OnScreen();
    gate.seen(false);
    expect(gate.seen(true)).toBe(false);
    expect(gate.shown).toBe(true);
  });
});
