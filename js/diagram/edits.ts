// Edits to a network for "what if this neuron were off?": each hidden neuron's activation
// multiplied by a factor (0 = ablated), as NetworkDiagram.scales holds them in Python
// (src/nnwidgets/widgets/diagram.py). Scaling neuron n of layer l by s is the same as scaling
// column n of weights[l] (its outgoing weights) by s, so the page runs the ordinary forward pass
// on a copy of the weights edited that way, and scales the edited neuron's own activation for
// display. Layers are numbered as in the book: 0 = input, 1 = first hidden, L = output.
import { forwardLayers, type Layers, type NetworkSpec } from "../lib/forward";

/** layer -> neuron -> factor; factors of 1 are left out. */
export type Scales = Map<number, Map<number, number>>;

/**
 * The `scales` trait ({"1": {"17": 0}}) as Scales. Throws with the reason for an entry that
 * does not fit `sizes` (a hidden layer, a neuron in range, a finite factor).
 */
export function parseScales(value: unknown, sizes: readonly number[]): Scales {
  const out: Scales = new Map();
  if (value == null) return out;
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`scales must be an object, got ${JSON.stringify(value)}`);
  for (const [lk, row] of Object.entries(value as Record<string, unknown>)) {
    const l = Number(lk);
    if (!Number.isInteger(l) || l < 1 || l > sizes.length - 2) {
      throw new Error(`scales: layer must be a hidden layer 1..${sizes.length - 2}, got ${JSON.stringify(lk)}`);
    }
    if (row == null || typeof row !== "object") throw new Error(`scales[${l}] must be an object, got ${JSON.stringify(row)}`);
    for (const [nk, s] of Object.entries(row as Record<string, unknown>)) {
      const n = Number(nk);
      if (!Number.isInteger(n) || n < 0 || n >= sizes[l]) {
        throw new Error(`scales[${l}]: neuron must be in 0..${sizes[l] - 1}, got ${JSON.stringify(nk)}`);
      }
      if (typeof s !== "number" || !Number.isFinite(s)) throw new Error(`scales[${l}][${n}] must be a finite number, got ${JSON.stringify(s)}`);
      setScale(out, l, n, s); // a factor of 1 is no edit: setScale leaves it out
    }
  }
  return out;
}

/** Scales as the trait's JSON ({"1": {"17": 0}}). */
export function scalesToJson(scales: Scales): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [l, row] of scales) {
    if (row.size) out[String(l)] = Object.fromEntries([...row].map(([n, s]) => [String(n), s]));
  }
  return out;
}

/** Set one factor (1 removes the edit). */
export function setScale(scales: Scales, layer: number, neuron: number, s: number): void {
  if (s === 1) {
    scales.get(layer)?.delete(neuron);
    if (scales.get(layer)?.size === 0) scales.delete(layer);
    return;
  }
  if (!scales.has(layer)) scales.set(layer, new Map());
  scales.get(layer)!.set(neuron, s);
}

export function scaleOf(scales: Scales, layer: number, neuron: number): number {
  return scales.get(layer)?.get(neuron) ?? 1;
}

export function editCount(scales: Scales): number {
  let n = 0;
  for (const row of scales.values()) n += row.size;
  return n;
}

/** A network whose weights carry the edits (only edited matrices are copied). */
export function editNetwork(net: NetworkSpec, scales: Scales): NetworkSpec {
  if (!scales.size) return net;
  const weights = net.weights.slice();
  for (const [l, row] of scales) {
    // weights[l] maps layer l to layer l+1: column n is neuron n's outgoing weights
    const nIn = net.sizes[l], nOut = net.sizes[l + 1];
    const W = (weights[l] = net.weights[l].slice());
    for (const [n, s] of row) for (let j = 0; j < nOut; j++) W[j * nIn + n] *= s;
  }
  return { ...net, weights };
}

/**
 * Every layer for input `x` with the edits applied: `edited` from editNetwork(net, scales).
 * The edited neurons' own activations are shown scaled too (a switched-off neuron reads 0).
 */
export function editedLayers(edited: NetworkSpec, scales: Scales, x: ArrayLike<number>): Layers {
  const layers = forwardLayers(edited, x);
  for (const [l, row] of scales) for (const [n, s] of row) layers.activations[l][n] *= s;
  return layers;
}
