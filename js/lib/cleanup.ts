// Everything a view adds outside its own element (window and document listeners, model
// listeners, observers, frames) registered in one place, so one call undoes all of it.
import type { HostModel } from "./host";

export class Cleanups {
  private readonly undo: (() => void)[] = [];

  /** Run `fn` on cleanup. */
  add(fn: () => void): void {
    this.undo.push(fn);
  }

  /** addEventListener, removed on cleanup. */
  listen<E extends Event = Event>(
    target: EventTarget, type: string, fn: (e: E) => void, opts?: AddEventListenerOptions,
  ): void {
    const listener = fn as EventListener;
    target.addEventListener(type, listener, opts);
    this.add(() => target.removeEventListener(type, listener, opts));
  }

  /**
   * model.on, undone on cleanup. The handler goes quiet at cleanup even where the host has no
   * working `off` (MyST), so a removed view never repaints from a model that outlives it.
   */
  on(model: Pick<HostModel, "on" | "off">, event: string, fn: () => void): void {
    let live = true;
    const handler = () => {
      if (live) fn();
    };
    model.on(event, handler);
    this.add(() => {
      live = false;
      if (typeof model.off === "function") model.off(event, handler);
    });
  }

  /**
   * Undo everything, newest first. One step that throws (a host's `off` that is not
   * implemented) does not stop the others; the errors are returned for a caller that cares.
   */
  run(): unknown[] {
    const errors: unknown[] = [];
    for (const fn of this.undo.splice(0).reverse()) {
      try {
        fn();
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }
}
