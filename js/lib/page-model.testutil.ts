// For tests: a model like MyST's page model, which implements only get, set and on (set fires
// change:<key>). `off` / `save` add the methods a fuller host has; "throws" makes them throw as
// MyST's stubs do. `probe` tells a test what the host saw.
import type { HostModel } from "./host";

type Extra = "absent" | "works" | "throws";

export interface Probe {
  /** How many times save_changes ran. */
  saved(): number;
  /** Handlers registered for `event` and not removed. */
  handlers(event: string): number;
}

export function pageModel<T extends object>(
  state: T, opts: { off?: Extra; save?: Extra } = {},
): { model: HostModel<T>; probe: Probe } {
  const values: any = { ...state };
  const handlers = new Map<string, Set<(...args: any[]) => void>>();
  let saved = 0;
  const model: HostModel<T> = {
    get: (key) => values[key],
    set: (key, value) => {
      values[key] = value;
      for (const fn of [...(handlers.get(`change:${String(key)}`) ?? [])]) fn();
    },
    on: (event, fn) => {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(fn);
    },
  };
  const notImplemented = () => {
    throw new Error("not implemented");
  };
  if (opts.off === "works") model.off = (event, fn) => void handlers.get(event ?? "")?.delete(fn!);
  if (opts.off === "throws") model.off = notImplemented;
  if (opts.save === "works") model.save_changes = () => void saved++;
  if (opts.save === "throws") model.save_changes = notImplemented;
  return { model, probe: { saved: () => saved, handlers: (event) => handlers.get(event)?.size ?? 0 } };
}
