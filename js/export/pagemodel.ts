// The model an exported widget talks to: anywidget's model interface over a saved state, with
// no kernel behind it. The offline page (export_html) and the MyST module (export_esm) both
// give their widgets this model.
//
// What it has: get, set (change:<key> and change fire, as in Jupyter, for the page's own
// listeners), on, off, save_changes (a no-op: nothing to save to), and a widget_manager that
// resolves "IPY_MODEL_<id>" references to other widgets on the page. What it lacks on purpose:
// send. No kernel takes custom messages, and a widget that feature-detects send (the
// dashboard) then knows at once that its buttons could do nothing here, and disables them.

export type Listener = (...args: any[]) => void;

/** Resolves a model id (what "IPY_MODEL_<id>" names) to that widget's model on the page. */
export interface WidgetManager {
  get_model(id: string): Promise<unknown>;
}

export interface PageModel {
  get(key: string): any;
  set(key: string, value: unknown): void;
  on(event: string, fn: Listener): void;
  off(event?: string | null, fn?: Listener | null): void;
  save_changes(): void;
  widget_manager?: WidgetManager;
}

export function createPageModel(
  state: Record<string, unknown>, manager?: WidgetManager,
): PageModel {
  const handlers = new Map<string, Set<Listener>>();
  const emit = (event: string, ...args: unknown[]) => {
    for (const fn of [...(handlers.get(event) ?? [])]) fn(...args);
  };
  const model: PageModel = {
    get: (key) => state[key],
    set(key, value) {
      state[key] = value;
      emit(`change:${key}`, model, value);
      emit("change", model);
    },
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(fn);
    },
    off(event, fn) {
      if (event == null) handlers.clear();
      else if (fn == null) handlers.delete(event);
      else handlers.get(event)?.delete(fn);
    },
    save_changes() {}, // no kernel to save to: the values stay in this model
  };
  if (manager) model.widget_manager = manager;
  return model;
}
