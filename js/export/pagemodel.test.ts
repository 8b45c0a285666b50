import { describe, expect, it } from "vitest";
import { createPageModel } from "./pagemodel";

describe("the page model", () => {
  it("fires change:<key> and change on set, with the model and the value", () => {
    const model = createPageModel({ x: 1 });
    const seen: unknown[] = [];
    model.on("change:x", (m: unknown, v: unknown) => seen.push(["x", m === model, v]));
    model.on("change", (m: unknown) => seen.push(["any", m === model]));
    model.set("x", 2);
    expect(model.get("x")).toBe(2);
    expect(seen).toEqual([["x", true, 2], ["any", true]]);
  });

  it("off removes one listener, all of an event, or all", () => {
    const model = createPageModel({ x: 0, y: 0 });
    const calls: string[] = [];
    const a = () => calls.push("a");
    const b = () => calls.push("b");
    model.on("change:x", a);
    model.on("change:x", b);
    model.on("change:y", a);
    model.off("change:x", a);
    model.set("x", 1);
    expect(calls).toEqual(["b"]);
    model.off("change:x");
    model.set("x", 2);
    model.set("y", 1);
    expect(calls).toEqual(["b", "a"]);
    model.off();
    model.set("y", 2);
    expect(calls).toEqual(["b", "a"]);
  });

  it("a listener removing itself while an event fires does not skip the next one", () => {
    const model = createPageModel({ x: 0 });
    const calls: string[] = [];
    const once = () => { calls.push("once"); model.off("change:x", once); };
    model.on("change:x", once);
    model.on("change:x", () => calls.push("other"));
    model.set("x", 1);
    model.set("x", 2);
    expect(calls).toEqual(["once", "other", "other"]);
  });

  it("save_changes is a no-op and there is no send: widgets can tell there is no kernel", () => {
    const model = createPageModel({});
    expect(() => model.save_changes()).not.toThrow();
    expect("send" in model).toBe(false);
  });

  it("carries the widget manager it was given", async () => {
    const other = createPageModel({ y: 5 });
    const model = createPageModel({}, { get_model: async () => other });
    expect(await model.widget_manager!.get_model("abc")).toBe(other);
  });
});
