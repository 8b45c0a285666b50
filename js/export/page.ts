// The offline page export_html writes: every widget's module, state and binary arrays inlined
// in one HTML file, rendered with no kernel. Python fills in the data (a JSON script element);
// this is the page's whole runtime.
import { BlobStore, placeBuffers, type BlobSpec, type BufferRef } from "./blobs";
import { createPageModel, type PageModel, type WidgetManager } from "./pagemodel";
import { widgetOf } from "./widgetmodule";

export interface WidgetSpec {
  /** What "IPY_MODEL_<id>" in other widgets' state names. */
  model_id: string | null;
  /** Index into PageData.modules. */
  module: number;
  state: Record<string, unknown>;
  buffers: BufferRef[];
}

export interface PageData {
  modules: string[]; // base64 ES modules, one per kind of widget
  blobs: BlobSpec[]; // each distinct buffer once, however many widgets hold it
  widgets: WidgetSpec[];
}

export interface View {
  el: HTMLElement;
  model: PageModel;
  cleanup: unknown;
}

export interface PageHost {
  /** The element widget `i` renders into. */
  element(i: number): HTMLElement;
  /** Import module `i` (data.modules[i]). */
  load(i: number): Promise<unknown>;
  /** Receives each rendered view, in page order (window.nnwidgetsViews in the page). */
  views: View[];
  /** Where a widget that could not be shown reports why (console.error in the page). */
  report?(error: unknown): void;
}

/**
 * Make every widget's model first (so a widget referring to another finds it, whatever their
 * order on the page), then render each. A widget that fails shows why in its element; the
 * others still render.
 */
export async function runPage(data: PageData, host: PageHost): Promise<void> {
  const store = new BlobStore(data.blobs);
  const models = new Map<string, PageModel>();
  const manager: WidgetManager = {
    get_model: async (id) => {
      const model = models.get(id);
      if (!model) {
        throw new Error(
          `no widget with id ${id} on this page (export it in the same export_html call)`,
        );
      }
      return model;
    },
  };
  const entries = data.widgets.map((w, i) => {
    try {
      // One widget listed twice is two views of one model, as a widget displayed twice in
      // Jupyter: what is drawn in one shows in the other, and a linked widget follows both.
      const known = w.model_id ? models.get(w.model_id) : undefined;
      const model = known ?? createPageModel(placeBuffers(w.state, w.buffers, store), manager);
      if (w.model_id) models.set(w.model_id, model);
      return { w, i, model };
    } catch (error) {
      return { w, i, error };
    }
  });
  const initialized = new Set<PageModel>(); // anywidget initializes a model once, renders each view
  for (const { w, i, model, error } of entries) {
    const el = host.element(i);
    try {
      if (error || !model) throw error;
      const widget = await widgetOf(await host.load(w.module));
      if (!initialized.has(model)) {
        initialized.add(model);
        await widget.initialize?.({ model });
      }
      const cleanup = await widget.render({ model, el });
      host.views.push({ el, model, cleanup });
    } catch (e) {
      el.textContent = `This widget could not be shown: ${e}`;
      host.report?.(e);
    }
  }
}

/** In the page: read the data element, render into [data-nnw-widget] elements. */
export async function startPage(doc: Document = document): Promise<View[]> {
  const source = doc.getElementById("nnw-data");
  if (!source) throw new Error('the page has no element with id "nnw-data" (its data)');
  const data = JSON.parse(source.textContent ?? "") as PageData;
  const views: View[] = ((globalThis as any).nnwidgetsViews = []); // for scripts and tests
  await runPage(data, {
    element: (i) => {
      const el = doc.querySelector<HTMLElement>(`[data-nnw-widget="${i}"]`);
      if (!el) throw new Error(`the page has no element for widget ${i}`);
      return el;
    },
    load: (i) => import(/* @vite-ignore */ `data:text/javascript;base64,${data.modules[i]}`),
    views,
    report: (e) => console.error(e),
  });
  return views;
}
