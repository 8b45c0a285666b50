// NetworkDiagram: every neuron's activation for one input, with the connections that explain
// the answer (src/nnwidgets/widgets/diagram/). The page runs the forward pass itself, with
// the edits (switched-off or scaled neurons) applied, so clicks and a linked canvas's pen
// redraw it at once; Python hears only about edits and the k shown. This file wires the parts:
// dom.ts builds the elements, view.ts computes what a frame shows, interaction.ts says what
// pointer and keys do, legend.ts what the legend says, layout.ts and paint.ts draw, and
// lib/frames.ts coalesces every request for a repaint into one per animation frame.
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import type { Edges } from "./edges";
import { editCount, editNetwork, parseScales, scaleOf, scalesToJson, setScale, type Scales } from "./edits";
import { argmax, type Layers, type NetworkSpec } from "../lib/forward";
import { setAndSave, type HostModel } from "../lib/host";
import { FrameScheduler } from "../lib/frames";
import { FrameLatency } from "../lib/latency";
import { hitTest, layoutNetwork, type Hit, type Layout } from "./layout";
import { LIVE, readLive } from "../lib/live";
import { decodeArray, type WireArray } from "../lib/wire";
import { decodeNetwork, type NetworkState } from "../lib/network";
import { fitToDevice, grayToRgba } from "../lib/paint";
import { DetailsCard, describeNeuron, formatValue } from "./details";
import { errorColours, parseErrorScale, parseErrors, targetText, type ErrorsState } from "./errors";
import { buildDiagramDom, HEIGHT, showErrorsSwitch, showLegend } from "./dom";
import {
  editable as isEditable, keyAction, leavesFor, nearRect, nudged, sameHit, toggled,
} from "./interaction";
import { errorsSwitch as errorsSwitchState, legendFor } from "./legend";
import { ALL_EDGES_LIMIT, allEdgesFit, captions, computeView, ringsFor } from "./view";
import { ModelLink, type WidgetManagerLike } from "./link";
import { layerColour, paintScene, type Scene } from "./paint";

interface DiagramModel {
  _network: NetworkState | null;
  input: WireArray | null;
  scales: Record<string, Record<string, number>>;
  top_k: number;
  all_edges: boolean;
  _source: string | null;
  mode: string;
  error_scale: string;
  _errors: unknown;
  _request: { scales: Record<string, Record<string, number>>; seq: string } | null;
}

function render({ model: anyModel, el }: RenderProps<DiagramModel>) {
  const model: HostModel<DiagramModel> = anyModel;
  const cleanups = new Cleanups();
  const dom = buildDiagramDom(el);
  cleanups.add(() => dom.root.remove());
  const ctx = dom.canvas.getContext("2d")!;
  const inputCanvas = document.createElement("canvas");
  inputCanvas.width = inputCanvas.height = 28;

  let net: NetworkSpec | null = null;
  let edited: NetworkSpec | null = null;
  let scales: Scales = new Map();
  let x: Float32Array | null = null;
  let live: Float32Array | null = null; // the linked canvas's last input
  let layers: Layers | null = null;
  let errors: ErrorsState | null = null; // Python's deltas, for errors.input
  let showing: "activations" | "errors" = "activations";
  let legendKey = "";
  let errorsSeen = 0; // counts _errors arrivals, so the legend knows when its ranges changed
  let edges: (Edges | null)[] = [];
  let layout: Layout | null = null;
  let hovered: Hit | null = null;
  let focused: Hit | null = null;
  let requests = 0;
  const viewId = Math.random().toString(36).slice(2, 10);

  // ---- computing ---------------------------------------------------------------------------
  function topK(): number {
    const k = Number(model.get("top_k"));
    return Number.isInteger(k) && k >= 1 ? k : 3;
  }

  function wantsAllEdges(): boolean {
    return !!model.get("all_edges") && !!net && allEdgesFit(net.sizes);
  }

  /** Forward pass with the edits, and the connections to draw (view.ts). */
  function compute(): void {
    layers = null;
    edges = [];
    if (!net || !edited || !x) return;
    const view = computeView({
      net, edited, scales, x, errors,
      wantsErrors: model.get("mode") === "errors", topK: topK(), all: wantsAllEdges(),
    });
    ({ layers, edges, showing } = view);
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
    const errs = showing === "errors" && acts ? errors : null;
    const errorScale = parseErrorScale(model.get("error_scale"));
    const errScales = errs ? errorColours(errs, errorScale) : null;
    const scene: Scene = {
      layout,
      // in errors mode the input stays itself; every later layer shows its delta
      activations: acts && errs ? [acts[0], ...errs.deltas] : acts,
      colours: net.sizes.map((_, l) =>
        errScales && l > 0 ? errScales[l - 1]
          : layerColour(l === 0 ? "input" : l === L ? net!.output : net!.activation, acts ? acts[l] : null)),
      edges,
      scales,
      prediction,
      rings: ringsFor([hovered, focused], net, layers),
      inputImage: net.sizes[0] === 784 ? inputCanvas : null,
      captions: captions(net.sizes),
      outputLabels: true,
    };
    paintScene(ctx, scene, dom.canvas.width / (dom.canvas.clientWidth || layout.width));
    dom.root.dataset.prediction = prediction >= 0 ? String(prediction) : "";
    dom.root.dataset.output = out ? Array.from(out).join(",") : "";
    dom.root.dataset.mode = errs ? "errors" : "activations";
    dom.root.dataset.errors = errs ? Array.from(errs.deltas[L - 1]).join(",") : "";
    // Read back by the browser tests: the scale in use and each layer's colour limit.
    dom.root.dataset.errorScale = errorScale;
    dom.root.dataset.errorLimits = errScales ? errScales.map((c) => c.limit).join(",") : "";
    legend();
    const n = editCount(scales);
    dom.root.dataset.edits = String(n);
    dom.status.textContent = n ? `${n} neuron${n > 1 ? "s" : ""} edited` : "";
    dom.reset.disabled = n === 0;
    showDetails();
  }

  /** The forward pass and edge selection alone, as a measure of its own. */
  function measure(name: string, start: number): void {
    try {
      performance.measure(name, { start, end: performance.now() });
      if (performance.getEntriesByName(name).length > 2000) performance.clearMeasures(name);
    } catch {
      /* older browsers: no measure options */
    }
  }

  const frames = new FrameScheduler(() => {
    const t = performance.now();
    compute();
    measure("nnwidgets:diagram-compute", t);
    paint();
  }, new FrameLatency("nnwidgets:diagram")); // bench/diagram_latency.py reads the measures
  cleanups.add(() => frames.cancel());
  const schedule = (since?: number) => frames.schedule(since);
  /** Recompute and paint now (a linked canvas's frame is already under way). */
  const redrawNow = () => frames.runNow();

  // ---- details of the neuron under the pointer (or keyboard focus) ----------------------------
  // The card's scale buttons act on the neuron it describes.
  const card = new DetailsCard(dom.details, (by) => {
    const hit = hovered ?? focused;
    if (editable(hit)) nudge(hit, by);
  });
  let announced = "";

  function showDetails(): void {
    announce();
    const hit = hovered ?? focused;
    if (!hit || !net || !layout) {
      card.hide();
      return;
    }
    card.show({ hit, net, layers, scales, deltas: showing === "errors" && errors ? errors.deltas : null, layout, stageWidth: dom.stage.clientWidth || layout.width, height: HEIGHT });
  }

  /** Tell a screen reader where the keyboard went (only when the neuron or its edit changes). */
  function announce(): void {
    if (!focused || !net) {
      announced = "";
      return;
    }
    const key = `${focused.layer}:${focused.neuron}:${scaleOf(scales, focused.layer, focused.neuron)}:${showing}`;
    if (key === announced) return;
    announced = key;
    dom.announce.textContent = describeNeuron(focused, net, layers, scales, showing === "errors" && errors ? errors.deltas : null);
  }

  /** Whether a pointer event falls on the card, or the gap between it and its neuron (the way
   * to its buttons, which may cross other neurons). */
  function overCard(e: PointerEvent): boolean {
    if (dom.details.hidden || !editable(hovered)) return false;
    return nearRect(e.clientX, e.clientY, dom.details.getBoundingClientRect());
  }

  // ---- edits ------------------------------------------------------------------------------------
  function editable(hit: Hit | null): hit is Hit {
    return !!net && isEditable(hit, net.sizes);
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
    edit(hit, toggled(scaleOf(scales, hit.layer, hit.neuron)));
  }

  function nudge(hit: Hit, by: number): void {
    edit(hit, nudged(scaleOf(scales, hit.layer, hit.neuron), by));
  }

  // ---- pointer and keys --------------------------------------------------------------------------
  function pointAt(e: PointerEvent | MouseEvent): Hit | null {
    if (!layout) return null;
    const rect = dom.canvas.getBoundingClientRect();
    return hitTest(layout, e.clientX - rect.left, e.clientY - rect.top);
  }

  cleanups.listen<PointerEvent>(dom.canvas, "pointermove", (e) => {
    if (overCard(e)) return; // on the way to the card's buttons: keep describing this neuron
    const hit = pointAt(e);
    if (sameHit(hit, hovered)) return;
    hovered = hit;
    dom.canvas.style.cursor = editable(hit) ? "pointer" : "default";
    schedule();
  });
  const leaving = (e: PointerEvent, to: Node) => {
    if (!leavesFor(e.relatedTarget as Node | null, to)) return; // between the drawing and its card
    hovered = null;
    schedule();
  };
  cleanups.listen<PointerEvent>(dom.canvas, "pointerleave", (e) => leaving(e, dom.details));
  cleanups.listen<PointerEvent>(dom.details, "pointerleave", (e) => leaving(e, dom.canvas));
  cleanups.listen<MouseEvent>(dom.canvas, "click", (e) => {
    const hit = pointAt(e);
    if (editable(hit)) toggle(hit);
  });

  cleanups.listen<KeyboardEvent>(dom.canvas, "keydown", (e) => {
    if (!net || !layout) return;
    const action = keyAction(e.key, net.sizes, focused, hovered);
    if (!action) return;
    e.preventDefault();
    e.stopPropagation(); // Jupyter's own shortcuts (Enter edits the cell, arrows move between cells)
    if (action.kind === "focus") focused = action.hit;
    else if (action.kind === "leave") focused = null;
    else if (action.kind === "toggle") toggle(action.hit);
    else nudge(action.hit, action.by);
    schedule();
  });
  cleanups.listen<FocusEvent>(dom.canvas, "blur", (e) => {
    if (e.relatedTarget instanceof Node && dom.details.contains(e.relatedTarget)) return; // Tab to the card's buttons
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
  cleanups.listen(dom.sharedScale, "change", () => {
    setAndSave(model, "error_scale", dom.sharedScale.checked ? "shared" : "per_layer");
    legend();
    schedule();
  });
  cleanups.listen(dom.errorsMode, "change", () => {
    setAndSave(model, "mode", dom.errorsMode.checked ? "errors" : "activations");
    schedule();
  });

  function errorsSwitch(): void {
    showErrorsSwitch(dom, errorsSwitchState(!!model.get("_errors"), String(model.get("mode"))));
  }

  // ---- from Python -------------------------------------------------------------------------------
  function legend(): void {
    if (!net) return;
    const errs = showing === "errors" ? errors : null;
    const wantsErrors = model.get("mode") === "errors";
    // Rebuilt only when what it says changes: paint() calls it on every frame.
    const errorScale = parseErrorScale(model.get("error_scale"));
    const key = [showing, wantsErrors, errs ? errorsSeen : 0, errorScale,
      model.get("all_edges"), topK(), net.sizes.join(), !!x].join("|");
    if (key === legendKey) return;
    legendKey = key;
    const limits = errs ? errorColours(errs, errorScale).map((c) => formatValue(c.limit)) : [];
    showLegend(dom, legendFor({
      sizes: net.sizes, activation: net.activation, output: net.output, topK: topK(),
      allEdges: wantsAllEdges(), tooManyEdges: !!model.get("all_edges") && !wantsAllEdges(),
      edgeLimit: ALL_EDGES_LIMIT,
      errorsPending: !errs && wantsErrors && !!x,
      errors: errs
        ? {
          limits, target: targetText(errs.target), cost: errs.cost,
          shared: errorScale === "shared",
        }
        : null,
    }, (fn) => layerColour(fn, null).kind));
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
    loadErrors();
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

  function loadErrors(): void {
    errorsSeen += 1;
    try {
      errors = net ? parseErrors(model.get("_errors"), net.sizes) : null;
    } catch (e) {
      console.error("NetworkDiagram: ignored errors from Python:", e);
      errors = null;
    }
  }

  function loadInput(): void {
    const value = model.get("input");
    if (value == null) {
      if (!link.model) x = null; // while linked, the canvas's pen decides
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
  const link = new ModelLink(`change:${LIVE}`, (source) => {
    if (!net) return;
    const px = readLive(source.get(LIVE), net.sizes[0]);
    if (!px) return; // the canvas has not drawn a frame yet, or sent something else
    live = px;
    x = live.some((v) => v > 0) ? live : null; // a blank pad: no input, as in Python
    redrawNow(); // in the canvas's own frame: both are on screen together
  });
  cleanups.add(() => link.close());

  async function loadSource(): Promise<void> {
    live = null;
    dom.root.dataset.linked = "false";
    const manager = (anyModel as unknown as { widget_manager?: WidgetManagerLike }).widget_manager;
    try {
      if (await link.follow(model.get("_source"), manager)) dom.root.dataset.linked = "true";
    } catch (e) {
      console.warn(`NetworkDiagram: cannot follow the linked canvas (${e instanceof Error ? e.message : e}); showing its last input`);
    }
  }

  cleanups.on(model, "change:_network", loadNetwork);
  cleanups.on(model, "change:scales", () => {
    loadScales();
    schedule();
  });
  cleanups.on(model, "change:input", loadInput);
  cleanups.on(model, "change:_errors", () => {
    loadErrors();
    errorsSwitch();
    schedule();
  });
  cleanups.on(model, "change:error_scale", () => {
    dom.sharedScale.checked = parseErrorScale(model.get("error_scale")) === "shared";
    legend();
    schedule();
  });
  cleanups.on(model, "change:mode", () => {
    errorsSwitch();
    schedule();
  });
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
    /** A layer's circle radius, or cell side, in CSS pixels. */
    size: (layer: number) => layout?.layers[layer]?.size ?? null,
  };

  dom.topK.value = String(topK());
  dom.allEdges.checked = !!model.get("all_edges");
  dom.sharedScale.checked = parseErrorScale(model.get("error_scale")) === "shared";
  errorsSwitch();
  loadNetwork();
  loadInput();
  resized();
  void loadSource();

  return () => {
    for (const e of cleanups.run()) console.warn("NetworkDiagram cleanup:", e);
  };
}

export default { render };
