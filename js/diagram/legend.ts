// What the diagram's legend says, as data: rows of items (a colour scale, a line style, a
// sentence), which dom.ts draws with a separator between items. Pure, so the wording is tested
// under node (legend.test.ts); widget.ts decides when it has changed.
import type { ScaleKind } from "./paint";

export type LegendItem =
  | { kind: "scale"; label: string; scale: ScaleKind; lo: string; hi: string }
  | { kind: "line"; sign: "positive" | "negative"; label: string }
  | { kind: "text"; text: string };

export interface LegendRow {
  title: string;
  items: LegendItem[];
}

export interface Legend {
  rows: LegendRow[];
  /** A sentence under the rows (why errors are not shown, what δ is), or "". */
  note: string;
}

export interface LegendState {
  sizes: readonly number[];
  activation: string;
  output: string;
  topK: number;
  /** Every connection is drawn (asked for, and few enough of them). */
  allEdges: boolean;
  /** Every connection was asked for, but there are too many (over `edgeLimit`). */
  tooManyEdges: boolean;
  edgeLimit: number;
  /** Errors mode was asked for and there is an input, but no errors for it (the pen moved). */
  errorsPending: boolean;
  /** The errors shown, or null in activations mode. */
  errors: { limits: string[]; target: string; cost: string; shared?: boolean } | null;
}

const WEIGHTS: LegendItem[] = [
  { kind: "line", sign: "positive", label: "positive weight" },
  { kind: "line", sign: "negative", label: "negative weight" },
];

/** The range a layer's colour scale spans, as the legend labels its ends. */
function range(fn: string, kind: ScaleKind): [string, string] {
  if (fn === "relu") return ["0", "layer's largest"];
  if (kind === "sequential") return ["0", "1"];
  if (fn === "tanh") return ["\u22121", "+1"];
  return ["\u2212largest", "+largest"];
}

/** `kindOf(fn)`: the colour scale a layer computed by `fn` uses (paint.layerColour). */
export function legendFor(s: LegendState, kindOf: (fn: string) => ScaleKind): Legend {
  const L = s.sizes.length - 1;
  const which = s.allEdges ? "every connection" : `the ${s.topK} largest into each neuron`;
  if (s.errors) {
    const { limits, target, cost, shared } = s.errors;
    const flowing = `width: |weight \u00d7 \u03b4| flowing back, ${which}`;
    const items: LegendItem[] = limits.map((limit, i) => ({
      kind: "scale", label: i + 1 === L ? "output" : `hidden ${i + 1}`, scale: "diverging",
      lo: `\u2212${limit}`, hi: `+${limit}`,
    }));
    return {
      rows: [
        { title: "Error \u03b4", items },
        {
          title: "Connections",
          items: [...WEIGHTS, { kind: "text", text: flowing }],
        },
      ],
      note: `error \u03b4 = \u2202C/\u2202z for target ${target} (${cost} cost); `
        + (shared
          ? "every layer on one scale (the network's largest |\u03b4|): layers that learn "
            + "slowly fade towards white."
          : "each layer on its own scale."),
    };
  }
  const scale = (label: string, fn: string): LegendItem => {
    const kind = kindOf(fn);
    const [lo, hi] = range(fn, kind);
    return { kind: "scale", label, scale: kind, lo, hi };
  };
  const neurons: LegendItem[] = [];
  if (L > 1) neurons.push(scale(`hidden (${s.activation})`, s.activation));
  neurons.push(scale(`output (${s.output})`, s.output));
  const strongest = `width: |activation \u00d7 weight|, the ${s.topK} strongest into each neuron`;
  const width = s.tooManyEdges
    ? `${strongest} (over ${s.edgeLimit} connections: too many to draw them all)`
    : s.allEdges ? "every connection into the neurons that are on"
    : strongest;
  return {
    rows: [
      { title: "Activation", items: neurons },
      { title: "Connections", items: [...WEIGHTS, { kind: "text", text: width }] },
    ],
    note: s.errorsPending
      ? "Errors: none for this input yet (the pen moved on; Python computes them when the "
        + "stroke ends), showing activations."
      : "",
  };
}

export interface ErrorsSwitch {
  disabled: boolean;
  checked: boolean;
  title: string;
  /** Shown beside the switch: why it cannot be used yet ("" when it can). */
  reason: string;
}

/** The "errors δ" switch: usable once Python computed errors (show_errors), ticked in errors
 * mode. */
export function errorsSwitch(available: boolean, mode: string): ErrorsSwitch {
  return available
    ? {
      disabled: false,
      checked: mode === "errors",
      title: "Colour each neuron by backpropagation's error \u03b4 for the target given to "
        + "show_errors (shown while the input is the one the errors were computed for)",
      reason: "",
    }
    : {
      disabled: true,
      checked: false,
      title: "Call diagram.show_errors(x, y) in Python to give a target; then this switches "
        + "between activations and errors",
      reason: "needs a target: show_errors(x, y)",
    };
}
