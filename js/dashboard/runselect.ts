// The panels' run selectors, pure: the options of a <select> listing the runs, with a first
// option for "none chosen" (the panels follow training; no comparison). Values are run indices
// as strings ("" for none), so they go back to Python's panels_run / compare_run unchanged.

export interface RunOption { value: string; text: string; selected: boolean }

/** The options for runs labelled `labels`, `chosen` selected (null: the first option). */
export function runOptions(labels: readonly string[], chosen: number | null | undefined,
  none: string): RunOption[] {
  const pick = chosen != null && chosen >= 0 && chosen < labels.length ? chosen : null;
  return [
    { value: "", text: none, selected: pick === null },
    ...labels.map((label, i) => ({
      value: String(i), text: `${i + 1}. ${label || `run ${i + 1}`}`, selected: pick === i,
    })),
  ];
}

/** A selector's value back as Python's index: null for "", else the run's index. */
export function chosenIndex(value: string): number | null {
  if (value === "") return null;
  const i = Number(value);
  return Number.isInteger(i) && i >= 0 ? i : null;
}
