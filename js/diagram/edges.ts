// Which connections a diagram draws: the ones that explain the answer. Into each neuron j of
// layer l+1, source i contributes c = a_i * W[j, i] to its weighted input z_j; the strongest
// |c| are the connections that matter for this input. Weights are (n_out, n_in) row-major,
// as NumPy stores them.

export interface Edges {
  /** Source neuron (layer l), target neuron (layer l+1) and contribution a_i * W[j, i] per edge. */
  source: Int32Array;
  target: Int32Array;
  contribution: Float32Array;
  /** The weight itself, for colouring by sign. */
  weight: Float32Array;
  count: number;
  /** Largest |contribution| among the edges (0 when there are none). */
  max: number;
}

function empty(capacity: number): Edges {
  return {
    source: new Int32Array(capacity),
    target: new Int32Array(capacity),
    contribution: new Float32Array(capacity),
    weight: new Float32Array(capacity),
    count: 0,
    max: 0,
  };
}

function push(e: Edges, i: number, j: number, c: number, w: number): void {
  const k = e.count++;
  e.source[k] = i;
  e.target[k] = j;
  e.contribution[k] = c;
  e.weight[k] = w;
  const m = Math.abs(c);
  if (m > e.max) e.max = m;
}

/**
 * The `k` strongest contributions into each of the `nOut` targets, from activations `a`
 * (length nIn) through weights `W`. Zero contributions are never drawn (an inactive source
 * explains nothing). With `out` (the targets' activations), targets that are off (0, a ReLU
 * below threshold) get no edges: the picture shows what lit the neurons that are lit.
 * Within a target, edges come strongest first.
 */
export function topKEdges(
  W: ArrayLike<number>, a: ArrayLike<number>, nIn: number, nOut: number, k: number, out?: ArrayLike<number>,
): Edges {
  if (W.length !== nIn * nOut) throw new Error(`W must hold ${nOut}x${nIn} values, got ${W.length}`);
  if (a.length !== nIn) throw new Error(`a must hold ${nIn} values, got ${a.length}`);
  k = Math.max(0, Math.min(Math.floor(k), nIn));
  if (out && out.length !== nOut) throw new Error(`out must hold ${nOut} values, got ${out.length}`);
  const edges = empty(nOut * k);
  if (k === 0) return edges;
  // Only sources that are on can contribute: most pixels are blank, many ReLUs are off.
  const live = new Int32Array(nIn);
  let nLive = 0;
  for (let i = 0; i < nIn; i++) if (a[i] !== 0) live[nLive++] = i;
  const bestI = new Int32Array(k), bestC = new Float64Array(k);
  for (let j = 0; j < nOut; j++) {
    if (out && out[j] === 0) continue;
    let have = 0;
    const base = j * nIn;
    for (let t = 0; t < nLive; t++) {
      const i = live[t];
      const c = a[i] * W[base + i];
      const m = Math.abs(c);
      if (m === 0) continue;
      if (have === k && m <= Math.abs(bestC[k - 1])) continue;
      // insertion into the sorted (strongest first) short list
      let p = have < k ? have++ : k - 1;
      while (p > 0 && Math.abs(bestC[p - 1]) < m) {
        bestC[p] = bestC[p - 1];
        bestI[p] = bestI[p - 1];
        p--;
      }
      bestC[p] = c;
      bestI[p] = i;
    }
    for (let t = 0; t < have; t++) push(edges, bestI[t], j, bestC[t], W[base + bestI[t]]);
  }
  return edges;
}

/** Every connection with a non-zero contribution (for small networks). */
export function allEdges(W: ArrayLike<number>, a: ArrayLike<number>, nIn: number, nOut: number, out?: ArrayLike<number>): Edges {
  return topKEdges(W, a, nIn, nOut, nIn, out);
}

/** The `k` sources contributing most (by |contribution|) into target `j`: [source, contribution][]. */
export function topContributors(W: ArrayLike<number>, a: ArrayLike<number>, nIn: number, j: number, k: number): [number, number][] {
  const row = Array.from({ length: nIn }, (_, i) => [i, a[i] * W[j * nIn + i]] as [number, number]);
  return row.filter(([, c]) => c !== 0).sort((p, q) => Math.abs(q[1]) - Math.abs(p[1])).slice(0, k);
}

/**
 * The errors flowing back from layer l+1 into layer l: into each source neuron i (of nIn), the
 * `k` largest |W[j, i] * delta[j]| over the nOut neurons j of layer l+1 (BP2 sums exactly these
 * terms). Edges keep the forward orientation (source in layer l, target in layer l+1), so they
 * are drawn like the others; `contribution` is W[j, i] * delta[j].
 */
export function errorEdges(W: ArrayLike<number>, delta: ArrayLike<number>, nIn: number, nOut: number, k: number): Edges {
  if (W.length !== nIn * nOut) throw new Error(`W must hold ${nOut}x${nIn} values, got ${W.length}`);
  if (delta.length !== nOut) throw new Error(`delta must hold ${nOut} values, got ${delta.length}`);
  const T = new Float32Array(nIn * nOut); // W transposed: (nIn, nOut), so topKEdges runs backwards
  for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) T[i * nOut + j] = W[j * nIn + i];
  const back = topKEdges(T, delta, nOut, nIn, k);
  return { ...back, source: back.target, target: back.source };
}
