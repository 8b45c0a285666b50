// DigitCanvas: a drawing pad, the network's ten probabilities following the pen, and a strip
// showing the preprocessing. Everything that runs per pointer move happens here in the page
// (ink -> to_mnist -> forward pass -> bars, once per animation frame); Python hears from the
// pad only when a stroke ends (src/nnwidgets/widgets/canvas.py).
import type { RenderProps } from "@anywidget/types";
import { checkSpec, forward, argmax, type NetworkSpec } from "../lib/forward";
import { decodeArray, encodeArray, type WireArray } from "../lib/model";
import { SIZE, toMnistSteps, type MnistSteps } from "../lib/preprocess";
import { appendPoint, Ink, PAD, toPad, type Point, type Stroke } from "../lib/strokes";

interface NetworkState {
  sizes: number[];
  activation: string;
  output: string;
  weights: WireArray[];
  biases: WireArray[];
}

interface CanvasModel {
  pixels: WireArray;
  probabilities: WireArray | null;
  prediction: number | null;
  strokes: Stroke[];
  show_steps: boolean;
  _network: NetworkState | null;
  _drawn: { pixels: WireArray; strokes: Stroke[]; seq: string } | null;
  _echo: string;
  _error: string;
}

const PAPER = [255, 255, 255];
const INK = [24, 28, 56];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function decodeNetwork(state: NetworkState | null): NetworkSpec | null {
  if (!state) return null;
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

/** Paint a grayscale image (ink bright, 0..1) into a small canvas as MNIST shows it: white on black. */
function paintDigit(canvas: HTMLCanvasElement, data: ArrayLike<number>, rows: number, cols: number): void {
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < rows * cols; i++) {
    const v = Math.round(Math.min(1, Math.max(0, data[i])) * 255);
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function render({ model, el }: RenderProps<CanvasModel>) {
  const cleanups: (() => void)[] = [];
  const listen = (target: EventTarget, type: string, fn: (e: any) => void, opts?: AddEventListenerOptions) => {
    target.addEventListener(type, fn, opts);
    cleanups.push(() => target.removeEventListener(type, fn, opts));
  };

  // ---- DOM -------------------------------------------------------------------------------
  const root = h("div", "nnw-canvas");
  const main = h("div", "nnw-canvas__main");
  const padWrap = h("div", "nnw-canvas__pad-wrap");
  const pad = h("canvas", "nnw-canvas__pad");
  pad.tabIndex = 0;
  pad.setAttribute("role", "img");
  pad.setAttribute("aria-label", "Drawing pad: draw a digit from 0 to 9. Escape clears, Ctrl+Z undoes.");
  const hint = h("div", "nnw-canvas__hint", "Draw a digit 0\u20139");
  padWrap.append(pad, hint);

  const side = h("div", "nnw-canvas__side");
  const verdict = h("div", "nnw-canvas__verdict");
  const verdictLabel = h("span", "nnw-canvas__verdict-label", "The network reads");
  const verdictDigit = h("span", "nnw-canvas__prediction", "\u2013");
  const verdictConf = h("span", "nnw-canvas__confidence", "");
  verdict.append(verdictLabel, verdictDigit, verdictConf);
  const bars = h("div", "nnw-canvas__bars");
  bars.setAttribute("role", "list");
  bars.setAttribute("aria-label", "Probability of each digit");
  const barRows: { row: HTMLDivElement; fill: HTMLDivElement; value: HTMLSpanElement }[] = [];
  for (let d = 0; d < 10; d++) {
    const row = h("div", "nnw-canvas__bar");
    row.setAttribute("role", "listitem");
    row.dataset.digit = String(d);
    const label = h("span", "nnw-canvas__bar-label", String(d));
    const track = h("div", "nnw-canvas__bar-track");
    const fill = h("div", "nnw-canvas__bar-fill");
    track.append(fill);
    const value = h("span", "nnw-canvas__bar-value", "");
    row.append(label, track, value);
    bars.append(row);
    barRows.push({ row, fill, value });
  }
  const error = h("div", "nnw-canvas__error");
  side.append(verdict, bars, error);
  main.append(padWrap, side);

  const toolbar = h("div", "nnw-canvas__toolbar");
  const undoBtn = h("button", "nnw-canvas__button", "\u21b6 Undo");
  undoBtn.type = "button";
  undoBtn.title = "Undo the last stroke (Ctrl+Z)";
  const clearBtn = h("button", "nnw-canvas__button", "Clear");
  clearBtn.type = "button";
  clearBtn.title = "Clear the pad (Escape)";
  const stepsBtn = h("button", "nnw-canvas__button nnw-canvas__toggle", "Show preprocessing");
  stepsBtn.type = "button";
  toolbar.append(undoBtn, clearBtn, stepsBtn);

  const steps = h("div", "nnw-canvas__steps");
  const stepCanvases: HTMLCanvasElement[] = [];
  const stepNames = ["your drawing", "cropped to the ink", "scaled to fit 20\u00d720", "centred in 28\u00d728"];
  stepNames.forEach((name, i) => {
    if (i > 0) steps.append(h("span", "nnw-canvas__arrow", "\u2192"));
    const fig = h("figure", "nnw-canvas__step");
    const c = h("canvas", "nnw-canvas__step-image");
    const cap = h("figcaption", "", name);
    fig.append(c, cap);
    steps.append(fig);
    stepCanvases.push(c);
  });
  root.append(main, toolbar, steps);
  el.append(root);

  // ---- state -----------------------------------------------------------------------------
  const ink = new Ink();
  let background: Float64Array | null = null; // a digit put on the pad by show(), upscaled
  let strokes: Stroke[] = [];
  let current: Stroke | null = null;
  let activePointer: number | null = null;
  let net: NetworkSpec | null = null;
  let lastSteps: MnistSteps | null = null;
  // Numbers the reports this view sends to Python ("<view>:<n>", canvas.py's _echo).
  const viewId = Math.random().toString(36).slice(2, 10);
  let seq = 0;
  let frame = 0;
  let pendingSince: number | null = null; // timeStamp of the oldest input not yet on screen
  let dirty: [number, number, number, number] | null = null; // pad pixels to repaint
  let cssSize = 280;

  const offscreen = document.createElement("canvas");
  offscreen.width = PAD;
  offscreen.height = PAD;
  const offctx = offscreen.getContext("2d")!;
  const offImage = offctx.createImageData(PAD, PAD);
  const ctx = pad.getContext("2d")!;

  function grow(rect: [number, number, number, number] | null) {
    if (!rect) return;
    dirty = dirty
      ? [Math.min(dirty[0], rect[0]), Math.min(dirty[1], rect[1]), Math.max(dirty[2], rect[2]), Math.max(dirty[3], rect[3])]
      : rect;
  }

  function rebuildInk() {
    if (background) ink.data.set(background);
    else ink.clear();
    for (const s of strokes) ink.stroke(s);
    if (current) ink.stroke(current);
    dirty = [0, 0, PAD, PAD];
  }

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    cssSize = pad.clientWidth || 280;
    const px = Math.round(cssSize * dpr);
    if (pad.width !== px || pad.height !== px) {
      pad.width = px;
      pad.height = px;
      dirty = [0, 0, PAD, PAD];
      schedule();
    }
  }

  // ---- per frame: paint the ink, preprocess, run the network, move the bars ------------
  function paintPad() {
    if (dirty) {
      const [c0, r0, c1, r1] = dirty;
      const d = offImage.data;
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          const v = ink.data[r * PAD + c];
          const k = 4 * (r * PAD + c);
          d[k] = PAPER[0] + (INK[0] - PAPER[0]) * v;
          d[k + 1] = PAPER[1] + (INK[1] - PAPER[1]) * v;
          d[k + 2] = PAPER[2] + (INK[2] - PAPER[2]) * v;
          d[k + 3] = 255;
        }
      }
      offctx.putImageData(offImage, 0, 0, c0, r0, c1 - c0, r1 - r0);
      dirty = null;
    }
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(offscreen, 0, 0, pad.width, pad.height);
  }

  function paintBars(p: ArrayLike<number> | null) {
    const best = p ? argmax(p) : -1;
    for (let d = 0; d < 10; d++) {
      const { row, fill, value } = barRows[d];
      const v = p ? p[d] : 0;
      fill.style.width = `${(Math.max(0, Math.min(1, v)) * 100).toFixed(1)}%`;
      value.textContent = p ? `${(v * 100).toFixed(v >= 0.995 || v < 0.0995 ? 0 : 1)}%` : "";
      row.dataset.prob = p ? String(v) : "";
      row.classList.toggle("nnw-canvas__bar--best", d === best);
    }
    verdictDigit.textContent = p ? String(best) : "\u2013";
    verdictConf.textContent = p ? `${Math.round(p[best] * 100)}% sure` : "";
    root.dataset.prediction = p ? String(best) : "";
    root.dataset.probabilities = p ? Array.from(p).join(",") : "";
  }

  function paintSteps(s: MnistSteps) {
    if (!root.classList.contains("nnw-canvas--steps")) return;
    paintDigit(stepCanvases[0], ink.data, PAD, PAD);
    const { top, left, height, width } = s.crop;
    const crop = new Float64Array(height * width);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) crop[r * width + c] = ink.data[(top + r) * PAD + left + c];
    }
    paintDigit(stepCanvases[1], crop, height, width);
    // the 20x20 step: the box centred geometrically in a 20x20 frame, before the centre-of-mass shift
    const box20 = new Float64Array(20 * 20);
    const oy = Math.floor((20 - s.boxHeight) / 2), ox = Math.floor((20 - s.boxWidth) / 2);
    for (let r = 0; r < s.boxHeight; r++) {
      for (let c = 0; c < s.boxWidth; c++) box20[(oy + r) * 20 + ox + c] = s.box[r * s.boxWidth + c];
    }
    paintDigit(stepCanvases[2], box20, 20, 20);
    paintDigit(stepCanvases[3], s.result, SIZE, SIZE);
  }

  function compute(): Float32Array {
    lastSteps = toMnistSteps(ink.data, PAD, PAD);
    return lastSteps.result;
  }

  function predictAndPaint(pixels: Float32Array) {
    const blank = !pixels.some((v) => v > 0);
    let p: Float64Array | null = null;
    if (net && !blank) {
      try {
        p = forward(net, pixels);
      } catch (e) {
        error.textContent = String(e);
      }
    }
    paintBars(p);
    hint.hidden = !blank || current !== null;
    if (lastSteps) paintSteps(lastSteps);
  }

  function onFrame(frameStart: number) {
    frame = 0;
    const workStart = performance.now();
    paintPad();
    predictAndPaint(compute());
    if (pendingSince !== null) {
      // pointer event -> probabilities on screen; bench/canvas_latency.py reads these
      const now = performance.now();
      try {
        performance.measure("nnwidgets:canvas-latency", { start: pendingSince, end: now });
        // the work itself (ink -> 28x28 -> forward -> bars), and how late the frame started
        performance.measure("nnwidgets:canvas-work", { start: workStart, end: now });
        performance.measure("nnwidgets:canvas-wait", { start: pendingSince, end: Math.max(pendingSince, frameStart) });
        if (performance.getEntriesByName("nnwidgets:canvas-latency").length > 2000) {
          for (const m of ["latency", "work", "wait"]) performance.clearMeasures(`nnwidgets:canvas-${m}`);
        }
      } catch {
        /* older browsers: no measure options */
      }
      pendingSince = null;
    }
  }

  function schedule(since?: number) {
    if (since !== undefined && pendingSince === null) pendingSince = since;
    if (!frame) frame = requestAnimationFrame(onFrame);
  }

  /** Send the current 28x28 (and strokes) to Python. */
  function report() {
    const pixels = compute();
    seq += 1;
    model.set("_drawn", {
      pixels: encodeArray(pixels, [SIZE, SIZE]),
      strokes: strokes.map((s) => s.map((p) => [p[0], p[1]] as Point)),
      seq: `${viewId}:${seq}`,
    });
    model.save_changes();
  }

  // ---- pointer input ---------------------------------------------------------------------
  function point(e: PointerEvent): Point {
    const rect = pad.getBoundingClientRect();
    return toPad(e.clientX - rect.left, e.clientY - rect.top, rect.width, rect.height);
  }

  listen(pad, "pointerdown", (e: PointerEvent) => {
    if (activePointer !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    pad.focus({ preventScroll: true });
    activePointer = e.pointerId;
    try {
      pad.setPointerCapture(e.pointerId);
    } catch {
      /* synthetic events have no capturable pointer */
    }
    const p = point(e);
    current = [p];
    grow(ink.segment(p[0], p[1], p[0], p[1]));
    schedule(e.timeStamp);
  });

  listen(pad, "pointermove", (e: PointerEvent) => {
    if (e.pointerId !== activePointer || !current) return;
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const last = current[current.length - 1];
      const p = point(ev);
      if (appendPoint(current, p)) grow(ink.segment(last[0], last[1], p[0], p[1]));
    }
    schedule(e.timeStamp);
  });

  const endStroke = (e: PointerEvent) => {
    if (e.pointerId !== activePointer || !current) return;
    activePointer = null;
    strokes.push(current);
    current = null;
    report();
    schedule(e.timeStamp);
  };
  listen(pad, "pointerup", endStroke);
  listen(pad, "pointercancel", endStroke);
  listen(pad, "lostpointercapture", endStroke);

  // ---- buttons and keys ------------------------------------------------------------------
  function undo() {
    if (!strokes.length) return;
    strokes.pop();
    rebuildInk();
    report();
    schedule(performance.now());
  }
  function clear() {
    strokes = [];
    current = null;
    activePointer = null;
    background = null;
    rebuildInk();
    report();
    schedule(performance.now());
  }
  function setStepsOpen(open: boolean) {
    root.classList.toggle("nnw-canvas--steps", open);
    stepsBtn.setAttribute("aria-pressed", String(open));
    stepsBtn.textContent = open ? "Hide preprocessing" : "Show preprocessing";
    if (open) schedule();
  }
  listen(undoBtn, "click", undo);
  listen(clearBtn, "click", clear);
  listen(stepsBtn, "click", () => {
    const open = !root.classList.contains("nnw-canvas--steps");
    setStepsOpen(open);
    model.set("show_steps", open);
    model.save_changes();
  });
  listen(root, "keydown", (e: KeyboardEvent) => {
    const inButton = (e.target as HTMLElement)?.tagName === "BUTTON";
    if ((e.key === "Escape" || e.key === "Delete" || (e.key === "Backspace" && !inButton)) && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      e.stopPropagation(); // Jupyter would otherwise leave edit mode / delete a cell
      clear();
    } else if ((e.ctrlKey || e.metaKey) && (e.key === "z" || e.key === "Z") && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      undo();
    }
  });

  // ---- from Python -----------------------------------------------------------------------
  function loadNetwork() {
    try {
      net = decodeNetwork(model.get("_network"));
      error.textContent = model.get("_error") || "";
    } catch (e) {
      net = null;
      error.textContent = `Cannot run this network in the browser: ${e instanceof Error ? e.message : e}`;
    }
    schedule();
  }

  /** Whether `strokes` alone make `px` (then no background image is needed). */
  function fromStrokes(list: Stroke[], px: Float32Array): boolean {
    if (!list.length) return false;
    const probe = new Ink();
    probe.redraw(list);
    const mine = toMnistSteps(probe.data, PAD, PAD).result;
    return mine.every((v, i) => Math.abs(v - px[i]) < 1e-6);
  }

  function loadPixels(first = false) {
    // Our own drawing coming back from Python: the pad already shows it (or more).
    if (!first && (model.get("_echo") || "").startsWith(`${viewId}:`)) return;
    let px: Float32Array;
    try {
      px = decodeArray(model.get("pixels")).data;
    } catch {
      return;
    }
    // A digit from show() or clear(): it becomes the pad's background, upscaled 10x, so that
    // preprocessing it again gives it back and new strokes add ink on top of it.
    strokes = (model.get("strokes") || []).map((s) => s.map((p) => [p[0], p[1]] as Point));
    current = null;
    const blank = !px.some((v) => v > 0);
    background = null;
    if (!blank && !fromStrokes(strokes, px)) {
      background = new Float64Array(PAD * PAD);
      const k = PAD / SIZE;
      for (let r = 0; r < PAD; r++) {
        for (let c = 0; c < PAD; c++) background[r * PAD + c] = px[Math.floor(r / k) * SIZE + Math.floor(c / k)];
      }
    }
    rebuildInk();
    schedule();
  }

  model.on("change:_network", loadNetwork);
  model.on("change:_error", loadNetwork);
  const onPixels = () => loadPixels();
  model.on("change:pixels", onPixels);
  model.on("change:show_steps", () => setStepsOpen(!!model.get("show_steps")));

  const observer = new ResizeObserver(() => resize());
  observer.observe(pad);
  cleanups.push(() => observer.disconnect());
  listen(window, "resize", resize); // devicePixelRatio changes (zoom, moving between screens)

  loadNetwork();
  loadPixels(true); // also restores a drawing made in another view of this widget
  setStepsOpen(!!model.get("show_steps"));
  resize();
  dirty = [0, 0, PAD, PAD];
  schedule();

  return () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    for (const fn of cleanups.splice(0)) fn();
    model.off("change:_network", loadNetwork);
    model.off("change:_error", loadNetwork);
    model.off("change:pixels", onPixels);
    root.remove();
  };
}

export default { render };
