// DigitCanvas's elements: the pad, the verdict and bars beside it, the toolbar, and the strip
// that shows the preprocessing. Built once per view; widget.ts wires them up.
import { createBars, paintBars, type Bars } from "./bars";
import { h } from "../lib/dom";
import { verdict } from "./verdict";

export interface CanvasDom {
  root: HTMLDivElement;
  pad: HTMLCanvasElement;
  hint: HTMLDivElement;
  verdictDigit: HTMLSpanElement;
  verdictConf: HTMLSpanElement;
  bars: Bars;
  error: HTMLDivElement;
  undoBtn: HTMLButtonElement;
  clearBtn: HTMLButtonElement;
  stepsBtn: HTMLButtonElement;
  /** your drawing, cropped, 20x20, 28x28 */
  stepCanvases: HTMLCanvasElement[];
}

const STEP_NAMES = ["your drawing", "cropped to the ink", "scaled to fit 20\u00d720", "centred in 28\u00d728"];

function button(text: string, title: string, extraClass = ""): HTMLButtonElement {
  const b = h("button", `nnw-canvas__button${extraClass}`, text);
  b.type = "button";
  if (title) b.title = title;
  return b;
}

/** Build the widget's elements into `el`. */
export function buildCanvasDom(el: HTMLElement): CanvasDom {
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
  const verdictDigit = h("span", "nnw-canvas__prediction", "\u2013");
  const verdictConf = h("span", "nnw-canvas__confidence", "");
  verdict.append(h("span", "nnw-canvas__verdict-label", "The network reads"), verdictDigit, verdictConf);
  const bars = createBars();
  const error = h("div", "nnw-canvas__error");
  side.append(verdict, bars.el, error);
  main.append(padWrap, side);

  const toolbar = h("div", "nnw-canvas__toolbar");
  const undoBtn = button("\u21b6 Undo", "Undo the last stroke (Ctrl+Z)");
  const clearBtn = button("Clear", "Clear the pad (Escape)");
  const stepsBtn = button("Show preprocessing", "", " nnw-canvas__toggle");
  toolbar.append(undoBtn, clearBtn, stepsBtn);

  const steps = h("div", "nnw-canvas__steps");
  const stepCanvases = STEP_NAMES.map((name, i) => {
    if (i > 0) steps.append(h("span", "nnw-canvas__arrow", "\u2192"));
    const fig = h("figure", "nnw-canvas__step");
    const c = h("canvas", "nnw-canvas__step-image");
    fig.append(c, h("figcaption", "", name));
    steps.append(fig);
    return c;
  });
  root.append(main, toolbar, steps);
  el.append(root);
  return { root, pad, hint, verdictDigit, verdictConf, bars, error, undoBtn, clearBtn, stepsBtn, stepCanvases };
}

export function stepsOpen(dom: CanvasDom): boolean {
  return dom.root.classList.contains("nnw-canvas--steps");
}

export function setStepsOpen(dom: CanvasDom, open: boolean): void {
  dom.root.classList.toggle("nnw-canvas--steps", open);
  dom.stepsBtn.setAttribute("aria-pressed", String(open));
  dom.stepsBtn.textContent = open ? "Hide preprocessing" : "Show preprocessing";
}

/**
 * The bars, the verdict in words ("92% sure", or "looks like a 7, or maybe a 1" when unsure), and
 * the root's data-prediction / data-probabilities / data-verdict (read by tests and scripts).
 */
export function showReading(dom: CanvasDom, p: ArrayLike<number> | null): void {
  const best = paintBars(dom.bars, p);
  const v = verdict(p);
  dom.verdictDigit.textContent = p ? String(best) : "\u2013";
  dom.verdictConf.textContent = v.words;
  dom.root.classList.toggle("nnw-canvas--unsure", v.kind === "unsure");
  dom.root.dataset.verdict = v.kind === "none" ? "" : v.kind;
  dom.root.dataset.prediction = p ? String(best) : "";
  dom.root.dataset.probabilities = p ? Array.from(p).join(",") : "";
}
