// NetworkDiagram: every neuron's activation for one input, with the connections that explain
// the answer (src/nnwidgets/widgets/diagram.py). The page runs the forward pass itself, with
// the edits (switched-off or scaled neurons) applied, so clicks and a linked canvas's pen
// redraw it at once; Python hears only about edits and the k shown.
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import { diverging, symmetricLimit } from "../lib/colors";
import { h } from "../lib/dom";
import { allEdges, topContributors, topKEdges, type Edges } from "../lib/edges";
import {
  editCount, editedLayers, editNetwork, parseScales, scaleOf, scalesToJson, setScale, type Scales,
} from "../lib/edits";
import { argmax, type Layers, type NetworkSpec } from "../lib/forward";
import { setAndSave, type HostModel } from "../lib/host";
import { FrameLatency } from "../lib/latency";
import { hitTest, layoutNetwork, type Hit, type Layout } from "../lib/layout";
import { LIVE, readLive } from "../lib/live";
import { decodeArray, type WireArray } from "../lib/model";
import { decodeNetwork, type NetworkState } from "../lib/network";
import { fitToDevice, grayToRgba } from "../lib/paint";
import { buildDiagramDom, HEIGHT, showLegend, type LegendEntry } from "./dom";
import { layerColour, paintScene, type Scene } from "./paint";

interface DiagramModel {
  _network: NetworkState | null;
  input: WireArray | null;
  scales: Record<string, Record<string, number>>;
  top_k: number;
  all_edges: boolean;
  _source: string | null;
  _request: { scales: Record<string, Record<string, number>>; seq: string } | null;
}

/** A model another widget's reference resolves to (the canvas's, for the live input). */
interface SourceModel {
  get(key: string): unknown;
  on(event: string, fn: () => void): void;
  off?(event: string, fn: () => void): void;
}

/** All edges are drawn on request only below this many connections (more is a grey blur). */
const ALL_EDGES_LIMIT = 20000;

function render({ model: anyModel, el }: RenderProps<DiagramModel>) {
  const model: HostModel<DiagramModel> = anyModel;
  const cleanups = new Cleanups();
  const dom = buildDiagramDom(el);
  cleanups.add(() => dom.root.remove());
  const latency = new FrameLatency("nnwidgets:diagram"); // bench/diagram_latency.py
  const ctx = dom.canvas.getContext("2d")!;
  const inputCanvas = document.createElement("canvas");
  inputCanvas.width = inputCanvas.height = 28;

  let net: NetworkSpec | null = null;
  let edited: NetworkSpec | null = null;
  let scales: Scales = new Map();
  let x: Float32Array | null = null;
  let live: Float32Array | null = null; // the linked canvas's last input
  let layers: Layers | null = null;
  let edges: (Edges | null)[] = [];
  let layout: Layout | null = null;
  let hovered: Hit | null = null;
  let focused: Hit | null = null;
  let frame = 0;
  let requests = 0;
  const viewId = Math.random().toString(36).slice(2, 10);

  // ---- computing ---------------------------------------------------------------------------
  function topK(): number {
    const k = Number(model.get("top_k"));
    return Number.isInteger(k) && k >= 1 ? k : 3;
  }

  function wantsAllEdges(): boolean {
    if (!model.get("all_edges") || !net) return false;
    let total = 0;
    for (let l = 0; l + 1 < net.sizes.length; l++) total += net.sizes[l] * net.sizes[l + 1];
    return total <= ALL_EDGES_LIMIT;
  }

  /** Forward pass with the edits, and the connections to draw. */
  function compute(): void {
    layers = null;
    edges = [];
    if (!net || !edited || !x) return;
    layers = editedLayers(edited, scales, x);
    const acts = layers.activations;
    const all = wantsAllEdges(), k = topK();
    // Contributions use the original weights and the edited activations: a switched-off
    // neuron contributes nothing, a scaled one its scaled activation.
    for (let l = 0; l + 1 < net.sizes.length; l++) {
      const nIn = net.sizes[l], nOut = net.sizes[l + 1];
      const into = acts[l + 1];
      edges.push(all ? allEdges(net.weights[l], acts[l], nIn, nOut, into) : topKEdges(net.weights[l], acts[l], nIn, nOut, k, into));
    }
  }

  function relayout(): void {
    if (!net) return;
    const width = dom.canvas.clientWidth || 720;
    try {
      layout = layoutNetwork(net.sizes, width, HEIGHT, { margin: 22 });
    } catch (e) {
      layout = null;
      dom.error.textContent = String(e instanceof Error ? e.message : e);
    }
  }

  function captions(sizes: number[]): string[] {
    return sizes.map((n, l) =>
      l === 0 ? (n === 784 ? "input 28\u00d728" : `input ${n}`) : l === sizes.length - 1 ? `output ${n}` : `hidden ${n}`);
  }

  function rings(): Hit[] {
    const out: Hit[] = [];
    for (const hit of [hovered, focused]) {
      if (!hit) continue;
      out.push(hit);
      // an output neuron: ring the hidden neurons that push it most
      if (net && layers && hit.layer === net.sizes.length - 1 && hit.layer > 0) {
        const l = hit.layer - 1;
        for (const [i] of topContributors(net.weights[l], layers.activations[l], net.sizes[l], hit.neuron, 5)) {
          out.push({ layer: l, neuron: i });
        }
      }
    }
    return out;
  }

  function paint(): void {
    if (!net || !layout) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, dom.canvas.width, dom.canvas.height);
      return;
    }
    const acts = layers ? layers.activations : null;
    const out = acts ? acts[acts.length - 1] : null;
    const prediction = out ? argmax(out) : -1;
    if (acts && net.sizes[0] === 784) {
      const img = inputCanvas.getContext("2d")!.createImageData(28, 28);
      grayToRgba(acts[0], 784, img.data);
      inputCanvas.getContext("2d")!.putImageData(img, 0, 0);
    }
    const L = net.sizes.length - 1;
    const scene: Scene = {
      layout,
      activations: acts,
      colours: net.sizes.map((_, l) =>
        layerColour(l === 0 ? "input" : l === L ? net!.output : net!.activation, acts ? acts[l] : null)),
      edges,
      scales,
      prediction,
      rings: rings(),
      inputImage: net.sizes[0] === 784 ? inputCanvas : null,
      captions: captions(net.sizes),
      outputLabels: true,
    };
    paintScene(ctx, scene, dom.canvas.width / (dom.canvas.clientWidth || layout.width));
    dom.root.dataset.prediction = prediction >= 0 ? String(prediction) : "";
    dom.root.dataset.output = out ? Array.from(out).join(",") : "";
    const n = editCount(scales);
    dom.root.dataset.edits = String(n);
    dom.status.textContent = n ? `${n} neuron${n > 1 ? "s" : ""} edited` : "";
    dom.reset.disabled = n === 0;
    showDetails();
  }

  /** Recompute and paint now (a linked canvas's frame is already under way). */
  function redrawNow(): void {
    const t = performance.now();
    latency.input(t);
    compute();
    measure("nnwidgets:diagram-compute", t);
    paint();
    latency.frameDone(t, t);
  }

  /** The forward pass and edge selection alone, for bench/diagram_latency.py. */
  function measure(name: string, start: number): void {
    try {
      performance.measure(name, { start, end: performance.now() });
      if (performance.getEntriesByName(name).length > 2000) performance.clearMeasures(name);
    } catch {
      /* older browsers: no measure options */
    }
  }

  function onFrame(frameStart: number): void {
    frame = 0;
    const workStart = performance.now();
    compute();
    paint();
    latency.frameDone(frameStart, workStart);
  }

  function schedule(since?: number): void {
    if (since !== undefined) latency.input(since);
    if (!frame) frame = requestAnimationFrame(onFrame);
  }
  cleanups.add(() => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  });

  // ---- details of the neuron under the pointer (or keyboard focus) ----------------------------
  function fmt(v: number): string {
    return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toFixed(3);
  }

  // The card is rebuilt every frame while a neuron is hovered (its z and activation follow the
  // pen); the weight image changes only with the network, so it is kept.
  let weightCache: { net: NetworkSpec; neuron: number; img: HTMLCanvasElement } | null = null;

  /** What first-hidden neuron j looks for: its 784 incoming weights as a 28x28 image. */
  function weightImage(j: number): HTMLCanvasElement {
    if (weightCache && weightCache.net === net && weightCache.neuron === j) return weightCache.img;
    const img = h("canvas", "nnw-diagram__weights");
    img.width = img.height = 28;
    const row = net!.weights[0].subarray(j * 784, (j + 1) * 784);
    const limit = symmetricLimit(row);
    const c2 = img.getContext("2d");
    if (c2) {
      const data = c2.createImageData(28, 28);
      for (let i = 0; i < 784; i++) {
        const [r, g, b] = diverging(row[i], limit);
        data.data.set([r, g, b, 255], 4 * i);
      }
      c2.putImageData(data, 0, 0);
    }
    weightCache = { net: net!, neuron: j, img };
    return img;
  }

  function showDetails(): void {
    const hit = hovered ?? focused;
    const d = dom.details;
    if (!hit || !net || !layout) {
      d.hidden = true;
      delete d.dataset.layer;
      delete d.dataset.neuron;
      return;
    }
    const { layer: l, neuron: j } = hit;
    const L = net.sizes.length - 1;
    d.replaceChildren();
    d.dataset.layer = String(l);
    d.dataset.neuron = String(j);
    const kind = l === 0 ? "input" : l === L ? "output" : `hidden layer ${l}`;
    d.append(h("div", "nnw-diagram__details-title", `${kind} \u00b7 neuron ${j}`));
    const lines: string[] = [];
    if (layers) {
      const a = layers.activations[l][j];
      if (l > 0) lines.push(`z = ${fmt(layers.zs[l - 1][j])}`);
      if (l > 0) lines.push(`bias = ${fmt(net.biases[l - 1][j])}`);
      lines.push(`${l === 0 ? "value" : "activation"} = ${fmt(a)}`);
    } else if (l > 0) {
      lines.push(`bias = ${fmt(net.biases[l - 1][j])}`, "no input yet");
    }
    const s = scaleOf(scales, l, j);
    if (s !== 1) lines.push(s === 0 ? "switched off" : `scaled \u00d7${s}`);
    for (const line of lines) d.append(h("div", "nnw-diagram__details-line", line));
    if (l === 1 && net.sizes[0] === 784) {
      d.append(h("div", "nnw-diagram__details-caption", "incoming weights (red +, blue \u2212)"), weightImage(j));
    }
    if (l === L && l > 0 && layers) {
      const top = topContributors(net.weights[l - 1], layers.activations[l - 1], net.sizes[l - 1], j, 5);
      const list = h("ol", "nnw-diagram__contributors");
      for (const [i, c] of top) list.append(h("li", "", `neuron ${i}: ${c >= 0 ? "+" : ""}${fmt(c)}`));
      d.append(h("div", "nnw-diagram__details-caption", `strongest inputs from ${l - 1 === 0 ? "the input" : `hidden layer ${l - 1}`}`), list);
    }
    if (l > 0 && l < L) d.append(h("div", "nnw-diagram__details-hint", "click: switch off/on \u00b7 + / \u2212: scale"));
    d.hidden = false;
    const lay = layout.layers[l];
    const stageWidth = dom.stage.clientWidth || layout.width;
    const left = lay.x[j] + 16 + 220 > stageWidth ? lay.x[j] - 16 - 220 : lay.x[j] + 16;
    d.style.left = `${Math.max(0, left)}px`;
    // below the neuron's top, but never past the drawing's bottom edge (a card can be tall)
    d.style.top = `${Math.max(0, Math.min(HEIGHT - d.offsetHeight, lay.y[j] - 20))}px`;
  }

  // ---- edits ------------------------------------------------------------------------------------
  function editable(hit: Hit | null): hit is Hit {
    return !!hit && !!net && hit.layer > 0 && hit.layer < net.sizes.length - 1;
  }

  function edit(hit: Hit, s: number): void {
    if (!net) return;
    setScale(scales, hit.layer, hit.neuron, s);
    edited = editNetwork(net, scales);
    redrawNow();
    requests += 1;
    setAndSave(model, "_request", { scales: scalesToJson(scales), seq: `${viewId}:${requests}` });
  }

  function toggle(hit: Hit): void {
    edit(hit, scaleOf(scales, hit.layer, hit.neuron) === 0 ? 1 : 0);
  }

  function nudge(hit: Hit, by: number): void {
    const s = Math.max(0, Math.round((scaleOf(scales, hit.layer, hit.neuron) + by) * 100) / 100);
    edit(hit, s);
  }

  // ---- pointer and keys --------------------------------------------------------------------------
  function pointAt(e: PointerEvent | MouseEvent): Hit | null {
    if (!layout) return null;
    const rect = dom.canvas.getBoundingClientRect();
    return hitTest(layout, e.clientX - rect.left, e.clientY - rect.top);
  }

  const same = (a: Hit | null, b: Hit | null) => a === b || (!!a && !!b && a.layer === b.layer && a.neuron === b.neuron);

  cleanups.listen<PointerEvent>(dom.canvas, "pointermove", (e) => {
    const hit = pointAt(e);
    if (same(hit, hovered)) return;
    hovered = hit;
    dom.canvas.style.cursor = editable(hit) ? "pointer" : "default";
    schedule();
  });
  cleanups.listen(dom.canvas, "pointerleave", () => {
    hovered = null;
    schedule();
  });
  cleanups.listen<MouseEvent>(dom.canvas, "click", (e) => {
    const hit = pointAt(e);
    if (editable(hit)) toggle(hit);
  });

  cleanups.listen<KeyboardEvent>(dom.canvas, "keydown", (e) => {
    if (!net || !layout) return;
    const L = net.sizes.length - 1;
    const cur = focused ?? { layer: Math.min(1, L), neuron: 0 };
    let next: Hit | null = null;
    const n = (l: number) => net!.sizes[l];
    if (e.key === "ArrowDown") next = { layer: cur.layer, neuron: Math.min(n(cur.layer) - 1, cur.neuron + 1) };
    else if (e.key === "ArrowUp") next = { layer: cur.layer, neuron: Math.max(0, cur.neuron - 1) };
    else if (e.key === "ArrowRight" && cur.layer < L) next = { layer: cur.layer + 1, neuron: Math.min(n(cur.layer + 1) - 1, cur.neuron) };
    else if (e.key === "ArrowLeft" && cur.layer > 0) next = { layer: cur.layer - 1, neuron: Math.min(n(cur.layer - 1) - 1, cur.neuron) };
    else if ((e.key === "Enter" || e.key === " ") && editable(focused)) toggle(focused);
    else if ((e.key === "+" || e.key === "=") && editable(focused ?? hovered)) nudge((focused ?? hovered)!, 0.25);
    else if (e.key === "-" && editable(focused ?? hovered)) nudge((focused ?? hovered)!, -0.25);
    else if (e.key === "Escape") focused = null;
    else return;
    e.preventDefault();
    e.stopPropagation(); // Jupyter's own shortcuts (Enter edits the cell, arrows move between cells)
    if (next) focused = next;
    schedule();
  });
  cleanups.listen(dom.canvas, "blur", () => {
    focused = null;
    schedule();
  });

  cleanups.listen(dom.reset, "click", () => {
    scales = new Map();
    if (net) edited = editNetwork(net, scales);
    redrawNow();
    requests += 1;
    setAndSave(model, "_request", { scales: {}, seq: `${viewId}:${requests}` });
  });
  cleanups.listen(dom.topK, "change", () => {
    const k = Math.max(1, Math.min(50, Math.round(Number(dom.topK.value) || 1)));
    dom.topK.value = String(k);
    setAndSave(model, "top_k", k);
    legend();
    schedule();
  });
  cleanups.listen(dom.allEdges, "change", () => {
    setAndSave(model, "all_edges", dom.allEdges.checked);
    schedule();
  });

  // ---- from Python -------------------------------------------------------------------------------
  function legend(): void {
    if (!net) return;
    const entry = (label: string, fn: string): LegendEntry => {
      const c = layerColour(fn, null);
      const range = fn === "relu" ? ["0", "layer's largest"] : c.kind === "sequential" ? ["0", "1"]
        : fn === "tanh" ? ["\u22121", "+1"] : ["\u2212largest", "+largest"];
      return { label, kind: c.kind, lo: range[0], hi: range[1] };
    };
    const entries = [];
    if (net.sizes.length > 2) entries.push(entry(`hidden (${net.activation})`, net.activation));
    entries.push(entry(`output (${net.output})`, net.output));
    const note = !model.get("all_edges") ? `width: |activation \u00d7 weight|, the ${topK()} strongest into each neuron`
      : wantsAllEdges() ? "every connection into the neurons that are on"
      : `too many connections to draw them all (over ${ALL_EDGES_LIMIT}): the ${topK()} strongest into each neuron`;
    showLegend(dom, entries, note);
  }

  function loadNetwork(): void {
    try {
      net = decodeNetwork(model.get("_network"));
      dom.error.textContent = "";
    } catch (e) {
      net = null;
      dom.error.textContent = `Cannot draw this network: ${e instanceof Error ? e.message : e}`;
    }
    loadScales();
    if (x && net && x.length !== net.sizes[0]) x = null;
    relayout();
    legend();
    schedule();
  }

  function loadScales(): void {
    try {
      scales = net ? parseScales(model.get("scales"), net.sizes) : new Map();
    } catch (e) {
      console.error("NetworkDiagram: ignored edits from Python:", e);
      scales = new Map();
    }
    edited = net ? editNetwork(net, scales) : null;
  }

  function loadInput(): void {
    const value = model.get("input");
    if (value == null) {
      if (!source) x = null; // while linked, the canvas's pen decides
      schedule(performance.now());
      return;
    }
    try {
      const next = decodeArray(value).data;
      if (net && next.length !== net.sizes[0]) throw new Error(`input must hold ${net.sizes[0]} values, got ${next.length}`);
      // While the linked canvas is in the page its pen decides: Python's input is the canvas's
      // stroke coming back, and may be older than what the pad shows now (a Clear since).
      if (live) return;
      x = next;
    } catch (e) {
      console.error("NetworkDiagram: ignored an input from Python:", e);
      return;
    }
    schedule(performance.now());
  }

  // ---- the linked canvas -------------------------------------------------------------------------
  let source: SourceModel | null = null;
  let sourceToken = 0;

  function onLive(): void {
    if (!source || !net) return;
    const px = readLive(source.get(LIVE), net.sizes[0]);
    if (!px) return;
    live = px.slice();
    x = live.some((v) => v > 0) ? live : null; // a blank pad: no input, as in Python
    redrawNow(); // in the canvas's own frame: both are on screen together
  }

  function detach(): void {
    if (source && typeof source.off === "function") source.off(`change:${LIVE}`, onLive);
    source = null;
    live = null;
    dom.root.dataset.linked = "false";
  }
  cleanups.add(detach);

  async function loadSource(): Promise<void> {
    const token = ++sourceToken;
    detach();
    const ref = model.get("_source");
    if (!ref) return;
    const id = String(ref).replace(/^IPY_MODEL_/, "");
    const manager = (anyModel as unknown as { widget_manager?: { get_model(id: string): Promise<unknown> } }).widget_manager;
    try {
      if (!manager || typeof manager.get_model !== "function") throw new Error("this page has no widget manager");
      const found = (await manager.get_model(id)) as SourceModel;
      if (token !== sourceToken) return; // relinked meanwhile
      if (!found || typeof found.get !== "function" || typeof found.on !== "function") throw new Error(`widget ${id} is not a model`);
      source = found;
      source.on(`change:${LIVE}`, onLive);
      dom.root.dataset.linked = "true";
      if (source.get(LIVE) !== undefined) onLive();
    } catch (e) {
      dom.root.dataset.linked = "false";
      console.warn(`NetworkDiagram: cannot follow the linked canvas (${e instanceof Error ? e.message : e}); showing its last input`);
    }
  }

  cleanups.on(model, "change:_network", loadNetwork);
  cleanups.on(model, "change:scales", () => {
    loadScales();
    schedule();
  });
  cleanups.on(model, "change:input", loadInput);
  cleanups.on(model, "change:top_k", () => {
    dom.topK.value = String(topK());
    legend();
    schedule();
  });
  cleanups.on(model, "change:all_edges", () => {
    dom.allEdges.checked = !!model.get("all_edges");
    legend();
    schedule();
  });
  cleanups.on(model, "change:_source", () => void loadSource());

  const resized = () => {
    fitToDevice(dom.canvas, { width: 720, height: HEIGHT });
    relayout();
    schedule();
  };
  const observer = new ResizeObserver(resized);
  observer.observe(dom.canvas);
  cleanups.add(() => observer.disconnect());
  cleanups.listen(window, "resize", resized); // devicePixelRatio changes

  // For tests and scripts: what the diagram shows, as numbers, and where a neuron is on screen.
  (dom.root as unknown as { nnwDiagram: object }).nnwDiagram = {
    activations: () => (layers ? layers.activations.map((a) => Array.from(a)) : null),
    position: (layer: number, neuron: number) => {
      const L = layout?.layers[layer];
      if (!L || neuron < 0 || neuron >= L.n) return null;
      const rect = dom.canvas.getBoundingClientRect();
      return { x: rect.left + L.x[neuron], y: rect.top + L.y[neuron] };
    },
  };

  dom.topK.value = String(topK());
  dom.allEdges.checked = !!model.get("all_edges");
  loadNetwork();
  loadInput();
  resized();
  void loadSource();

  return () => {
    for (const e of cleanups.run()) console.warn("NetworkDiagram cleanup:", e);
  };
}

export default { render };
