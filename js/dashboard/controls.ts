// Which buttons the dashboard offers in each state. Python refuses the rest anyway (with a
// message); greying them out just saves a round trip and says what is possible.

export const ACTIONS = ["start", "pause", "resume", "step", "stop"] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions that make sense for `status` when `pending` runs are left to train. */
export function enabledActions(status: string, pending: number): Set<Action> {
  if (status === "running") return new Set<Action>(["pause", "step", "stop"]);
  if (status === "paused") return new Set<Action>(["resume", "step", "stop"]);
  if (status !== "stopping" && pending > 0) return new Set<Action>(["start", "step"]);
  return new Set<Action>();
}

/**
 * Whether the learning rate and the other live settings can change: while a run trains or is
 * paused (it takes them at its next mini-batch), or before one starts. Once every run has
 * ended nothing would take them, so they are locked, like the buttons (and so they are in an
 * exported page, which shows a finished training and has no kernel).
 */
export function settingsEditable(status: string, pending: number): boolean {
  return status === "running" || status === "paused" || (status !== "stopping" && pending > 0);
}
