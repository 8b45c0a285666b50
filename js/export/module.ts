// The host inside a module export_esm writes, for MyST's {anywidget} directive (Jupyter Book 2)
// or any other AFM host. MyST's page model implements only get, set and on (save_changes, off
// and send throw) and carries JSON only, so the widget never sees it: the widget gets a page
// model (pagemodel.ts) over the module's embedded state, one per host model, and nothing is
// forwarded back. A key of the embedded state that the host's model also holds (the
// directive's JSON body, e.g. {"show_steps": true}) starts from the host's value, except keys
// that carry binary arrays.
import { BlobStore, placeBuffers, type BlobSpec, type BufferRef } from "./blobs";
import { channel } from "./channels";
import { createPageModel, type PageModel, type WidgetManager } from "./pagemodel";
import type { WidgetModule } from "./widgetmodule";

export interface ModuleSpec {
  widget: WidgetModule;
  modelId: string;
  /** The widget's stylesheet, added inside its element ("" when it travels as a file). */
  css: string;
  /** The state as JSON text: parsed per host model, so each mount gets its own copy. */
  state: string;
  buffers: BufferRef[];
  blobs: BlobSpec[];
}

/** Anything a host may pass as its model: only `get` is used, and only if it works. */
type HostModel = { get?: (key: string) => unknown } | null | undefined;

function hostValue(host: HostModel, key: string): unknown {
  try {
    return host && typeof host.get === "function" ? host.get(key) : undefined;
  } catch {
    return undefined;
  }
}

export function moduleHost(spec: ModuleSpec) {
  const store = new BlobStore(spec.blobs);
  const binaryKeys = new Set(spec.buffers.map(([path]) => String(path[0])));
  const manager: WidgetManager = { get_model: async (id) => channel(id) };
  const own = channel(spec.modelId);

  function freshState(host: HostModel): Record<string, unknown> {
    const state = JSON.parse(spec.state) as Record<string, unknown>;
    for (const key of Object.keys(state)) {
      const value = hostValue(host, key);
      if (value !== undefined && !binaryKeys.has(key)) state[key] = value;
    }
    return placeBuffers(state, spec.buffers, store);
  }

  // One page model per host model: MyST makes a new one on every mount; two directives on one
  // page share this module but not their drawings. The newest is the one the channel follows.
  const models = new WeakMap<object, PageModel>();
  const keyOf = (host: HostModel): object => (host && typeof host === "object" ? host : models);
  function modelFor(host: HostModel): PageModel {
    const key = keyOf(host);
    let model = models.get(key);
    if (!model) {
      model = createPageModel(freshState(host), manager);
      models.set(key, model);
      own.attach(model);
    }
    return model;
  }

  async function initialize({ model: host }: { model: HostModel }) {
    const cleanup = await spec.widget.initialize?.({ model: modelFor(host) });
    return () => {
      const key = keyOf(host);
      own.detach(models.get(key));
      models.delete(key);
      if (typeof cleanup === "function") return cleanup();
    };
  }

  async function render({ model: host, el }: { model: HostModel; el: HTMLElement }) {
    let style: HTMLStyleElement | null = null;
    if (spec.css) {
      // Inside el, so it reaches the widget in a shadow root as well as in the document.
      style = (el.ownerDocument ?? document).createElement("style");
      style.textContent = spec.css;
      el.prepend(style);
    }
    const cleanup = await spec.widget.render({ model: modelFor(host), el });
    return async () => {
      try {
        if (typeof cleanup === "function") await cleanup();
      } finally {
        style?.remove();
      }
    };
  }

  return { initialize, render };
}
