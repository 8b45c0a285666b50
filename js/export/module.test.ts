import { afterEach, describe, expect, it } from "vitest";
import { channels } from "./channels";
import { moduleHost, type ModuleSpec } from "./module";

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

// MyST's page model: get, set and on work; off, save_changes and send throw.
function mystModel(state: Record<string, unknown>, calls: string[]) {
  const target = new EventTarget();
  return {
    get: (k: string) => state[k],
    set: (k: string, v: unknown) => {
      state[k] = v;
      target.dispatchEvent(new Event(`change:${k}`));
    },
    on: (name: string, cb: EventListener) => target.addEventListener(name, cb),
    off() { calls.push("off"); throw new Error("off not implemented"); },
    save_changes() { calls.push("save_changes"); throw new Error("save_changes not implemented"); },
    send() { calls.push("send"); throw new Error("send not implemented"); },
  };
}

function fakeElement() {
  const children: any[] = [];
  const createElement = () => {
    const style: any = { remove: () => children.splice(children.indexOf(style), 1) };
    return style;
  };
  const prepend = (c: any) => children.unshift(c);
  return { children, prepend, ownerDocument: { createElement } } as any;
}

// A widget that uses everything a widget may: set, save_changes, on, off, and feature-detects send.
const probe = {
  render({ model, el }: any) {
    el.model = model;
    el.seen = [];
    const fn = () => el.seen.push(model.get("label"));
    model.on("change:label", fn);
    model.set("label", "drawn");
    model.save_changes();
    el.hasSend = typeof model.send === "function";
    return () => { model.off("change:label", fn); el.cleaned = true; };
  },
};

function spec(overrides: Partial<ModuleSpec> = {}): ModuleSpec {
  return {
    widget: probe,
    modelId: "m1",
    css: ".probe { color: red; }",
    state: JSON.stringify({
      label: "start", size: 3, _network: { weights: [{ dtype: "float32", shape: [1] }] },
    }),
    buffers: [[["_network", "weights", 0, "view"], 0]],
    blobs: [{ codec: "f16", data: b64([0x00, 0xc0]) }], // -2.0
    ...overrides,
  };
}

afterEach(() => channels().clear());

describe("moduleHost under a host with only get, set and on", () => {
  it("gives the widget a page model over the state, calling nothing the host lacks", async () => {
    const calls: string[] = [];
    const host = moduleHost(spec());
    const model = mystModel({ label: "from the body", _network: "not binary", size: 9 }, calls);
    const cleanupInit = await host.initialize({ model });
    const el = fakeElement();
    const cleanupRender = await host.render({ model, el });
    expect(el.seen).toEqual(["drawn"]);
    expect(el.hasSend).toBe(false); // no kernel: the widget can tell
    expect(el.model.get("size")).toBe(9); // a plain key takes the directive body's value
    // a key carrying arrays keeps the module's
    expect(el.model.get("_network").weights[0].view.getFloat32(0, true)).toBe(-2);
    expect(model.get("label")).toBe("from the body"); // nothing forwarded to the host
    expect(el.children.map((c: any) => c.textContent)).toEqual([".probe { color: red; }"]);
    await cleanupRender();
    await cleanupInit();
    expect(el.cleaned).toBe(true);
    expect(el.children).toEqual([]); // the style went with the view
    expect(calls).toEqual([]);
  });

  it("each host model (each mount) starts from a fresh copy of the state", async () => {
    const host = moduleHost(spec());
    const [a, b] = [mystModel({}, []), mystModel({}, [])];
    const [ea, eb] = [fakeElement(), fakeElement()];
    await host.render({ model: a, el: ea });
    ea.model.set("size", 100);
    await host.render({ model: b, el: eb });
    expect(eb.model.get("size")).toBe(3);
    expect(ea.model).not.toBe(eb.model);
  });

  it("publishes the newest mount on the page's channel, and withdraws it on cleanup", async () => {
    const host = moduleHost(spec());
    const model = mystModel({}, []);
    const cleanup = await host.initialize({ model });
    const el = fakeElement();
    await host.render({ model, el });
    const follower = await el.model.widget_manager.get_model("m1");
    expect(follower.get("label")).toBe("drawn");
    await cleanup();
    expect(follower.get("label")).toBeUndefined();
  });

  it("adds no style element when the stylesheet travels as a file", async () => {
    const el = fakeElement();
    await moduleHost(spec({ css: "" })).render({ model: mystModel({}, []), el });
    expect(el.children).toEqual([]);
  });
});
