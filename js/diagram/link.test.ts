import { describe, expect, it } from "vitest";
import { ModelLink, referenceId, type SourceModel } from "./link";

/** A model with get/on/off that counts its handlers, as a host's would hold them. */
function fakeModel(values: Record<string, unknown> = {}) {
  const handlers = new Map<string, Set<() => void>>();
  return {
    get: (key: string) => values[key],
    set(key: string, value: unknown) {
      values[key] = value;
      for (const fn of [...(handlers.get(`change:${key}`) ?? [])]) fn();
    },
    on: (event: string, fn: () => void) => void (handlers.get(event) ?? handlers.set(event, new Set()).get(event)!).add(fn),
    off: (event: string, fn: () => void) => void handlers.get(event)?.delete(fn),
    count: (event: string) => handlers.get(event)?.size ?? 0,
  };
}

/** A widget manager whose get_model resolves when the test says so. */
function manager(models: Record<string, unknown>) {
  const pending: (() => void)[] = [];
  return {
    get_model: (id: string) => new Promise<unknown>((resolve, reject) => {
      pending.push(() => (id in models ? resolve(models[id]) : reject(new Error(`no widget ${id}`))));
    }),
    resolveAll: async () => {
      for (const fn of pending.splice(0)) fn();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

describe("ModelLink", () => {
  it("resolves IPY_MODEL_<id> with the widget manager and hears the model's event", async () => {
    const canvas = fakeModel({ _live: 1 });
    const wm = manager({ abc: canvas });
    const heard: unknown[] = [];
    const link = new ModelLink("change:_live", (m: SourceModel) => heard.push(m.get("_live")));
    const linked = link.follow("IPY_MODEL_abc", wm);
    await wm.resolveAll();
    expect(await linked).toBe(true);
    canvas.set("_live", 2);
    expect(heard).toEqual([1, 2]); // once on linking, then per change
  });

  it("removes its handler on close, and on relinking to another model", async () => {
    const a = fakeModel(), b = fakeModel();
    const wm = manager({ a, b });
    const link = new ModelLink("change:_live", () => {});
    const first = link.follow("IPY_MODEL_a", wm);
    await wm.resolveAll();
    await first;
    expect(a.count("change:_live")).toBe(1);
    const second = link.follow("IPY_MODEL_b", wm);
    await wm.resolveAll();
    await second;
    expect([a.count("change:_live"), b.count("change:_live")]).toEqual([0, 1]);
    link.close();
    expect(b.count("change:_live")).toBe(0);
  });

  it("never attaches a model that resolves after close or a newer link", async () => {
    const a = fakeModel(), b = fakeModel();
    const wm = manager({ a, b });
    const link = new ModelLink("change:_live", () => {});
    const stale = link.follow("IPY_MODEL_a", wm);
    const fresh = link.follow("IPY_MODEL_b", wm);
    await wm.resolveAll();
    expect([await stale, await fresh]).toEqual([false, true]);
    expect(a.count("change:_live")).toBe(0);
    const late = link.follow("IPY_MODEL_a", wm);
    link.close(); // the view is removed before the model arrives
    await wm.resolveAll();
    expect(await late).toBe(false);
    expect(a.count("change:_live")).toBe(0);
    expect(link.model).toBeNull();
  });

  it("says why it cannot link", async () => {
    const link = new ModelLink("change:_live", () => {});
    await expect(link.follow("IPY_MODEL_x", undefined)).rejects.toThrow("no widget manager");
    const wm = manager({});
    // The expectation is attached before the rejection happens, or the rejection would count
    // as unhandled for the moment in between (vitest reports that as an error of the run).
    const missing = expect(link.follow("IPY_MODEL_x", wm)).rejects.toThrow("no widget x");
    await wm.resolveAll();
    await missing;
    expect(await link.follow(null, wm)).toBe(false);
    expect(() => referenceId(42)).toThrow('"IPY_MODEL_<id>", got 42');
  });
});
