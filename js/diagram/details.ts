// The card describing one neuron: its weighted input z, bias and activation (and its edit); for
// a first-hidden neuron of a digit network its 784 incoming weights as a 28x28 image ("what
// this neuron looks for"); for an output neuron the hidden neurons that push it most.
import { diverging, symmetricLimit } from "../lib/colors";
import { h } from "../lib/dom";
import { topContributors } from "./edges";
import { scaleOf, type Scales } from "./edits";
import type { Layers, NetworkSpec } from "../lib/forward";
import type { Hit, Layout } from "./layout";

export const CARD_WIDTH = 220; // px, as in styles.css

/** A number as the card shows it: 3 decimals, or exponent notation for very large or small. */
export function formatValue(v: number): string {
  return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toFixed(3);
}

export interface CardState {
  hit: Hit;
  net: NetworkSpec;
  layers: Layers | null;
  scales: Scales;
  /** delta^1..delta^L when the diagram shows errors, else null. */
  deltas?: Float32Array[] | null;
  layout: Layout;
  stageWidth: number;
  height: number;
}

export class DetailsCard {
  // The card is rebuilt every frame while a neuron is hovered (its z and activation follow the
  // pen); the weight image changes only with the network, so it is kept.
  private weights: { net: NetworkSpec; neuron: number; img: HTMLCanvasElement } | null = null;

  // Rebuilt on every show; the scale buttons below it are made once, so a click that lands
  // while the card refreshes (the pen moving on a linked canvas) is not lost with its button.
  private readonly body = h("div", "nnw-diagram__details-body");
  private readonly controls = h("div", "nnw-diagram__details-controls");
  private readonly factor = h("span", "nnw-diagram__details-factor", "");
  private readonly down = h("button", "nnw-diagram__scale", "\u2212");
  private readonly up = h("button", "nnw-diagram__scale", "+");

  /** `onScale(by)` runs when a scale button is pressed: by = -0.25 or +0.25. */
  constructor(readonly el: HTMLDivElement, onScale: (by: number) => void) {
    for (const [b, by] of [[this.down, -0.25], [this.up, 0.25]] as const) {
      b.type = "button";
      b.addEventListener("click", () => onScale(by)); // removed with the card's element
    }
    this.controls.append(h("span", "", "scale "), this.down, this.factor, this.up);
    el.replaceChildren(this.body, this.controls);
  }

  hide(): void {
    this.el.hidden = true;
    delete this.el.dataset.layer;
    delete this.el.dataset.neuron;
  }

  show({ hit, net, layers, scales, deltas, layout, stageWidth, height }: CardState): void {
    const d = this.body;
    const { layer: l, neuron: j } = hit;
    const L = net.sizes.length - 1;
    d.replaceChildren();
    this.el.dataset.layer = String(l);
    this.el.dataset.neuron = String(j);
    const kind = l === 0 ? "input" : l === L ? "output" : `hidden layer ${l}`;
    d.append(h("div", "nnw-diagram__details-title", `${kind} \u00b7 neuron ${j}`));
    const lines: string[] = [];
    if (layers) {
      if (l > 0) lines.push(`z = ${formatValue(layers.zs[l - 1][j])}`, `bias = ${formatValue(net.biases[l - 1][j])}`);
      lines.push(`${l === 0 ? "value" : "activation"} = ${formatValue(layers.activations[l][j])}`);
    } else if (l > 0) {
      lines.push(`bias = ${formatValue(net.biases[l - 1][j])}`, "no input yet");
    }
    if (deltas && l > 0) lines.push(`error \u03b4 = \u2202C/\u2202z = ${formatValue(deltas[l - 1][j])}`);
    const s = scaleOf(scales, l, j);
    if (s !== 1) lines.push(s === 0 ? "switched off" : `scaled \u00d7${s}`);
    for (const line of lines) d.append(h("div", "nnw-diagram__details-line", line));
    if (l === 1 && net.sizes[0] === 784) {
      d.append(h("div", "nnw-diagram__details-caption", "incoming weights (red +, blue \u2212)"), this.weightImage(net, j));
    }
    if (l === L && l > 0 && layers) {
      const top = topContributors(net.weights[l - 1], layers.activations[l - 1], net.sizes[l - 1], j, 5);
      const list = h("ol", "nnw-diagram__contributors");
      for (const [i, c] of top) list.append(h("li", "", `neuron ${i}: ${c >= 0 ? "+" : ""}${formatValue(c)}`));
      const from = l - 1 === 0 ? "the input" : `hidden layer ${l - 1}`;
      d.append(h("div", "nnw-diagram__details-caption", `strongest inputs from ${from}`), list);
    }
    const editable = l > 0 && l < L;
    if (editable) d.append(h("div", "nnw-diagram__details-hint", "click or Enter: switch off/on \u00b7 + / \u2212: scale"));
    this.controls.hidden = !editable;
    if (editable) {
      this.factor.textContent = `\u00d7${s.toFixed(2)}`;
      this.down.setAttribute("aria-label", `Scale neuron ${j} of hidden layer ${l} down by 0.25`);
      this.up.setAttribute("aria-label", `Scale neuron ${j} of hidden layer ${l} up by 0.25`);
      this.down.disabled = s <= 0;
    }
    const card = this.el;
    card.hidden = false;
    // beside the neuron, on its left near the right edge; never past the drawing's bottom
    const x = layout.layers[l].x[j], y = layout.layers[l].y[j];
    const left = x + 16 + CARD_WIDTH > stageWidth ? x - 16 - CARD_WIDTH : x + 16;
    card.style.left = `${Math.max(0, left)}px`;
    card.style.top = `${Math.max(0, Math.min(height - card.offsetHeight, y - 20))}px`;
  }

  /** What first-hidden neuron j looks for: its 784 incoming weights as a 28x28 image. */
  private weightImage(net: NetworkSpec, j: number): HTMLCanvasElement {
    if (this.weights && this.weights.net === net && this.weights.neuron === j) return this.weights.img;
    const img = h("canvas", "nnw-diagram__weights");
    img.width = img.height = 28;
    const row = net.weights[0].subarray(j * 784, (j + 1) * 784);
    const limit = symmetricLimit(row);
    const ctx = img.getContext("2d");
    if (ctx) {
      const data = ctx.createImageData(28, 28);
      for (let i = 0; i < 784; i++) {
        const [r, g, b] = diverging(row[i], limit);
        data.data.set([r, g, b, 255], 4 * i);
      }
      ctx.putImageData(data, 0, 0);
    }
    this.weights = { net, neuron: j, img };
    return img;
  }
}

/** What a screen reader hears when the keyboard moves to a neuron: where it is and what it holds. */
export function describeNeuron(hit: Hit, net: NetworkSpec, layers: Layers | null, scales: Scales, deltas: Float32Array[] | null): string {
  const { layer: l, neuron: j } = hit;
  const L = net.sizes.length - 1;
  const kind = l === 0 ? "input" : l === L ? "output layer" : `hidden layer ${l}`;
  const parts = [`${kind}, neuron ${j + 1} of ${net.sizes[l]}`];
  if (layers) parts.push(`${l === 0 ? "value" : "activation"} ${formatValue(layers.activations[l][j])}`);
  else parts.push("no input yet");
  if (deltas && l > 0) parts.push(`error delta ${formatValue(deltas[l - 1][j])}`);
  const s = scaleOf(scales, l, j);
  if (s !== 1) parts.push(s === 0 ? "switched off" : `scaled by ${s}`);
  if (l > 0 && l < L) parts.push("Enter switches it off or on, plus and minus scale it");
  return parts.join(", ");
}
