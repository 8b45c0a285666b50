import { afterEach, describe, expect, it } from "vitest";
import { OnScreen, watchOnScreen } from "./onscreen";

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

describe("watchOnScreen", () => {
  // IntersectionObserver stand-in (node has none): the test delivers the entries itself.
  let deliver: (entries: { target: object; isIntersecting: boolean }[]) => void = () => {};
  let observed: object[] = [];
  let disconnected = false;
  const real = (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = class {
    constructor(callback: typeof deliver) {
      deliver = callback;
      observed = [];
      disconnected = false;
    }
    observe(el: object) {
      observed.push(el);
    }
    disconnect() {
      disconnected = true;
    }
  };
  afterEach(() => {
    (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = real;
  });

  it("counts the part on screen while any of its elements is, and catches up once", () => {
    const legend = {}, charts = {};
    const gate = new OnScreen();
    let catchUps = 0;
    const stop = watchOnScreen([legend, charts] as unknown as Element[], gate, () => catchUps++);
    expect(observed).toEqual([legend, charts]);
    deliver([{ target: legend, isIntersecting: false }, { target: charts, isIntersecting: true }]);
    expect(gate.shown).toBe(true);
    // Scrolled so the legend shows and the charts leave: still on screen.
    deliver([{ target: legend, isIntersecting: true }, { target: charts, isIntersecting: false }]);
    expect(gate.shown).toBe(true);
    deliver([{ target: legend, isIntersecting: false }]);
    expect(gate.shown).toBe(false); // both away now
    expect(gate.due()).toBe(false); // an update skipped
    deliver([{ target: legend, isIntersecting: true }]); // one of them back: catch up
    expect(catchUps).toBe(1);
    expect(gate.shown).toBe(true);
    stop();
    expect(disconnected).toBe(true);
  });
});
