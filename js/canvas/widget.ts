// DigitCanvas: a drawing pad, the network's ten probabilities following the pen, and a strip
// showing the preprocessing. Everything that runs per pointer move happens here in the page
// (ink -> to_mnist -> forward pass -> bars, once per animation frame; a digit Python put on the
// pad is read as given until the pen adds to it); Python hears from the pad only when a stroke
// ends (src/nnwidgets/widgets/canvas.py). This file wires the parts:
// dom.ts builds the elements, pad.ts holds the drawing, sync.ts talks to Python.
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import { forward, type NetworkSpec } from "../lib/forward";
import { setAndSave, type HostModel } from "../lib/host";
import { FrameScheduler } from "../lib/frames";
import { FrameLatency } from "../lib/latency";
import { publishLive } from "../lib/live";
import { decodeNetwork } from "../lib/network";
import type { MnistSteps } from "./preprocess";
import { buildCanvasDom, setStepsOpen, showReading, stepsAsGiven, stepsOpen } from "./dom";
import { PadDrawing, PadSurface, WHOLE_PAD } from "./pad";
import { paintGiven, paintSteps } from "./steps";
import { digitFromPython, followPython, PadSync, sendReport, type CanvasModel } from "./sync";

function render({ model: anyModel, el }: RenderProps<CanvasModel>) {
  // Only get, set and on are certain: some hosts (MyST) have no save_changes or off.
  const model: HostModel<CanvasModel> = anyModel;
  const cleanups = new Cleanups();
  const dom = buildCanvasDom(el);
  cleanups.add(() => dom.root.remove()); // cleanups run newest first: this one last
  const drawing = new PadDrawing();
  const surface = new PadSurface(dom.pad);
  const sync = new PadSync();
  let net: NetworkSpec | null = null;
  let lastSteps: MnistSteps | null = null;

  // ---- per frame: paint the ink, preprocess, run the network, move the bars ------------
  /** The 28x28 the network reads (Python's digit as given, or the ink preprocessed). */
  function compute(): Float32Array {
    const reading = drawing.read();
    lastSteps = reading.steps;
    return reading.pixels;
  }

  function predictAndPaint(pixels: Float32Array) {
    const blank = !pixels.some((v) => v > 0);
    let p: Float64Array | null = null;
    if (net && !blank) {
      try {
        p = forward(net, pixels);
      } catch (e) {
        dom.error.textContent = String(e);
      }
    }
    showReading(dom, p);
    dom.hint.hidden = !blank || drawing.current !== null;
    stepsAsGiven(dom, !lastSteps);
    if (!stepsOpen(dom)) return;
    if (lastSteps) paintSteps(dom.stepCanvases, drawing.ink.data, lastSteps);
    else paintGiven(dom.stepCanvases, drawing.ink.data, pixels);
  }

  function onFrame() {
    surface.paint(drawing);
    const pixels = compute();
    predictAndPaint(pixels);
    // after the frame is measured: a linked NetworkDiagram follows the pen in the page (lib/live.ts)
    return () => publishLive(model, pixels);
  }

  // bench/canvas_latency.py reads the latency measures
  const frames = new FrameScheduler(onFrame, new FrameLatency("nnwidgets:canvas"));
  cleanups.add(() => frames.cancel());
  /** Repaint on the next frame; `since` is the timeStamp of the input that asked for it. */
  const schedule = (since?: number) => frames.schedule(since);

  /** Send the current 28x28 (and strokes) to Python. */
  function report() {
    sendReport(model, sync.report(compute(), drawing.strokes));
  }

  // ---- pointer input ---------------------------------------------------------------------
  cleanups.listen<PointerEvent>(dom.pad, "pointerdown", (e) => {
    if (drawing.activePointer !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    dom.pad.focus({ preventScroll: true });
    try {
      dom.pad.setPointerCapture(e.pointerId);
    } catch {
      /* synthetic events have no capturable pointer */
    }
    drawing.begin(e.pointerId, surface.point(e));
    schedule(e.timeStamp);
  });

  cleanups.listen<PointerEvent>(dom.pad, "pointermove", (e) => {
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    if (drawing.extend(e.pointerId, (events.length ? events : [e]).map((ev) => surface.point(ev)))) {
      schedule(e.timeStamp);
    }
  });

  const endStroke = (e: PointerEvent) => {
    if (!drawing.end(e.pointerId)) return;
    report();
    schedule(e.timeStamp);
  };
  cleanups.listen(dom.pad, "pointerup", endStroke);
  cleanups.listen(dom.pad, "pointercancel", endStroke);
  cleanups.listen(dom.pad, "lostpointercapture", endStroke);

  // ---- buttons and keys ------------------------------------------------------------------
  function undo() {
    if (!drawing.undo()) return;
    report();
    schedule(performance.now());
  }
  function clear() {
    drawing.clear();
    report();
    schedule(performance.now());
  }
  function openSteps(open: boolean) {
    setStepsOpen(dom, open);
    if (open) schedule();
  }
  cleanups.listen(dom.undoBtn, "click", undo);
  cleanups.listen(dom.clearBtn, "click", clear);
  cleanups.listen(dom.stepsBtn, "click", () => {
    const open = !stepsOpen(dom);
    openSteps(open);
    setAndSave(model, "show_steps", open);
  });
  cleanups.listen<KeyboardEvent>(dom.root, "keydown", (e) => {
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
      dom.error.textContent = "";
    } catch (e) {
      net = null;
      dom.error.textContent = `Cannot run this network in the browser: ${e instanceof Error ? e.message : e}`;
    }
    schedule();
  }

  function loadPixels(first = false) {
    const digit = digitFromPython(model, sync, first);
    if (!digit) return;
    drawing.show(digit.strokes, digit.digit);
    schedule();
  }

  followPython(model, cleanups, {
    network: loadNetwork,
    pixels: () => loadPixels(),
    showSteps: () => openSteps(!!model.get("show_steps")),
  });

  // ---- size ------------------------------------------------------------------------------
  function resize() {
    if (surface.fit()) {
      drawing.dirty = WHOLE_PAD;
      schedule();
    }
  }
  const observer = new ResizeObserver(() => resize());
  observer.observe(dom.pad);
  cleanups.add(() => observer.disconnect());
  cleanups.listen(window, "resize", resize); // devicePixelRatio changes (zoom, moving between screens)

  loadNetwork();
  loadPixels(true); // also restores a drawing made in another view of this widget
  openSteps(!!model.get("show_steps"));
  resize();
  drawing.dirty = WHOLE_PAD;
  schedule();

  return () => {
    cleanups.run();
  };
}

export default { render };
