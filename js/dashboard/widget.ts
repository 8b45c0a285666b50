// TrainingDashboard: live loss and accuracy curves (uPlot), progress and the controls that
// steer training. Wiring only; the pure parts are beside it: smoothing.ts (EMA over bucketed
// points), chartdata.ts (runs merged on one x axis), progress.ts (rate, elapsed, ETA),
// palette.ts (run colours), controls.ts (which buttons apply), legend.ts (line styles, the
// legend's values and rounding, the accuracy range, where change labels go).
// One legend serves the whole dashboard (runs by colour with their latest values, curves by
// line style); uPlot's per-chart legends stay in the DOM but hidden (styles.css): they keep
// the state of each series, which scripts and tests read. Python (src/nnwidgets/widgets/dashboard.py) sends at most a few
// updates a second, each replacing the `_live` curves; this view redraws once per frame, and
// only the parts on screen (onscreen.ts): the charts and panels catch up when scrolled back
// into view; the progress line and the legend's values also when training pauses or ends.
import uPlot from "uplot";
import { Cleanups } from "../lib/cleanup";
import { h } from "../lib/dom";
import { saveChanges, type HostModel } from "../lib/host";
import { decodeArray } from "../lib/wire";
import { TRAIN_STYLE, align, anyMonitored, type Points } from "./chartdata";
import { ACTIONS, enabledActions, readSetting, settingsEditable, type Action } from "./controls";
import {
  LINE_STYLES, accuracyRange, describeLatest, formatLoss, formatPercent, lastFinite, latestValues,
  placeLabels, valuesAt, type LineStyle,
} from "./legend";
import { runColor, withAlpha } from "./palette";
import { releasePanels, renderPanels, type PanelData } from "./panelview";
import { restoredMark, statusText, type RestoredMark, type RestoredWire } from "./restored";
import { renderResults, type ResultsData } from "./results";
import { chosenIndex, runOptions } from "./runselect";
import { describeProgress, fractionDone, type Progress } from "./progress";
import { OnScreen, watchOnScreen } from "./onscreen";
import { smooth } from "./smoothing";

type Wire = unknown; // {view: DataView, dtype, shape}, decoded by decodeArray

interface Curves {
  batch: { x: Wire; loss: Wire; accuracy: Wire; count: Wire };
  epoch: {
    x: Wire; loss: Wire; accuracy: Wire; val_loss: Wire; val_accuracy: Wire; learning_rate: Wire;
    // monitor_train (NaN without it; absent from kernels before it)
    train_loss?: Wire; train_accuracy?: Wire;
  };
  marks: { x: number; text: string }[];
  /** early stopping's restored epoch, once the run ended so (absent from older kernels) */
  restored?: RestoredWire | null;
}

interface RunState {
  label: string;
  settings: Record<string, unknown>;
  status: string;
  message: string;
  restored_epoch?: number | null;
  changes: number;
  curves: Curves | null;
}

interface DashModel {
  status: string;
  message: string;
  progress: Progress;
  learning_rate: number;
  momentum: number;
  l2: number;
  dropout: number;
  log_scale: boolean;
  _runs: RunState[];
  _live: (Curves & { run: number }) | null;
  _panels: PanelData | null;
  _results: ResultsData | null;
  panels_run: number | null;
  compare_run: number | null;
}

const SETTINGS = ["learning_rate", "momentum", "l2", "dropout"] as const;
type Setting = (typeof SETTINGS)[number];

interface Decoded {
  bx: Float32Array; loss: Float32Array; acc: Float32Array; count: Float32Array;
  ex: Float32Array; eloss: Float32Array; eacc: Float32Array; vloss: Float32Array; vacc: Float32Array;
  tloss: Float32Array; tacc: Float32Array;
  marks: { x: number; text: string }[];
  restored: RestoredMark | null;
}

function decodeCurves(c: Curves): Decoded {
  const d = (w: Wire) => decodeArray(w).data;
  const ex = d(c.epoch.x);
  const none = () => new Float32Array(ex.length).fill(NaN); // no monitor_train in this kernel
  const vloss = d(c.epoch.val_loss), vacc = d(c.epoch.val_accuracy);
  return {
    bx: d(c.batch.x), loss: d(c.batch.loss), acc: d(c.batch.accuracy), count: d(c.batch.count),
    ex, eloss: d(c.epoch.loss), eacc: d(c.epoch.accuracy),
    vloss, vacc, marks: c.marks, restored: restoredMark(c.restored, ex, vloss, vacc),
    tloss: c.epoch.train_loss ? d(c.epoch.train_loss) : none(),
    tacc: c.epoch.train_accuracy ? d(c.epoch.train_accuracy) : none(),
  };
}

/** Half-life of the smoothing in mini-batches: a tenth of an epoch, within [5, 200]. */
function halfLifeFor(settings: Record<string, unknown>): number {
  const n = Number(settings.n_train), b = Number(settings.batch_size);
  const perEpoch = n > 0 && b > 0 ? Math.ceil(n / b) : 100;
  return Math.min(200, Math.max(5, perEpoch / 10));
}

type Kind = "loss" | "accuracy";

/** A run's smoothed mini-batch loss and accuracy, computed once per drawing for the charts
 * and the legend alike. */
interface Smoothed { loss: Float64Array; acc: Float64Array }

function smoothRun(run: RunState, d: Decoded | null): Smoothed | null {
  if (!d) return null;
  const half = halfLifeFor(run.settings);
  return { loss: smooth(d.loss, d.count, half), acc: smooth(d.acc, d.count, half) };
}

/** The series of one chart: per run raw mini-batches (faint), smoothed, epoch mean, validation,
 * drawn in LINE_STYLES. `paper` is the page's background (the hollow markers' fill). */
function chartSeries(kind: Kind, runs: RunState[], data: (Decoded | null)[],
  smoothed: (Smoothed | null)[], hidden: Set<number>, live: number | null, paper: string) {
  const points: Points[] = [];
  const series: uPlot.Series[] = [{ label: "x", value: (_u, v) => (v == null ? "–" : v.toFixed(2)) }];
  const fmt = (_u: uPlot, v: number | null) => (v == null ? "–" : v.toPrecision(4));
  runs.forEach((run, i) => {
    const d = data[i] ?? null;
    const color = runColor(i);
    // Finished runs stay visible but step back while another trains; interleaved runs waiting
    // for their turn are training too, so they do not.
    const faded = isFaded(runs, i, live);
    const raw = d ? (kind === "loss" ? d.loss : d.acc) : new Float32Array();
    const bx = d ? d.bx : new Float32Array();
    const s = smoothed[i];
    const sm = s ? (kind === "loss" ? s.loss : s.acc) : new Float64Array();
    const ex = d ? d.ex : new Float32Array();
    points.push({ x: bx, y: raw }, { x: bx, y: sm },
      { x: ex, y: d ? (kind === "loss" ? d.eloss : d.eacc) : new Float32Array() },
      { x: ex, y: d ? (kind === "loss" ? d.vloss : d.vacc) : new Float32Array() });
    const show = !hidden.has(i);
    for (const style of LINE_STYLES) {
      series.push(styledSeries(`${run.label} · ${style.label}`, style, color, faded, show, paper, fmt));
    }
  });
  // The monitored training curves, when some run has one (monitor_train), come after every
  // run's four (valuesAt counts on that order).
  if (anyMonitored(runs)) runs.forEach((run, i) => {
    const d = data[i] ?? null;
    points.push({ x: d ? d.ex : new Float32Array(), y: d ? (kind === "loss" ? d.tloss : d.tacc) : new Float32Array() });
    series.push(styledSeries(`${run.label} · ${TRAIN_STYLE.label}`, TRAIN_STYLE, runColor(i),
      isFaded(runs, i, live), !hidden.has(i), paper, fmt));
  });
  return { points, series };
}

type AnyStyle = Omit<LineStyle, "key"> & { key: string };

function styledSeries(label: string, style: AnyStyle, color: string, faded: boolean, show: boolean,
  paper: string, value: (u: uPlot, v: number | null) => string): uPlot.Series {
  // A faded (finished) run steps back: fainter, and its smoothed line thinner.
  const alpha = faded ? (style.key === "batch" ? 0.1 : 0.55) : style.alpha;
  const width = faded && style.key === "smoothed" ? 1.5 : style.width;
  const stroke = withAlpha(color, alpha);
  const points: uPlot.Series.Points = style.marker === "none" ? { show: false }
    : { show: true, size: style.marker === "hollow" ? 6 : 5, fill: style.marker === "hollow" ? paper : stroke };
  return { label, stroke, width, show, spanGaps: true, points, value,
    ...(style.dash.length ? { dash: style.dash } : {}) };
}

/** A small picture of a line style, for the legend's key: `currentColor`, so it follows the theme. */
function styleSample(style: AnyStyle): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "10");
  svg.setAttribute("class", "nnw-dash__sample");
  svg.dataset.style = style.key;
  const line = document.createElementNS(ns, "line");
  for (const [k, v] of [["x1", "1"], ["y1", "5"], ["x2", "27"], ["y2", "5"]]) line.setAttribute(k, v);
  line.setAttribute("stroke", "currentColor");
  line.setAttribute("stroke-width", String(style.width));
  line.setAttribute("stroke-opacity", String(Math.max(style.alpha, 0.35)));
  if (style.dash.length) line.setAttribute("stroke-dasharray", style.dash.join(" "));
  svg.append(line);
  if (style.marker !== "none") {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", "14");
    dot.setAttribute("cy", "5");
    dot.setAttribute("r", "2.6");
    dot.setAttribute("stroke", "currentColor");
    dot.setAttribute("fill", style.marker === "hollow" ? "none" : "currentColor");
    svg.append(dot);
  }
  return svg;
}

type Theme = { ink: string; grid: string; paper: string };

/** `el.textContent = text`, unless it already says so. */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** `el[key] = value`, unless it already is (a property such as disabled, value, checked). */
function setIf<E extends HTMLElement, K extends keyof E>(el: E, key: K, value: E[K]): void {
  if (el[key] !== value) el[key] = value;
}

function isFaded(runs: RunState[], i: number, live: number | null): boolean {
  return live !== null && live !== i && runs[i].status !== "running" && runs[i].status !== "paused";
}

/** Room above the plotted area for the labels of live changes, in CSS pixels. */
const LABEL_BAND = 18;
const LABEL_FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";

/** A mark on the charts: a settings change, or early stopping's restored epoch (`restored`),
 * which also has a dot on the validation curve at `loss` or `accuracy`. */
interface ChartMark {
  x: number;
  text: string;
  color: string;
  restored?: { loss: number; accuracy: number };
}

/**
 * Settings changes (learning rate and friends): a dashed vertical line through the plot at
 * each, and its text ("learning_rate 0.05 -> 0.01") above the plotted area, in the band
 * LABEL_BAND keeps free, so it never covers a curve (accuracy near 1 runs along the top).
 * Early stopping's restored epoch: a denser dashed line, its label ("restored: epoch 20") and a
 * dot where it meets the run's validation curve.
 */
function marksPlugin(kind: Kind, getMarks: () => ChartMark[]): uPlot.Plugin {
  let layer: HTMLElement | null = null;
  return {
    hooks: {
      init: (u: uPlot) => {
        layer = h("div", "nnw-dash__marks");
        u.root.querySelector(".u-wrap")?.append(layer);
      },
      draw: (u: uPlot) => {
        const ctx = u.ctx;
        const { top, height } = u.bbox;
        const dpr = uPlot.pxRatio;
        const shown: ChartMark[] = [];
        ctx.save();
        const width = ctx.lineWidth; // the settings changes' lines, as before
        for (const m of getMarks()) {
          const x = u.valToPos(m.x, "x", true);
          if (!Number.isFinite(x) || x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
          ctx.strokeStyle = m.color;
          ctx.lineWidth = m.restored ? 1.5 * dpr : width;
          ctx.setLineDash(m.restored ? [2 * dpr, 2 * dpr] : [4 * dpr, 3 * dpr]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          const y = m.restored ? m.restored[kind] : NaN;
          const py = Number.isFinite(y) ? u.valToPos(y, "y", true) : NaN;
          if (Number.isFinite(py) && py >= top - 1 && py <= top + height + 1) {
            ctx.setLineDash([]);
            ctx.fillStyle = m.color;
            ctx.beginPath();
            ctx.arc(x, py, 4.5 * dpr, 0, 2 * Math.PI);
            ctx.fill();
          }
          shown.push({ ...m, x: x / dpr });
        }
        ctx.font = LABEL_FONT;
        const widths = shown.map((m) => ctx.measureText(m.text).width + 2);
        ctx.restore();
        if (!layer) return;
        const lefts = placeLabels(shown.map((m, i) => ({ x: m.x, width: widths[i] })), u.width);
        const labels = shown.map((m, i) => {
          const label = h("span", "nnw-dash__mark" + (m.restored ? " nnw-dash__mark--restored" : ""), m.text);
          label.style.color = m.color;
          label.style.left = `${lefts[i]}px`;
          label.style.top = `${Math.max(0, top / dpr - LABEL_BAND + 1)}px`;
          return label;
        });
        layer.replaceChildren(...labels);
      },
    },
  };
}

export default {
  render({ model, el }: { model: HostModel<DashModel> & { send?: (c: unknown) => void }; el: HTMLElement }) {
    const cleanups = new Cleanups();
    const canSend = typeof model.send === "function";
    // Once the kernel that made this dashboard is gone (restarted, shut down), nothing can
    // reach its Python object: the page says so and greys out every control, rather than
    // show "running" with buttons that do nothing.
    let gone = false;
    const send = (content: Record<string, unknown>) => {
      try {
        model.send!(content);
      } catch (e) {
        disconnected(e);
      }
    };

    const root = h("div", "nnw-dash");
    const controls = h("div", "nnw-dash__controls");
    const buttons = new Map<Action, HTMLButtonElement>();
    for (const a of ACTIONS) {
      const b = h("button", `nnw-dash__btn nnw-dash__btn--${a}`, a[0].toUpperCase() + a.slice(1));
      b.type = "button";
      b.dataset.action = a;
      b.disabled = true;
      cleanups.listen(b, "click", () => send({ action: a }));
      buttons.set(a, b);
      controls.append(b);
    }
    const inputs = new Map<Setting, HTMLInputElement>();
    const fields = h("div", "nnw-dash__fields");
    for (const name of SETTINGS) {
      const label = h("label", "nnw-dash__field");
      const input = h("input", `nnw-dash__input nnw-dash__input--${name}`);
      input.type = "number";
      input.step = "any";
      input.min = "0";
      input.disabled = !canSend;
      label.append(h("span", "", name.replace("_", " ")), input);
      // Committed by Enter as well as by leaving the box (a number box's change event comes
      // only on leaving); once per edit. Left, the box shows the setting in effect again: a
      // refused value stays only in the message that says why.
      let committed = false;
      const commit = () => {
        if (committed) return;
        committed = true;
        const read = readSetting(name, input.value, input.validity.badInput);
        if ("error" in read) {
          message.textContent = read.error;
          return;
        }
        // Python's answer replaces what this page said last (the same refusal twice is
        // still shown: it is already the model's message).
        setText(message, model.get("message"));
        send({ action: "set", name, value: read.value }); // Python checks the range
      };
      cleanups.listen(input, "input", () => {
        committed = false;
      });
      cleanups.listen(input, "keydown", (e: Event) => {
        if ((e as KeyboardEvent).key === "Enter") commit();
      });
      cleanups.listen(input, "change", commit);
      cleanups.listen(input, "blur", () => {
        committed = false;
        setIf(input, "value", String(model.get(name)));
      });
      inputs.set(name, input);
      fields.append(label);
    }
    const logLabel = h("label", "nnw-dash__field nnw-dash__log");
    const logBox = h("input", "nnw-dash__logbox");
    logBox.type = "checkbox";
    logLabel.append(logBox, h("span", "", "log loss"));
    cleanups.listen(logBox, "change", () => {
      model.set("log_scale", logBox.checked);
      saveChanges(model);
      schedule(true);
    });
    fields.append(logLabel);

    const progressBar = h("div", "nnw-dash__bar");
    const progressFill = h("div", "nnw-dash__fill");
    progressBar.append(progressFill);
    const progressText = h("div", "nnw-dash__progress");
    const statusLine = h("div", "nnw-dash__statusline");
    const statusBadge = h("span", "nnw-dash__status");
    const message = h("span", "nnw-dash__message");
    statusLine.append(statusBadge, message);
    if (!canSend) {
      // An exported page (no kernel): say why every control is greyed out, once, beside them.
      const why = "recorded training: this page has no kernel, so the controls are off";
      statusLine.append(h("span", "nnw-dash__recorded", why));
      for (const box of [controls, fields]) box.title = why;
    }
    const legend = h("div", "nnw-dash__legend");
    const charts = h("div", "nnw-dash__charts");
    const lossBox = h("div", "nnw-dash__chart nnw-dash__chart--loss");
    const accBox = h("div", "nnw-dash__chart nnw-dash__chart--accuracy");
    charts.append(lossBox, accBox);
    const panels = h("div", "nnw-dash__panels");
    const results = h("div", "nnw-dash__results");
    // Which run the panels show, and whose first-layer weights go beside its own: set in Python
    // (panels_run, compare_run), which recomputes the panels. Without a kernel (an exported
    // page) they show the choice but cannot change it.
    const choice = h("div", "nnw-dash__fields nnw-dash__panelchoice");
    const selectors = (["panels_run", "compare_run"] as const).map((name) => {
      const label = h("label", "nnw-dash__field");
      const select = h("select", `nnw-dash__select nnw-dash__select--${name === "panels_run" ? "run" : "compare"}`);
      select.disabled = !canSend;
      if (!canSend) select.title = "recorded training: this page has no kernel to recompute the panels";
      label.append(h("span", "", name === "panels_run" ? "panels of" : "first-layer weights beside"), select);
      choice.append(label);
      cleanups.listen(select, "change", () => {
        model.set(name, chosenIndex(select.value));
        saveChanges(model); // Python checks the index, recomputes the panels and sends them
      });
      return { name, select, none: name === "panels_run" ? "the run training now (or last)" : "no other run" };
    });
    let choiceKey = "";
    function updateChoice() {
      const labels = (model.get("_runs") ?? []).map((r) => r.label);
      const key = JSON.stringify([labels, model.get("panels_run"), model.get("compare_run")]);
      if (key === choiceKey) return;
      choiceKey = key;
      for (const { name, select, none } of selectors) {
        select.replaceChildren(...runOptions(labels, model.get(name), none).map((o) => {
          const option = h("option", "", o.text);
          option.value = o.value;
          option.selected = o.selected;
          return option;
        }));
      }
      choice.dataset.run = String(model.get("panels_run") ?? "");
      choice.hidden = labels.length < 2; // one run: nothing to choose
    }
    root.append(controls, fields, progressBar, progressText, statusLine, legend, charts, results, choice, panels);
    el.replaceChildren(root);

    const hidden = new Set<number>();
    let plots: { loss: uPlot; accuracy: uPlot } | null = null;
    let structure = "";
    let marks: ChartMark[] = [];
    let frame = 0;
    let rebuild = false;
    // The charts redraw only while on screen (onscreen.ts); scrolled back, they catch up. So
    // do the legend's values (several updates a second) while a run trains; anything else
    // (a run starting or ending, a pause) is written wherever the legend is.
    const chartsOnScreen = new OnScreen();
    cleanups.add(watchOnScreen([legend, charts], chartsOnScreen, () => schedule()));

    // The charts' width, read when it changes (ResizeObserver below) rather than on every draw:
    // reading clientWidth after the progress text changed would force a layout per update.
    let chartsWidth = 0;
    const width = () => Math.max(280, Math.floor(chartsWidth || charts.clientWidth || 720));

    function runData(): { runs: RunState[]; data: (Decoded | null)[]; live: number | null } {
      const runs = model.get("_runs") ?? [];
      const live = model.get("_live");
      const data = runs.map((r, i) => {
        const c = live && live.run === i ? live : r.curves;
        try {
          return c ? decodeCurves(c) : null;
        } catch (e) {
          message.textContent = `could not read run ${i + 1}'s curves: ${e}`;
          return null;
        }
      });
      return { runs, data, live: live ? live.run : null };
    }

    function draw() {
      frame = 0;
      const { runs, data, live } = runData();
      const log = !!model.get("log_scale");
      const faded = runs.map((_r, i) => isFaded(runs, i, live));
      const theme = themeColors();
      const key = JSON.stringify([runs.map((r) => r.label), [...hidden], log, faded, width(), theme,
        anyMonitored(runs)]);
      const rebuildNow = !plots || rebuild || key !== structure;
      // Off screen, the curves wait (chartsOnScreen catches them up when they come into view);
      // a new structure is built anyway, so uPlot's series and legend are always current.
      const due = chartsOnScreen.due();
      const values = due || model.get("status") !== "running";
      const smoothed = due || rebuildNow || values
        ? runs.map((run, i) => smoothRun(run, data[i])) : [];
      if (due || rebuildNow) drawCharts(runs, data, smoothed, live, log, theme, key);
      drawLegend(runs, data, smoothed, values);
    }

    function drawCharts(runs: RunState[], data: (Decoded | null)[], smoothed: (Smoothed | null)[],
      live: number | null, log: boolean, theme: Theme, key: string) {
      marks = [];
      data.forEach((d, i) => {
        if (!d || hidden.has(i)) return;
        for (const m of d.marks) marks.push({ ...m, color: runColor(i) });
        const r = d.restored;
        if (r) marks.push({ x: r.x, text: r.text, color: runColor(i), restored: { loss: r.loss, accuracy: r.accuracy } });
      });
      const built = (["loss", "accuracy"] as Kind[]).map((kind) => {
        const { points, series } =
          chartSeries(kind, runs, data, smoothed, hidden, live, theme.paper);
        return { kind, series, data: align(points, kind === "loss" && log) };
      });
      if (!plots || rebuild || key !== structure) {
        plots?.loss.destroy();
        plots?.accuracy.destroy();
        const make = (kind: Kind, series: uPlot.Series[], d: (number | null)[][], box: HTMLElement) =>
          new uPlot({
            width: width(),
            height: 220,
            title: kind === "loss" ? (log ? "loss (log scale)" : "loss") : "accuracy",
            // Top: the band for change labels; the rest as uPlot chooses.
            padding: [LABEL_BAND, 12, 0, 0],
            scales: {
              x: { time: false },
              y: kind === "loss" && log ? { distr: 3 }
                : kind === "accuracy" ? { range: (_u, lo, hi) => accuracyRange(lo, hi) } : {},
            },
            // Axes in the theme's ink, so the charts read in JupyterLab's dark theme too. The x
            // label is the axis's unit; no series is named "epoch".
            axes: [
              { label: "epoch", stroke: theme.ink, grid: { stroke: theme.grid }, ticks: { stroke: theme.grid },
                incrs: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000] },
              { stroke: theme.ink, grid: { stroke: theme.grid }, ticks: { stroke: theme.grid },
                ...(kind === "accuracy" ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => `${Math.round(t * 100)}%`) } : {}) },
            ],
            series,
            // Hidden (styles.css): the dashboard's own legend above the charts is what people see.
            legend: { live: false },
            // The two charts share a cursor; where it is, the legend shows each run's values.
            cursor: { drag: { x: true, y: false }, sync: { key: syncKey } },
            hooks: { setCursor: [(u: uPlot) => showValuesAt(u.cursor.idx ?? null)] },
            plugins: [marksPlugin(kind, () => marks)],
          }, d as uPlot.AlignedData, box);
        plots = {
          loss: make("loss", built[0].series, built[0].data, lossBox),
          accuracy: make("accuracy", built[1].series, built[1].data, accBox),
        };
        structure = key;
        rebuild = false;
      } else {
        plots.loss.setData(built[0].data as uPlot.AlignedData);
        plots.accuracy.setData(built[1].data as uPlot.AlignedData);
      }
    }

    // One legend for both charts: a chip per run (its colour, label, status and latest values;
    // a click hides or shows it) and a key to the four line styles. The chips are rebuilt only
    // when a run starts, ends or is hidden: rebuilding buttons on every update (several a
    // second) would restyle and repaint them for nothing; the values are text, set each draw.
    let legendKey = "";
    let valueSpans: HTMLElement[] = [];
    const syncKey = `nnw-dash-${Math.random().toString(36).slice(2)}`; // this view's two charts
    let cursorIdx: number | null = null;
    let shown: { runs: RunState[]; data: (Decoded | null)[]; smoothed: (Smoothed | null)[] } = {
      runs: [], data: [], smoothed: [],
    };
    const cursorNote = h("span", "nnw-dash__cursor");
    const runChips = h("div", "nnw-dash__runs");
    const styleKey = h("div", "nnw-dash__key");
    for (const style of LINE_STYLES) {
      const item = h("span", "nnw-dash__keyitem");
      item.title = style.title;
      item.dataset.style = style.key;
      item.append(styleSample(style), h("span", "", style.label));
      styleKey.append(item);
    }
    // The monitored training curve's key: in the key only while some run has one
    // (monitor_train); added and removed, since the key items' CSS display overrides `hidden`.
    const trainKey = h("span", "nnw-dash__keyitem");
    trainKey.title = TRAIN_STYLE.title;
    trainKey.dataset.style = TRAIN_STYLE.key;
    trainKey.append(styleSample(TRAIN_STYLE), h("span", "", TRAIN_STYLE.label));
    styleKey.append(cursorNote);
    legend.append(runChips, styleKey);

    // Values beside each run: the latest, or those at the cursor while it is over a chart.
    function showValuesAt(idx: number | null) {
      cursorIdx = idx;
      writeValues();
    }
    function writeValues() {
      const { runs, data, smoothed } = shown;
      const at = cursorIdx !== null && plots ? cursorIdx : null;
      const x = at !== null && plots ? plots.loss.data[0][at] : null;
      cursorNote.textContent = x != null ? `values at epoch ${x.toFixed(2)}` : "";
      runs.forEach((run, i) => {
        const d = data[i];
        let text = "";
        if (at !== null && plots && !hidden.has(i)) {
          text = describeLatest(valuesAt(plots.loss.data, plots.accuracy.data, i, at));
        } else if (d) {
          const s = smoothed[i] ?? smoothRun(run, d)!;
          text = describeLatest(latestValues({
            smoothLoss: s.loss, smoothAcc: s.acc, vloss: d.vloss, vacc: d.vacc,
          }));
          const tl = lastFinite(d.tloss), ta = lastFinite(d.tacc);
          if (tl !== null || ta !== null) text += ` · training set ${formatLoss(tl)} · ${formatPercent(ta)}`;
        }
        if (valueSpans[i] && valueSpans[i].textContent !== text) valueSpans[i].textContent = text;
      });
    }
    function drawLegend(runs: RunState[], data: (Decoded | null)[], smoothed: (Smoothed | null)[],
      values: boolean) {
      const key = JSON.stringify([runs.map((r) => [r.label, r.status, r.message, r.restored_epoch]), [...hidden]]);
      const rebuilt = key !== legendKey;
      if (rebuilt) {
        legendKey = key;
        valueSpans = [];
        runChips.replaceChildren(...runs.map((run, i) => {
          const chip = h("button", "nnw-dash__run" + (hidden.has(i) ? " nnw-dash__run--hidden" : ""));
          chip.type = "button";
          chip.title = `${run.status}${run.message ? `: ${run.message}` : ""} (click to ${hidden.has(i) ? "show" : "hide"})`;
          const swatch = h("span", "nnw-dash__swatch");
          swatch.style.background = runColor(i);
          const values = h("span", "nnw-dash__runvalues");
          valueSpans.push(values);
          chip.append(swatch, h("span", "nnw-dash__runlabel", run.label), h("span", "nnw-dash__runstatus", statusText(run.status, run.restored_epoch)),
            values);
          chip.onclick = () => {
            if (hidden.has(i)) hidden.delete(i);
            else hidden.add(i);
            schedule(true);
          };
          return chip;
        }));
      }
      shown = { runs, data, smoothed };
      if (anyMonitored(runs) !== trainKey.isConnected) {
        if (trainKey.isConnected) trainKey.remove();
        else styleKey.insertBefore(trainKey, cursorNote);
      }
      if (values || rebuilt) writeValues();
    }

    // The page's text and background colours (JupyterLab's light or dark theme, or a plain
    // page), read from the dashboard's computed style, for what uPlot paints on its canvas.
    // Read once per theme (themeWatch below forgets them), not on every drawing: after the
    // progress text changed, getComputedStyle recalculates the page's style first. Kept only
    // once the dashboard's stylesheet answers (its variables set), in case it loads late.
    let theme: Theme | null = null;
    function themeColors(): Theme {
      if (theme) return theme;
      const style = getComputedStyle(root);
      const ink = style.color || "#1c1c38";
      const paperVar = style.getPropertyValue("--nnw-dash-paper").trim();
      const paper = paperVar || "#fff";
      const grid = style.getPropertyValue("--nnw-dash-grid").trim() || "rgba(0, 0, 0, 0.08)";
      const read = { ink, grid, paper };
      if (paperVar && root.isConnected) theme = read;
      return read;
    }

    function schedule(structural = false) {
      rebuild = rebuild || structural;
      if (!frame) frame = requestAnimationFrame(draw);
    }

    // Each write below happens only when the value changed: a write of the same value still
    // marks the element's style or layout for recalculation in the next frame.
    function updateControls() {
      if (gone) return; // what the page last heard stays, greyed out
      const status = model.get("status");
      const pending = (model.get("_runs") ?? []).filter((r) => r.status === "pending").length;
      const on = enabledActions(status, pending);
      for (const [a, b] of buttons) setIf(b, "disabled", !canSend || !on.has(a));
      setText(statusBadge, status);
      if (statusBadge.dataset.status !== status) statusBadge.dataset.status = status;
      if (root.dataset.status !== status) root.dataset.status = status;
      setText(message, model.get("message"));
      const editable = canSend && settingsEditable(status, pending);
      for (const [name, input] of inputs) {
        setIf(input, "disabled", !editable);
        if (document.activeElement !== input) setIf(input, "value", String(model.get(name)));
      }
      setIf(logBox, "checked", !!model.get("log_scale"));
    }

    // The progress line, like the legend's values, waits off screen while a run trains.
    const progressOnScreen = new OnScreen();
    cleanups.add(watchOnScreen([progressBar, progressText, statusLine], progressOnScreen,
      () => updateProgress()));
    let fill = "";
    function updateProgress() {
      if (model.get("status") === "running" && !progressOnScreen.due()) return;
      const p = model.get("progress");
      setText(progressText, describeProgress(p).join(" · "));
      const transform = `scaleX(${fractionDone(p).toFixed(4)})`;
      if (transform !== fill) progressFill.style.transform = fill = transform;
    }

    cleanups.on(model, "change:_live", () => {
      // Off screen while a run trains, new curves change nothing on the page (drawn, the legend
      // would skip its values and the charts their curves): no frame is asked for. The charts
      // and the legend catch up when they come into view or training pauses or ends.
      if (!chartsOnScreen.shown && model.get("status") === "running") chartsOnScreen.due();
      else schedule();
    });
    cleanups.on(model, "change:_runs", () => {
      schedule();
      updateControls();
      updateChoice();
    });
    cleanups.on(model, "change:panels_run", updateChoice);
    cleanups.on(model, "change:compare_run", updateChoice);
    cleanups.on(model, "change:log_scale", () => {
      updateControls();
      schedule(true);
    });
    for (const name of ["status", "message", ...SETTINGS]) cleanups.on(model, `change:${name}`, updateControls);
    cleanups.on(model, "change:progress", updateProgress);
    // Training paused or ended: what waited off screen is written now.
    cleanups.on(model, "change:status", () => {
      if (progressOnScreen.stale) updateProgress();
      if (chartsOnScreen.stale) schedule();
    });
    // The panels, like the charts, are drawn only while on screen; they catch up (with the
    // latest panels) when scrolled back into view.
    const panelsOnScreen = new OnScreen();
    const drawPanels = () => {
      try {
        renderPanels(panels, model.get("_panels"));
      } catch (e) {
        panels.replaceChildren(h("div", "nnw-dash__panelnote", `could not draw the panels: ${e}`));
      }
    };
    const updatePanels = () => {
      if (panelsOnScreen.due()) drawPanels();
    };
    cleanups.add(watchOnScreen(panels, panelsOnScreen, updatePanels));
    cleanups.add(() => releasePanels(panels));
    cleanups.on(model, "change:_panels", updatePanels);
    const updateResults = () => {
      try {
        renderResults(results, model.get("_results") ?? null);
      } catch (e) {
        results.replaceChildren(h("div", "nnw-dash__panelnote", `could not draw the results: ${e}`));
      }
    };
    cleanups.on(model, "change:_results", updateResults);

    const resize = new ResizeObserver((entries) => {
      chartsWidth = entries[entries.length - 1].contentRect.width;
      if (plots && plots.loss.width !== width()) schedule(true);
    });
    resize.observe(charts);
    cleanups.add(() => resize.disconnect());
    // JupyterLab switches themes by an attribute on <body>: redraw the charts' canvas in the
    // new theme's colours (the HTML around them follows by itself, through CSS variables).
    const themeWatch = new MutationObserver(() => {
      theme = null;
      schedule(true);
    });
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name"] });
    cleanups.add(() => themeWatch.disconnect());
    cleanups.add(() => {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      plots?.loss.destroy();
      plots?.accuracy.destroy();
      plots = null;
    });

    function disconnected(e: unknown) {
      if (!gone) console.warn("TrainingDashboard: the kernel is unreachable:", e);
      gone = true;
      for (const c of [...buttons.values(), ...inputs.values(), logBox, ...selectors.map((s) => s.select)]) {
        c.disabled = true;
      }
      setText(statusBadge, "disconnected");
      statusBadge.dataset.status = root.dataset.status = "disconnected";
      setText(message, "the kernel restarted or stopped, so this dashboard's Python object is gone "
        + "and training with it: run the cell that made the dashboard again");
    }
    // JupyterLab marks a widget's connection dead when its kernel restarts or the connection
    // drops; a reconnected kernel takes messages again. A no-op message tells which.
    if (canSend) cleanups.on(model, "comm_live_update", () => send({ action: "ping" }));

    updateControls();
    updateProgress();
    updatePanels();
    updateResults();
    updateChoice();
    draw();
    return () => {
      cleanups.run();
      el.replaceChildren();
    };
  },
};
