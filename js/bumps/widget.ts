// BumpBuilder: drag the heights of bumps made of steep sigmoid pairs until the network's output
// matches a goal (NNDL chapter 4). Wiring only: the maths is maths.ts, the geometry plot.ts.
// The page computes the output and the score itself while a bump moves; the heights go to
// Python (save_changes) when a drag ends and on each key press.
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import { h } from "../lib/dom";
import { forwardLayers, type NetworkSpec } from "../lib/forward";
import type { HostModel } from "../lib/host";
import { saveChanges } from "../lib/host";
import { decodeNetwork, type NetworkState } from "../lib/network";
import { fitToDevice } from "../lib/paint";
import { bumpAt, CHALLENGE, deviation, isNumberList, logit, moveStep, sigmoid, weightedOutput } from "./maths";
import {
  heightFrom, heightKey, plotBox, pxToX, pxToY, shownHeight, stepKey, tidy, xToPx, yRange, yToPx,
  type Box, type Range, type Space,
} from "./plot";

interface BumpModel {
  goal: number[];
  n_pairs: number;
  free_steps: boolean;
  steepness: number;
  heights: number[];
  steps: number[];
  space: Space;
  deviation: number;
  _network: (NetworkState & { label?: string }) | null;
}

const CSS_SIZE = { width: 560, height: 300 };
const COLORS = { goal: "#2a6ea6", net: "#e8890c", overlay: "#2e9d4a", bump: "rgba(232,137,12,0.10)" };
const STEP_GAP = 0.01; // the least width of a bump when steps move
const WAIT_FRAMES = 240; // about 4 s at 60 frames a second
/** Attributes on <html> or <body> through which hosts switch themes. */
const THEME_MARKS = ["class", "data-theme", "data-jp-theme-name", "data-jp-theme-light", "data-vscode-theme-kind"];

/** Everything the drawing needs, read from the model (kept when the model holds bad values). */
interface State {
  goal: number[];
  goalLogit: number[];
  heights: number[];
  steps: number[];
  space: Space;
  w: number;
  overlay: NetworkSpec | null;
  overlayLabel: string;
}

function render({ model, el }: RenderProps<BumpModel>) {
  const m = model as unknown as HostModel<BumpModel>;
  const cleanups = new Cleanups();
  const n = m.get("n_pairs");
  const free = !!m.get("free_steps");

  // ---- elements -----------------------------------------------------------------------------
  const root = h("div", "nnw-card nnw-bumps");
  const bar = h("div", "nnw-bumps__bar");
  const score = h("span", "nnw-bumps__score");
  const success = h("span", "nnw-bumps__success", "Success!");
  const challenge = h("span", "nnw-bumps__challenge",
    n === 5 ? "NNDL's challenge: 0.40 or less with 5 pairs" : "NNDL's target: 0.40 or less");
  const spaces = h("div", "nnw-bumps__spaces");
  spaces.setAttribute("role", "group");
  spaces.setAttribute("aria-label", "what to design");
  const spaceButtons: Record<Space, HTMLButtonElement> = {
    logit: h("button", "nnw-bumps__space", "\u03c3\u207b\u00b9 space"),
    output: h("button", "nnw-bumps__space", "output space"),
  };
  spaceButtons.logit.title = "design \u03c3\u207b\u00b9\u2218f with the bumps (the output is \u03c3 of their sum)";
  spaceButtons.output.title = "see f and the network's output \u03c3(\u03a3 w_j a_j)";
  for (const s of ["logit", "output"] as Space[]) {
    spaceButtons[s].type = "button";
    spaces.append(spaceButtons[s]);
  }
  bar.append(score, success, challenge, spaces);
  const plot = h("div", "nnw-bumps__plot");
  // Keys on a handle are ours. Lumino (JupyterLab, Notebook 7) matches no shortcut on an element
  // with data-lm-suppress-shortcuts or inside one; it must be on the handle itself, since the
  // notebook's selectors end in ":focus", which the focused handle matches. Notebook 7 handles
  // keys before they reach us (the arrows would move between cells): stopPropagation is not
  // enough there.
  const suppressShortcuts = (node: HTMLElement) => node.setAttribute("data-lm-suppress-shortcuts", "true");
  suppressShortcuts(plot);
  const canvas = h("canvas", "nnw-bumps__canvas");
  plot.append(canvas);
  const handles = Array.from({ length: n }, (_, k) => {
    const handle = h("div", "nnw-bumps__handle");
    handle.tabIndex = 0;
    handle.setAttribute("role", "slider");
    handle.setAttribute("aria-label", `height of bump ${k + 1}`);
    handle.dataset.bump = String(k);
    suppressShortcuts(handle);
    plot.append(handle);
    return handle;
  });
  const stepHandles = free
    ? Array.from({ length: n - 1 }, (_, i) => {
        const handle = h("div", "nnw-bumps__step");
        handle.tabIndex = 0;
        handle.setAttribute("role", "slider");
        handle.setAttribute("aria-label", `step ${i + 1}`);
        handle.dataset.step = String(i + 1);
        suppressShortcuts(handle);
        plot.append(handle);
        return handle;
      })
    : [];
  const legend = h("div", "nnw-bumps__legend");
  // Why the overlaid network is not drawn (the reader's activation the page cannot run: the
  // message Python sends, as the diagram, canvas and DecisionMap show it); empty otherwise.
  const error = h("div", "nnw-bumps__error");
  error.setAttribute("role", "status");
  // What a first-time reader cannot guess from the picture: the circles move.
  const hint = h("div", "nnw-bumps__hint", free
    ? "Drag a circle up or down to set its bump's height, and a grey step sideways to move it (or Tab to one and press the arrow keys)."
    : "Drag a circle up or down to set its bump's height (or Tab to one and press the arrow keys).");
  root.append(bar, plot, legend, hint, error);
  el.append(root);
  cleanups.add(() => root.remove());

  // ---- state from the model -------------------------------------------------------------------
  const goal = (m.get("goal") || []).map(Number);
  const state: State = {
    goal,
    goalLogit: goal.map(logit),
    heights: new Array(n).fill(0),
    steps: Array.from({ length: n + 1 }, (_, k) => k / n),
    space: "logit",
    w: Number(m.get("steepness")) || 1000,
    overlay: null,
    overlayLabel: "",
  };
  let range: Range = { lo: -2, hi: 2 };
  // grab: the handle's centre minus the pointer, in CSS pixels (y for a bump, x for a step), so
  // a handle taken off its centre does not jump; 0 when the press was on the plot itself.
  let dragging: { kind: "bump" | "step"; index: number; pointer: number; grab: number } | null = null;

  function readHeights() {
    const v = m.get("heights");
    if (isNumberList(v, n)) state.heights = v.slice();
    else console.error("BumpBuilder: ignoring heights that are not", n, "finite numbers:", v);
  }
  function readSteps() {
    const v = m.get("steps");
    if (isNumberList(v, n + 1)) state.steps = v.slice();
    else console.error("BumpBuilder: ignoring steps that are not", n + 1, "finite numbers:", v);
  }
  function readSpace() {
    const v = m.get("space");
    state.space = v === "output" ? "output" : "logit";
  }
  function readOverlay() {
    const v = m.get("_network");
    try {
      state.overlay = decodeNetwork(v);
      state.overlayLabel = v?.label ?? "";
      error.textContent = "";
    } catch (e) {
      state.overlay = null;
      error.textContent = `Cannot draw this network: ${e instanceof Error ? e.message : e}`;
      // Python said why already (a UserWarning); other bad data is for the developer too.
      if (typeof v?.unsupported !== "string") console.warn("BumpBuilder: cannot draw the overlaid network:", e);
    }
  }
  function refit() {
    range = yRange(state.space, state.goalLogit, state.heights);
  }

  // ---- drawing ------------------------------------------------------------------------------------
  let frame = 0;
  let waited = 0; // frames waited for the canvas to be laid out again (see draw)
  function schedule(retry = false) {
    if (!retry) waited = 0;
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  }
  cleanups.add(() => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  });

  function shown(z: number): number {
    return state.space === "output" ? sigmoid(z) : z;
  }

  function draw() {
    const dev = deviation(state.goalLogit, state.heights, state.steps);
    updateText(dev);
    // Not laid out (not in the page yet, or its notebook hidden, as JupyterLab does for half
    // a second when the theme changes, unseen by the resize observer): a drawing at a guessed
    // size would stay, squeezed, with the handles off their bumps. Try again each frame for
    // a few seconds; after that the resize observer draws once the canvas has a size.
    if (!canvas.clientWidth || !canvas.clientHeight) {
      if (waited++ < WAIT_FRAMES) schedule(true);
      return;
    }
    fitToDevice(canvas, CSS_SIZE);
    const cssW = canvas.clientWidth, cssH = canvas.clientHeight;
    const box = plotBox(cssW, cssH);
    const ctx = canvas.getContext("2d");
    placeHandles(box);
    if (!ctx) return;
    const scale = canvas.width / cssW;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const ink = getComputedStyle(root).color || "#333";
    drawAxes(ctx, box, ink);
    // the bumps' columns, shaded
    ctx.fillStyle = COLORS.bump;
    for (let k = 0; k < n; k++) {
      if (k % 2) continue;
      const x0 = xToPx(box, state.steps[k]), x1 = xToPx(box, state.steps[k + 1]);
      ctx.fillRect(x0, box.top, x1 - x0, box.height);
    }
    if (state.overlay) drawOverlay(ctx, box, state.overlay);
    // the goal, through its sample points (as NNDL draws it)
    const ys = state.space === "output" ? state.goal : state.goalLogit;
    ctx.strokeStyle = COLORS.goal;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ys.forEach((y, k) => {
      const px = xToPx(box, k / ys.length), py = yToPx(box, range, clampY(y));
      if (k) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
    });
    ctx.stroke();
    // the network, one point per half pixel: sum_j w_j a_j or sigma of it
    ctx.strokeStyle = COLORS.net;
    ctx.lineWidth = 2;
    ctx.beginPath();
    const count = Math.ceil(box.width * 2);
    for (let i = 0; i <= count; i++) {
      const x = i / count;
      const py = yToPx(box, range, clampY(shown(weightedOutput(x, state.heights, state.steps, state.w))));
      if (i) ctx.lineTo(xToPx(box, x), py);
      else ctx.moveTo(xToPx(box, x), py);
    }
    ctx.stroke();
  }

  function clampY(y: number): number {
    const pad = (range.hi - range.lo) * 0.02;
    return Math.min(range.hi + pad, Math.max(range.lo - pad, y));
  }

  function drawAxes(ctx: CanvasRenderingContext2D, box: Box, ink: string) {
    ctx.strokeStyle = ink;
    ctx.fillStyle = ink;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1;
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeRect(box.left + 0.5, box.top + 0.5, box.width, box.height);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    const step = state.space === "output" ? 0.25 : range.hi - range.lo > 8 ? 2 : 1;
    for (let y = Math.ceil(range.lo / step) * step; y <= range.hi + 1e-9; y += step) {
      const py = yToPx(box, range, y);
      ctx.fillText(String(Math.round(y * 100) / 100), box.left - 5, py);
      ctx.globalAlpha = 0.15;
      ctx.beginPath();
      ctx.moveTo(box.left, py);
      ctx.lineTo(box.left + box.width, py);
      ctx.stroke();
      ctx.globalAlpha = 0.6;
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    // below the step handles, which straddle the axis when the steps move
    const below = box.top + box.height + (free ? 10 : 5);
    for (const x of [0, 0.25, 0.5, 0.75, 1]) ctx.fillText(String(x), xToPx(box, x), below);
    ctx.globalAlpha = 1;
  }

  function drawOverlay(ctx: CanvasRenderingContext2D, box: Box, net: NetworkSpec) {
    const count = Math.ceil(box.width);
    const L = net.sizes.length - 1;
    const hidden = net.sizes[L - 1];
    const wOut = net.weights[L - 1];
    const shownContributions = state.space === "logit" && L > 1 ? Math.min(hidden, 100) : 0;
    const curves: number[][] = Array.from({ length: shownContributions }, () => []);
    const out: number[] = [];
    for (let i = 0; i <= count; i++) {
      const layers = forwardLayers(net, [i / count]);
      // sigma^-1 space: the output neuron's weighted input z^L; output space: its output a^L
      out.push(state.space === "logit" ? layers.zs[L - 1][0] : layers.activations[L][0]);
      const a = layers.activations[L - 1];
      for (let j = 0; j < shownContributions; j++) curves[j].push(wOut[j] * a[j]); // w_j a_j
    }
    const line = (values: number[], color: string, width: number, alpha: number, dash: number[]) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.globalAlpha = alpha;
      ctx.setLineDash(dash);
      ctx.beginPath();
      values.forEach((v, i) => {
        const px = xToPx(box, i / count), py = yToPx(box, range, clampY(v));
        if (i) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
      });
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    };
    for (const c of curves) line(c, COLORS.overlay, 1, 0.35, []);
    line(out, COLORS.overlay, 2, 1, [6, 4]);
  }

  function placeHandles(box: Box) {
    handles.forEach((handle, k) => {
      const x = (state.steps[k] + state.steps[k + 1]) / 2;
      const y = shownHeight(state.space, state.heights[k]);
      handle.style.left = `${xToPx(box, x)}px`;
      handle.style.top = `${yToPx(box, range, clampY(y))}px`;
      handle.setAttribute("aria-valuenow", state.heights[k].toFixed(2));
      handle.title = `bump ${k + 1}: h = ${state.heights[k].toFixed(2)} (output ${sigmoid(state.heights[k]).toFixed(2)})`;
      handle.setAttribute("aria-valuetext", handle.title); // read aloud: the output too
    });
    stepHandles.forEach((handle, i) => {
      handle.style.left = `${xToPx(box, state.steps[i + 1])}px`;
      handle.style.top = `${box.top + box.height}px`;
      handle.setAttribute("aria-valuenow", state.steps[i + 1].toFixed(3));
      // a step moves between its neighbours (setStep keeps STEP_GAP from each)
      handle.setAttribute("aria-valuemin", (state.steps[i] + STEP_GAP).toFixed(3));
      handle.setAttribute("aria-valuemax", (state.steps[i + 2] - STEP_GAP).toFixed(3));
      handle.title = `step at ${state.steps[i + 1].toFixed(3)}`;
    });
  }

  function updateText(dev: number) {
    const reached = dev < CHALLENGE;
    score.textContent = `Average deviation: ${dev.toFixed(2)}`;
    success.hidden = !reached;
    root.dataset.deviation = String(dev);
    root.dataset.success = String(reached);
    root.dataset.space = state.space;
    root.dataset.heights = state.heights.join(",");
    root.dataset.steps = state.steps.join(",");
    for (const s of ["logit", "output"] as Space[]) {
      spaceButtons[s].setAttribute("aria-pressed", String(state.space === s));
    }
    const goalName = state.space === "output" ? "goal f" : "goal \u03c3\u207b\u00b9\u2218f";
    const netName = state.space === "output" ? "output \u03c3(\u03a3 w_j a_j)" : "weighted output \u03a3 w_j a_j";
    // Only the line's sample takes its colour: the orange as text would be hard to read
    // (2.6:1 on white); the words keep the legend's own colour.
    const entry = (colour: string, line: string, words: string) =>
      `<span><b class="nnw-bumps__sample" style="color:${colour}">${line}</b> ${words}</span>`;
    const parts = [entry(COLORS.goal, "\u2014", goalName), entry(COLORS.net, "\u2014", netName)];
    if (state.overlay) {
      const what = state.space === "output" ? "output" : "z and its w_j a_j";
      parts.push(entry(COLORS.overlay, "- -", `${escapeHtml(state.overlayLabel)} (${what})`));
    }
    legend.innerHTML = parts.join(" ");
  }

  // ---- editing ----------------------------------------------------------------------------------
  function setHeight(k: number, value: number, send: boolean) {
    const heights = state.heights.slice();
    heights[k] = value;
    m.set("heights", heights); // change:heights redraws
    if (send) saveChanges(m);
  }
  function setStep(i: number, s: number, send: boolean) {
    m.set("steps", moveStep(state.steps, i, s, STEP_GAP));
    if (send) saveChanges(m);
  }

  function box(): Box {
    return plotBox(canvas.clientWidth || CSS_SIZE.width, canvas.clientHeight || CSS_SIZE.height);
  }
  function local(e: PointerEvent): { x: number; y: number } {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }
  function dragTo(e: PointerEvent) {
    if (!dragging) return;
    const p = local(e), b = box();
    if (dragging.kind === "step") setStep(dragging.index, pxToX(b, p.x + dragging.grab), false);
    else setHeight(dragging.index, tidy(heightFrom(state.space, pxToY(b, range, p.y + dragging.grab))), false);
  }

  cleanups.listen<PointerEvent>(plot, "pointerdown", (e) => {
    if (e.button !== 0 || dragging) return;
    const target = e.target as HTMLElement;
    const p = local(e), b = box();
    if (target.dataset.step) {
      const i = Number(target.dataset.step);
      dragging = { kind: "step", index: i, pointer: e.pointerId, grab: xToPx(b, state.steps[i]) - p.x };
      stepHandles[i - 1].focus({ preventScroll: true });
    } else if (target.dataset.bump) {
      const k = Number(target.dataset.bump);
      const centre = yToPx(b, range, clampY(shownHeight(state.space, state.heights[k])));
      dragging = { kind: "bump", index: k, pointer: e.pointerId, grab: centre - p.y };
      handles[k].focus({ preventScroll: true });
    } else {
      // a press on the plot takes the bump under it to the pointer at once
      const k = bumpAt(pxToX(b, p.x), state.steps);
      dragging = { kind: "bump", index: k, pointer: e.pointerId, grab: 0 };
      handles[k].focus({ preventScroll: true });
      dragTo(e);
    }
    (dragging.kind === "step" ? stepHandles[dragging.index - 1] : handles[dragging.index]).classList.add("is-dragging");
    plot.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  cleanups.listen<PointerEvent>(plot, "pointermove", (e) => {
    if (dragging && e.pointerId === dragging.pointer) dragTo(e);
  });
  const endDrag = (e: PointerEvent) => {
    if (!dragging || e.pointerId !== dragging.pointer) return;
    for (const handle of [...handles, ...stepHandles]) handle.classList.remove("is-dragging");
    dragging = null;
    saveChanges(m); // the heights (or steps) reach Python once, when the drag ends
    refit();
    schedule();
  };
  cleanups.listen<PointerEvent>(plot, "pointerup", endDrag);
  cleanups.listen<PointerEvent>(plot, "pointercancel", endDrag);

  cleanups.listen<KeyboardEvent>(plot, "keydown", (e) => {
    const target = e.target as HTMLElement;
    if (target.dataset.bump) {
      const delta = heightKey(e.key, e.shiftKey);
      if (delta === null) return;
      const k = Number(target.dataset.bump);
      setHeight(k, tidy(state.heights[k] + delta), true);
    } else if (target.dataset.step) {
      const delta = stepKey(e.key, e.shiftKey);
      if (delta === null) return;
      const i = Number(target.dataset.step);
      setStep(i, state.steps[i] + delta, true);
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation(); // Jupyter's own shortcuts, where they listen after us
    refit();
  });

  for (const s of ["logit", "output"] as Space[]) {
    cleanups.listen(spaceButtons[s], "click", () => {
      m.set("space", s);
      saveChanges(m);
    });
  }

  // ---- following the model -----------------------------------------------------------------------
  cleanups.on(m, "change:heights", () => {
    readHeights();
    if (!dragging) refit();
    schedule();
  });
  cleanups.on(m, "change:steps", () => {
    readSteps();
    schedule();
  });
  cleanups.on(m, "change:space", () => {
    readSpace();
    refit();
    schedule();
  });
  cleanups.on(m, "change:_network", () => {
    readOverlay();
    schedule();
  });

  const observer = new ResizeObserver(() => schedule());
  observer.observe(canvas);
  cleanups.add(() => observer.disconnect());
  // The axes are drawn in the host's text colour, which a theme change alters with no resize:
  // redraw when the page's theme marks change (JupyterLab, VS Code, marimo and others).
  const themes = new MutationObserver(() => schedule());
  for (const node of [document.documentElement, document.body]) {
    themes.observe(node, { attributes: true, attributeFilter: THEME_MARKS });
  }
  cleanups.add(() => themes.disconnect());
  cleanups.listen(window, "resize", () => schedule()); // devicePixelRatio changes

  readHeights();
  readSteps();
  readSpace();
  readOverlay();
  refit();
  draw(); // at once, so data-deviation is there as soon as the view is

  return () => {
    cleanups.run();
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export default { render };
