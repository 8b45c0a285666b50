// The model a widget talks to, as every host provides it. anywidget in Jupyter gives the full
// interface; MyST's page model (Jupyter Book 2) implements only get, set and on, and its
// save_changes, off and send throw "not implemented". So a widget may rely on these three and
// must feature-detect the rest.

/** get, set and on: all a widget may assume. */
export interface HostModel<T extends object = Record<string, any>> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off?: (event?: string | null, callback?: ((...args: any[]) => void) | null) => void;
  save_changes?: () => void;
}

/**
 * Send the model's pending changes to the kernel, if the host has one. Returns whether they
 * were sent: false where save_changes is missing or throws (a static page, MyST), where the
 * values stay in the page's model, which is all such a host has.
 */
export function saveChanges(model: Pick<HostModel, "save_changes">): boolean {
  if (typeof model.save_changes !== "function") return false;
  try {
    model.save_changes();
    return true;
  } catch {
    return false;
  }
}

/** `model.set(key, value)` and send it on, where the host can. */
export function setAndSave<T extends object, K extends keyof T & string>(model: HostModel<T>, key: K, value: T[K]): boolean {
  model.set(key, value);
  return saveChanges(model);
}
