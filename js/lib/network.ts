// The `_network` trait (src/nnwidgets/widgets/canvas.py, network_state) -> a NetworkSpec the
// forward pass can run. Every widget that runs the network in the page decodes it here.
import { checkSpec, type NetworkSpec } from "./forward";
import { decodeArray, type WireArray } from "./wire";

/** The trait as Python sends it: parameters as binary float32 arrays, (n_out, n_in) weights. */
export interface NetworkState {
  sizes: number[];
  activation: string;
  output: string;
  weights: WireArray[];
  biases: WireArray[];
  /** Set when the network has the reader's own function, which the page cannot run: what to
   * say instead (network_payload in src/nnwidgets/widgets/_base.py). */
  unsupported?: string;
}

/** null for no network; throws with the reason for one the page cannot run. */
export function decodeNetwork(state: NetworkState | null | undefined): NetworkSpec | null {
  if (!state) return null;
  if (typeof state.unsupported === "string") throw new Error(state.unsupported);
  if (!Array.isArray(state.weights) || !Array.isArray(state.biases)) {
    throw new Error(`the network must hold lists "weights" and "biases", got keys [${Object.keys(state).join(", ")}]`);
  }
  const net: NetworkSpec = {
    sizes: state.sizes,
    activation: state.activation,
    output: state.output,
    weights: state.weights.map((w) => decodeArray(w).data),
    biases: state.biases.map((b) => decodeArray(b).data),
  };
  checkSpec(net);
  return net;
}
