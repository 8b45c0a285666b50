import { describe, expect, it } from "vitest";
import { runPage, type PageData, type View } from "./page";

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

// A widget module that records what it was given; el.text shows what it rendered.
function recorder(log: string[]) {
  return {
    initialize: ({ model }: any) => void log.push(`init ${model.get("name")}`),
    render: async ({ model, el }: any) => {
      const source = model.get("_source");
      const id = source?.slice("IPY_MODEL_".length);
      const other = id ? await model.widget_manager.get_model(id) : null;
      el.textContent = `${model.get("name")} sees ${other ? other.get("name") : "nobody"}`;
      el.weights = model.get("_network").weights[0].view;
      return () => log.push(`cleanup ${model.get("name")}`);
    },
  };
}

function pageData(): PageData {
  const net = () => ({ weights: [{ dtype: "float32", shape: [1] }] });
  return {
    modules: ["module-0"],
    blobs: [{ codec: "f16", data: b64([0x00, 0x3c]) }], // one half, 1.0, shared by both
    widgets: [
      { model_id: "d1a", module: 0,
        state: { name: "diagram", _source: "IPY_MODEL_c4a", _network: net() },
        buffers: [[["_network", "weights", 0, "view"], 0]] },
      { model_id: "c4a", module: 0, state: { name: "canvas", _network: net() },
        buffers: [[["_network", "weights", 0, "view"], 0]] },
    ],
  };
}

describe("runPage", () => {
  it("makes every model before rendering, so a widget finds one later on the page", async () => {
    const log: string[] = [];
    const els = [{} as any, {} as any];
    const views: View[] = [];
    const load = async () => ({ default: recorder(log) });
    await runPage(pageData(), { element: (i) => els[i], load, views });
    expect(els.map((e) => e.textContent)).toEqual(["diagram sees canvas", "canvas sees nobody"]);
    expect(log).toEqual(["init diagram", "init canvas"]);
    expect(views.map((v) => v.model.get("name"))).toEqual(["diagram", "canvas"]);
    // one network stored once: both widgets read the same float32 data
    expect(els[0].weights.getFloat32(0, true)).toBe(1);
    expect(els[0].weights.buffer).toBe(els[1].weights.buffer);
    (views[1].cleanup as () => void)();
    expect(log).toContain("cleanup canvas");
  });

  it("a widget that fails says why in its element; the others still render", async () => {
    const data = pageData();
    data.widgets[0].buffers = [[["nowhere", "view"], 0]];
    const els = [{} as any, {} as any];
    const reported: unknown[] = [];
    await runPage(data, {
      element: (i) => els[i],
      load: async () => ({ default: recorder([]) }),
      views: [],
      report: (e) => reported.push(e),
    });
    expect(els[0].textContent).toMatch(/^This widget could not be shown: .*"nowhere"/);
    expect(els[1].textContent).toBe("canvas sees nobody");
    expect(reported).toHaveLength(1);
  });

  it("a reference to a widget left out of the export names the fix", async () => {
    const data = pageData();
    data.widgets = [data.widgets[0]];
    const el = {} as any;
    const load = async () => ({ default: recorder([]) });
    await runPage(data, { element: () => el, load, views: [] });
    expect(el.textContent).toContain(
      "no widget with id c4a on this page (export it in the same export_html call)",
    );
  });

  it("one widget listed twice is two views of one model, initialized once", async () => {
    const log: string[] = [];
    const data = pageData();
    data.widgets.push(structuredClone(data.widgets[1])); // the canvas again, as [d, c, c]
    const els = [{} as any, {} as any, {} as any];
    const views: View[] = [];
    await runPage(data, { element: (i) => els[i], load: async () => ({ default: recorder(log) }), views });
    expect(views[1].model).toBe(views[2].model); // a change in one view reaches the other
    expect(log.filter((l) => l === "init canvas")).toHaveLength(1);
    expect(els.map((e) => e.textContent)).toEqual([
      "diagram sees canvas", "canvas sees nobody", "canvas sees nobody",
    ]);
  });

  it("takes a module whose default export is a function returning the widget", async () => {
    const el = {} as any;
    const data = pageData();
    data.widgets = [data.widgets[1]];
    const load = async () => ({ default: async () => recorder([]) });
    await runPage(data, { element: () => el, load, views: [] });
    expect(el.textContent).toBe("canvas sees nobody");
  });
});
