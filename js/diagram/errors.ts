// The errors mode: backpropagation's delta^l = dC/dz^l for one example and its target, computed
// in Python (src/nnwidgets/widgets/diagram/errors.py) and sent with the input they belong to.
// The page shows them only while it shows that input: once a linked canvas's pen has moved on,
// they describe another drawing, and the page shows activations until Python sends new ones.
import { symmetricLimit } from "../lib/colors";
import { decodeArray } from "../lib/wire";
import type { LayerColour } from "./paint";

export interface ErrorsState {
  /** delta^1 .. delta^L, one per layer after the input. */
  deltas: Float32Array[];
  /** The input the errors were computed for. */
  input: Float32Array;
  target: Float32Array;
  cost: string;
}

/** The `_errors` trait decoded and checked against the network's sizes; null for none. Throws if malformed. */
export function parseErrors(value: unknown, sizes: number[]): ErrorsState | null {
  if (value == null) return null;
  const v = value as { deltas?: unknown; input?: unknown; target?: unknown; cost?: unknown };
  if (typeof v !== "object" || !Array.isArray(v.deltas)) throw new Error("errors must be {deltas: [...], input, target, cost}");
  const L = sizes.length - 1;
  if (v.deltas.length !== L) throw new Error(`errors need ${L} layers of deltas, got ${v.deltas.length}`);
  const deltas = v.deltas.map((d, i) => {
    const a = decodeArray(d).data;
    if (a.length !== sizes[i + 1]) throw new Error(`deltas[${i}] must hold ${sizes[i + 1]} values, got ${a.length}`);
    return a;
  });
  const input = decodeArray(v.input).data;
  if (input.length !== sizes[0]) throw new Error(`errors' input must hold ${sizes[0]} values, got ${input.length}`);
  const target = decodeArray(v.target).data;
  return { deltas, input, target, cost: String(v.cost ?? "") };
}

/** Whether `errors` belong to input `x` (the same values, to float32 rounding). */
export function errorsMatch(errors: ErrorsState | null, x: ArrayLike<number> | null): errors is ErrorsState {
  if (!errors || !x || x.length !== errors.input.length) return false;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - errors.input[i]) > 1e-6) return false;
  return true;
}

/** How errors map to colour: each layer on its own scale, or every layer on one. */
export type ErrorScale = "per_layer" | "shared";

/** The `error_scale` trait as a scale; anything unknown is the default, per layer. */
export function parseErrorScale(value: unknown): ErrorScale {
  return value === "shared" ? "shared" : "per_layer";
}

/** A diverging scale per layer. "per_layer": each as wide as that layer's largest |delta|, so
 * every layer shows its pattern however small its errors (they shrink flowing back).
 * "shared": all as wide as the largest |delta| in the network, so a layer whose errors vanish
 * (NNDL ch5's slow early layers) fades towards white. */
export function errorColours(errors: ErrorsState, scale: ErrorScale = "per_layer"): LayerColour[] {
  if (scale === "shared") {
    const limit = symmetricLimit((function* () {
      for (const d of errors.deltas) yield* d;
    })());
    return errors.deltas.map(() => ({ kind: "diverging", limit }));
  }
  return errors.deltas.map((d) => ({ kind: "diverging", limit: symmetricLimit(d) }));
}

/** The label of a target: its digit when one-hot, else its values. */
export function targetText(target: Float32Array): string {
  let ones = 0, at = -1;
  for (let i = 0; i < target.length; i++) {
    if (target[i] === 1) (ones++, (at = i));
    else if (target[i] !== 0) ones = 99;
  }
  return ones === 1 ? String(at) : `[${Array.from(target, (t) => +t.toFixed(3)).join(", ")}]`;
}
