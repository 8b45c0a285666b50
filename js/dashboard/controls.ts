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

/**
 * A live setting as typed in its number box: `{ value }`, or `{ error }` saying what is wrong
 * and what was expected. `raw` is the box's value, `badInput` its `validity.badInput` (the
 * browser's word that the text, "abc" or "1e999", is no number: `raw` is then ""). Python
 * checks the range (learning_rate > 0 and the rest) and answers in the dashboard's message.
 */
export function readSetting(name: string, raw: string, badInput: boolean): { value: number } | { error: string } {
  const text = raw.trim();
  const v = Number(text);
  if (text !== "" && Number.isFinite(v)) return { value: v };
  const got = badInput ? "text that is not a number"
    : text === "" ? "an empty box"
    : `${text}, beyond the largest number`;
  return { error: `${name} must be a number, such as 0.05; got ${got}` };
}
