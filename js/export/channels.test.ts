import { describe, expect, it } from "vitest";
import { channel, channels, CHANNELS_KEY } from "./channels";
import { createPageModel } from "./pagemodel";

describe("channels between modules", () => {
  it("live on the page's scope under a shared symbol", () => {
    const scope: any = {};
    const registry = channels(scope);
    expect(scope[CHANNELS_KEY]).toBe(registry);
    expect(channels(scope)).toBe(registry);
    expect(channel("a", registry)).toBe(channel("a", registry));
  });

  it("a follower that asked first hears the mount that comes later, at once and on change", () => {
    const registry = new Map();
    const c = channel("canvas", registry);
    const seen: unknown[] = [];
    c.on("change:_live", () => seen.push(c.get("_live")));
    expect(c.get("_live")).toBeUndefined();
    const mount = createPageModel({ _live: 1 });
    c.attach(mount);
    expect(seen).toEqual([1]); // followers see the new mount's state as a change
    mount.set("_live", 2);
    expect(seen).toEqual([1, 2]);
  });

  it("follows the newest mount only, and detaching a stale mount changes nothing", () => {
    const registry = new Map();
    const c = channel("canvas", registry);
    const seen: unknown[] = [];
    c.on("change:x", () => seen.push(c.get("x")));
    const first = createPageModel({ x: "first" });
    const second = createPageModel({ x: "second" });
    c.attach(first);
    c.attach(second);
    first.set("x", "stale");
    c.detach(first); // already replaced: no effect
    second.set("x", "new");
    expect(seen).toEqual(["first", "second", "new"]);
    c.detach(second);
    second.set("x", "gone");
    expect(seen).toEqual(["first", "second", "new"]);
    expect(c.get("x")).toBeUndefined();
  });

  it("off on the channel stops a follower", () => {
    const c = channel("w", new Map());
    const m = createPageModel({ x: 0 });
    c.attach(m);
    const seen: number[] = [];
    const fn = () => seen.push(m.get("x"));
    c.on("change:x", fn);
    m.set("x", 1);
    c.off("change:x", fn);
    m.set("x", 2);
    expect(seen).toEqual([1]);
  });
});
