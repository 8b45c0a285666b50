import { describe, expect, it } from "vitest";
import { Cleanups } from "./cleanup";
import { setAndSave } from "./host";
import { pageModel } from "./page-model.testutil";

describe("saveChanges on hosts with and without a kernel", () => {
  it("sends where the host can", () => {
    const { model, probe } = pageModel({ show_steps: false }, { save: "works" });
    expect(setAndSave(model, "show_steps", true)).toBe(true);
    expect(probe.saved()).toBe(1);
    expect(model.get("show_steps")).toBe(true);
  });

  it.each(["absent", "throws"] as const)("keeps the value in the page where save_changes is %s", (save) => {
    const { model } = pageModel({ show_steps: false }, { save });
    expect(setAndSave(model, "show_steps", true)).toBe(false);
    expect(model.get("show_steps")).toBe(true);
  });
});

describe("Cleanups", () => {
  it("removes model listeners where the host has off", () => {
    const { model, probe } = pageModel({ x: 0 }, { off: "works" });
    const seen: number[] = [];
    const c = new Cleanups();
    c.on(model, "change:x", () => seen.push(model.get("x")));
    model.set("x", 1);
    expect(c.run()).toEqual([]);
    model.set("x", 2);
    expect(seen).toEqual([1]);
    expect(probe.handlers("change:x")).toBe(0);
  });

  it.each(["absent", "throws"] as const)("silences model listeners where off is %s", (off) => {
    const { model } = pageModel({ x: 0 }, { off });
    const seen: number[] = [];
    const c = new Cleanups();
    c.on(model, "change:x", () => seen.push(model.get("x")));
    model.set("x", 1);
    c.run();
    model.set("x", 2);
    expect(seen).toEqual([1]);
  });

  it("runs every step even when one throws, and only once", () => {
    const { model } = pageModel({ x: 0 }, { off: "throws" });
    const target = new EventTarget();
    let heard = 0, disconnected = 0;
    const c = new Cleanups();
    c.listen(target, "ping", () => heard++);
    c.on(model, "change:x", () => {});
    c.add(() => disconnected++);
    target.dispatchEvent(new Event("ping"));
    const errors = c.run();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/not implemented/);
    target.dispatchEvent(new Event("ping"));
    expect(heard).toBe(1); // the DOM listener went although the model's off threw
    expect(disconnected).toBe(1);
    c.run();
    expect(disconnected).toBe(1);
  });
});
