// The diagram's elements: a toolbar (connections shown, Reset), the drawing with a details card
// over it, the legend, and an error line. Built once per view.
import { h } from "../lib/dom";
import type { ErrorsSwitch, Legend } from "./legend";
import { EDGE_COLOURS, gradientCss } from "./paint";

export interface DiagramDom {
  root: HTMLDivElement;
  stage: HTMLDivElement;
  canvas: HTMLCanvasElement;
  details: HTMLDivElement;
  /** Read out by screen readers when the keyboard moves to a neuron; not shown. */
  announce: HTMLDivElement;
  topK: HTMLInputElement;
  allEdges: HTMLInputElement;
  /** Switches between activations and backpropagation's errors (once Python gave a target). */
  errorsMode: HTMLInputElement;
  /** Beside the switch: why it is disabled, in words (a tooltip alone is easy to miss). */
  errorsReason: HTMLSpanElement;
  /** Ticked: every layer's errors on one colour scale (Python's error_scale="shared"). */
  sharedScale: HTMLInputElement;
  reset: HTMLButtonElement;
  status: HTMLSpanElement;
  legend: HTMLDivElement;
  error: HTMLDivElement;
}

export const HEIGHT = 380;

export function buildDiagramDom(el: HTMLElement): DiagramDom {
  const root = h("div", "nnw-diagram");
  root.dataset.prediction = "";

  const toolbar = h("div", "nnw-diagram__toolbar");
  const kLabel = h("label", "nnw-diagram__control", "Connections into each neuron: top ");
  const topK = h("input", "nnw-diagram__topk");
  topK.type = "number";
  topK.min = "1";
  topK.max = "50";
  topK.step = "1";
  topK.title = "How many of the strongest |activation \u00d7 weight| connections to draw into each neuron";
  kLabel.append(topK);
  const allLabel = h("label", "nnw-diagram__control");
  const allEdges = h("input", "nnw-diagram__all");
  allEdges.type = "checkbox";
  allLabel.append(allEdges, document.createTextNode(" all"));
  const errorsLabel = h("label", "nnw-diagram__control");
  const errorsMode = h("input", "nnw-diagram__errors-mode");
  errorsMode.type = "checkbox";
  errorsLabel.append(errorsMode, document.createTextNode(" errors \u03b4"));
  const errorsReason = h("span", "nnw-diagram__errors-reason", "");
  errorsLabel.append(errorsReason);
  const sharedLabel = h("label", "nnw-diagram__control");
  const sharedScale = h("input", "nnw-diagram__shared-scale");
  sharedScale.type = "checkbox";
  sharedScale.title = "Colour every layer's errors on one scale, the network's largest |\u03b4|, "
    + "so layers whose errors vanish fade to white (unticked: each layer on its own scale)";
  sharedLabel.append(sharedScale, document.createTextNode(" one scale"));
  const reset = h("button", "nnw-diagram__button", "Reset");
  reset.type = "button";
  reset.title = "Undo every edit (switched-off and scaled neurons)";
  const status = h("span", "nnw-diagram__status", "");
  toolbar.append(kLabel, allLabel, errorsLabel, sharedLabel, reset, status);

  const stage = h("div", "nnw-diagram__stage");
  const canvas = h("canvas", "nnw-diagram__canvas");
  canvas.style.height = `${HEIGHT}px`;
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "application");
  canvas.setAttribute(
    "aria-label",
    "Network diagram. Arrow keys move between neurons, Enter switches a hidden neuron off or on, + and - scale it.",
  );
  // The card follows the pointer and refreshes with the pen, so it is not a live region; the
  // announcer says only where the keyboard went.
  const details = h("div", "nnw-diagram__details");
  details.hidden = true;
  const announce = h("div", "nnw-diagram__announce");
  announce.setAttribute("role", "status");
  announce.setAttribute("aria-live", "polite");
  stage.append(canvas, details, announce);

  const legend = h("div", "nnw-diagram__legend");
  const error = h("div", "nnw-diagram__error");
  root.append(toolbar, stage, legend, error);
  el.append(root);
  return {
    root, stage, canvas, details, announce, topK, allEdges, errorsMode, errorsReason, sharedScale,
    reset, status,
    legend, error,
  };
}

/** The legend: a row per kind of thing drawn (neurons, connections), its items apart. */
export function showLegend(dom: DiagramDom, legend: Legend): void {
  dom.legend.replaceChildren();
  for (const row of legend.rows) {
    const line = h("div", "nnw-diagram__legend-row");
    line.append(h("span", "nnw-diagram__legend-title", row.title));
    for (const item of row.items) {
      const el = h("span", "nnw-diagram__legend-item");
      if (item.kind === "scale") {
        const bar = h("span", "nnw-diagram__legend-bar");
        bar.style.background = gradientCss(item.scale);
        const label = h("span", "nnw-diagram__legend-label", item.label);
        el.append(label, h("span", "", item.lo), bar, h("span", "", item.hi));
      } else if (item.kind === "line") {
        const swatch = h("span", "nnw-diagram__legend-line");
        swatch.style.background = EDGE_COLOURS[item.sign];
        el.append(swatch, h("span", "", item.label));
      } else {
        el.classList.add("nnw-diagram__legend-note");
        el.textContent = item.text;
      }
      line.append(el);
    }
    dom.legend.append(line);
  }
  if (legend.note) dom.legend.append(h("div", "nnw-diagram__legend-foot", legend.note));
}

/** The errors switch and the reason beside it. */
export function showErrorsSwitch(dom: DiagramDom, state: ErrorsSwitch): void {
  dom.errorsMode.disabled = state.disabled;
  dom.errorsMode.checked = state.checked;
  dom.errorsMode.title = state.title;
  dom.errorsReason.textContent = state.reason;
  dom.errorsReason.hidden = !state.reason;
}
