// What the diagram shows for one input, computed without touching the page: the forward pass
// with the edits, which values colour the neurons (activations, or Python's errors while they
// belong to this input), the connections to draw, and the neurons to ring. widget.ts paints
// the result; view.test.ts checks it under node.
import type { NetworkSpec, Layers } from "../lib/forward";
import { allEdges, errorEdges, topContributors, topKEdges, type Edges } from "./edges";
import { editedLayers, type Scales } from "./edits";
import { errorsMatch, type ErrorsState } from "./errors";
import type { Hit } from "./layout";

/** All edges are drawn on request only below this many connections (more is a grey blur). */
export const ALL_EDGES_LIMIT = 20000;

/** Whether every connection of a network of `sizes` may be drawn (at most ALL_EDGES_LIMIT). */
export function allEdgesFit(sizes: readonly number[], limit = ALL_EDGES_LIMIT): boolean {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += sizes[l] * sizes[l + 1];
  return total <= limit;
}

export interface ViewRequest {
  net: NetworkSpec;
  /** `net` with the edits folded into its weights (edits.editNetwork). */
  edited: NetworkSpec;
  scales: Scales;
  x: Float32Array;
  errors: ErrorsState | null;
  /** Python's `mode` asks for errors. */
  wantsErrors: boolean;
  topK: number;
  /** Draw every connection (already checked with allEdgesFit). */
  all: boolean;
}

export interface View {
  layers: Layers;
  edges: (Edges | null)[];
  showing: "activations" | "errors";
}

/** The forward pass with the edits, and the connections to draw. */
export function computeView(r: ViewRequest): View {
  const { net, x, topK: k, all } = r;
  const layers = editedLayers(r.edited, r.scales, x);
  const acts = layers.activations;
  const edges: (Edges | null)[] = [];
  if (r.wantsErrors && errorsMatch(r.errors, x)) {
    // The errors flowing back: into each neuron of layer l, the largest |w^{l+1}_kj delta^{l+1}_k|.
    for (let l = 0; l + 1 < net.sizes.length; l++) {
      const nIn = net.sizes[l], nOut = net.sizes[l + 1];
      const deltas = r.errors.deltas[l];
      edges.push(l === 0 ? null : errorEdges(net.weights[l], deltas, nIn, nOut, all ? nOut : k));
    }
    return { layers, edges, showing: "errors" };
  }
  // Contributions use the original weights and the edited activations: a switched-off
  // neuron contributes nothing, a scaled one its scaled activation.
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const nIn = net.sizes[l], nOut = net.sizes[l + 1];
    const into = acts[l + 1];
    const w = net.weights[l];
    edges.push(all
      ? allEdges(w, acts[l], nIn, nOut, into)
      : topKEdges(w, acts[l], nIn, nOut, k, into));
  }
  return { layers, edges, showing: "activations" };
}

/** The caption under each layer. */
export function captions(sizes: readonly number[]): string[] {
  return sizes.map((n, l) => {
    if (l === 0) return n === 784 ? "input 28\u00d728" : `input ${n}`;
    return l === sizes.length - 1 ? `output ${n}` : `hidden ${n}`;
  });
}

/** The neurons to ring: the hovered and the focused one, and for an output neuron the five
 * neurons of the layer before that push it most. */
export function ringsFor(hits: (Hit | null)[], net: NetworkSpec, layers: Layers | null): Hit[] {
  const out: Hit[] = [];
  for (const hit of hits) {
    if (!hit) continue;
    out.push(hit);
    if (layers && hit.layer === net.sizes.length - 1 && hit.layer > 0) {
      const l = hit.layer - 1;
      const a = layers.activations[l];
      const top = topContributors(net.weights[l], a, net.sizes[l], hit.neuron, 5);
      for (const [i] of top) out.push({ layer: l, neuron: i });
    }
  }
  return out;
}
