// The network's forward pass in the browser, so the bar chart follows the pen without a round
// trip to the kernel. Mirrors Network.forward in src/nnwidgets/network.py:
//   a^0 = x,  z^l = W^l a^{l-1} + b^l,  a^l = f(z^l)  (f = the output function on the last layer)
// Weights arrive as float32 (n_out, n_in) row-major, as NumPy stores them; sums are float64.

export type Activation = "sigmoid" | "tanh" | "relu" | "leaky_relu" | "linear" | "softmax";

export interface NetworkSpec {
  sizes: number[];
  activation: Activation | string;
  output: Activation | string;
  weights: Float32Array[];
  biases: Float32Array[];
}

export const ELEMENTWISE: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  linear: (z) => z,
};

/** Throws with the reason when a spec cannot be run (bad shapes or an unknown function). */
export function checkSpec(net: NetworkSpec): void {
  const L = net.sizes.length - 1;
  if (L < 1) throw new Error(`sizes needs at least two layers, got [${net.sizes.join(", ")}]`);
  if (net.weights.length !== L || net.biases.length !== L) {
    throw new Error(`${L} layers need ${L} weight matrices and bias vectors, got ${net.weights.length} and ${net.biases.length}`);
  }
  for (let l = 0; l < L; l++) {
    const nIn = net.sizes[l], nOut = net.sizes[l + 1];
    if (net.weights[l].length !== nIn * nOut) throw new Error(`weights[${l}] must hold ${nOut}x${nIn} values, got ${net.weights[l].length}`);
    if (net.biases[l].length !== nOut) throw new Error(`biases[${l}] must hold ${nOut} values, got ${net.biases[l].length}`);
  }
  if (!(net.activation in ELEMENTWISE)) throw new Error(`unknown activation ${JSON.stringify(net.activation)}`);
  if (!(net.output in ELEMENTWISE) && net.output !== "softmax") throw new Error(`unknown output ${JSON.stringify(net.output)}`);
}

function applyInPlace(z: Float64Array, name: string): void {
  if (name === "softmax") {
    let max = -Infinity;
    for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += (z[i] = Math.exp(z[i] - max));
    for (let i = 0; i < z.length; i++) z[i] /= sum;
    return;
  }
  const f = ELEMENTWISE[name];
  for (let i = 0; i < z.length; i++) z[i] = f(z[i]);
}

/** Every layer of one forward pass, in the book's names: activations = [x, a^1, ..., a^L] and
 * zs = [z^1, ..., z^L], so zs[l] = weights[l] activations[l] + biases[l] and
 * activations[l + 1] = f(zs[l]) (one activation more than zs: the input comes first). */
export interface Layers {
  activations: Float64Array[];
  zs: Float64Array[];
}

/** The forward pass for one input vector, keeping every layer's z and activation. */
export function forwardLayers(net: NetworkSpec, x: ArrayLike<number>): Layers {
  if (x.length !== net.sizes[0]) throw new Error(`input must hold ${net.sizes[0]} values, got ${x.length}`);
  let a = Float64Array.from(x);
  const activations = [a];
  const zs: Float64Array[] = [];
  const L = net.sizes.length - 1;
  const nz = new Int32Array(Math.max(...net.sizes));
  for (let l = 0; l < L; l++) {
    const nIn = net.sizes[l], nOut = net.sizes[l + 1];
    const W = net.weights[l], b = net.biases[l];
    // Most inputs are zero (blank pixels, ReLUs that are off): skip them.
    let count = 0;
    for (let i = 0; i < nIn; i++) if (a[i] !== 0) nz[count++] = i;
    const z = new Float64Array(nOut);
    for (let j = 0; j < nOut; j++) {
      const base = j * nIn;
      let s = b[j];
      for (let k = 0; k < count; k++) {
        const i = nz[k];
        s += W[base + i] * a[i];
      }
      z[j] = s;
    }
    zs.push(z);
    a = z.slice();
    applyInPlace(a, l === L - 1 ? net.output : net.activation);
    activations.push(a);
  }
  return { activations, zs };
}

/** The network's output (for a digit classifier: ten probabilities). */
export function forward(net: NetworkSpec, x: ArrayLike<number>): Float64Array {
  const { activations } = forwardLayers(net, x);
  return activations[activations.length - 1];
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
