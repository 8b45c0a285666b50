// Widgets that follow each other across export_esm modules. Each module publishes its page
// model on a page-wide channel named by the widget's model id; a widget in another module
// reaches it through widget_manager.get_model(id), as it would reach a model in Jupyter (a
// NetworkDiagram's _source, "IPY_MODEL_<canvas id>", set by diagram.link(canvas)).
//
// A channel exists as soon as either side asks for it and forwards the events of whichever
// mount of that widget is current, so directives may mount in any order, and the theme may
// unmount and re-mount either one: a follower keeps the last input it saw meanwhile and
// follows the new mount when it appears. The channels live on globalThis under CHANNELS_KEY,
// shared by every module export_esm wrote (whatever nnwidgets version wrote it: the key is
// versioned, and the channel's shape must stay compatible under one key).
import type { Listener, PageModel } from "./pagemodel";

export const CHANNELS_KEY = Symbol.for("nnwidgets.export_esm.channels.v1");

/** A stand-in model (get, on, off) for the current mount of one widget. */
export interface Channel {
  get(key: string): any;
  on(event: string, fn: Listener): void;
  off(event?: string | null, fn?: Listener | null): void;
  attach(model: PageModel): void;
  detach(model: PageModel | null | undefined): void;
}

type Registry = Map<string, Channel>;

/** The page's channel registry (created on first use). */
export function channels(scope: Record<symbol, unknown> = globalThis as any): Registry {
  return ((scope[CHANNELS_KEY] as Registry | undefined) ??= new Map()) as Registry;
}

/** The channel named `id`, created if no module asked for it yet. */
export function channel(id: string, registry: Registry = channels()): Channel {
  const existing = registry.get(id);
  if (existing) return existing;
  const handlers = new Map<string, Set<Listener>>(); // event -> listeners
  const relays = new Map<string, Listener>(); // event -> the function registered on `current`
  let current: PageModel | null = null;
  const relay = (event: string) => {
    if (!current || relays.has(event)) return;
    const fn: Listener = (...args) => {
      for (const f of [...(handlers.get(event) ?? [])]) f(...args);
    };
    relays.set(event, fn);
    current.on(event, fn);
  };
  const c: Channel = {
    get: (key) => (current ? current.get(key) : undefined),
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(fn);
      relay(event);
    },
    off(event, fn) {
      if (event == null) handlers.clear();
      else if (fn == null) handlers.delete(event);
      else handlers.get(event)?.delete(fn);
    },
    attach(model) {
      c.detach(current);
      current = model;
      for (const event of handlers.keys()) relay(event);
      // followers see the new mount's state at once, as if each key had just changed
      for (const event of handlers.keys()) {
        if (event.startsWith("change:")) relays.get(event)?.(model);
      }
    },
    detach(model) {
      if (!current || model !== current) return;
      for (const [event, fn] of relays) current.off(event, fn);
      relays.clear();
      current = null;
    },
  };
  registry.set(id, c);
  return c;
}
