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
  /** Their captions. */
  stepCaptions: HTMLElement[];
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
  const stepCaptions: HTMLElement[] = [];
  // the crop and the 20x20 (and the arrows into them) are a drawing's only, hidden for a digit
  // from Python, which is read as given
  const drawnOnly = (i: number) => (i === 1 || i === 2 ? " nnw-canvas__step--drawn" : "");
  const stepCanvases = STEP_NAMES.map((name, i) => {
    if (i > 0) steps.append(h("span", `nnw-canvas__arrow${drawnOnly(i - 1)}`, "\u2192"));
    const fig = h("figure", `nnw-canvas__step${drawnOnly(i)}`);
    const c = h("canvas", "nnw-canvas__step-image");
    const caption = h("figcaption", "", name);
    stepCaptions.push(caption);
    fig.append(c, caption);
    steps.append(fig);
    return c;
  });
  steps.append(h("span", "nnw-canvas__given-note", GIVEN_NOTE));
  root.append(main, toolbar, steps);
  el.append(root);
  return {
    root, pad, hint, verdictDigit, verdictConf, bars, error, undoBtn, clearBtn, stepsBtn,
    stepCanvases, stepCaptions,
  };
}

const GIVEN_NOTE = "A digit from Python is already 28\u00d728: the network reads it as given, "
  + "with no cropping, scaling or centring (until you draw on it).";

/** Whether the strip shows a digit from Python read as given (root's data-given too). */
export function stepsAsGiven(dom: CanvasDom, given: boolean): void {
  if (dom.root.classList.contains("nnw-canvas--given") === given) return;
  dom.root.classList.toggle("nnw-canvas--given", given);
  dom.root.dataset.given = given ? "true" : "";
  dom.stepCaptions[0].textContent = given ? "from Python" : STEP_NAMES[0];
  dom.stepCaptions[3].textContent = given ? "28\u00d728, as given" : STEP_NAMES[3];
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
