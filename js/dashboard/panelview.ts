// The insight panels in the page: confusion matrix (click a cell for its digits), the gallery
// of mistakes, first-layer weights as images, and per-layer histograms with the neurons'
// health in words. Python computes everything once per epoch (dashboard_panels.py); this
// draws it. Pure parts (colours, bar geometry, weight images) are in panels.ts.
import { h } from "../lib/dom";
import { decodeArray, type NDArray } from "../lib/wire";
import { devicePixels, grayToRgba } from "../lib/paint";
import { formatPercent } from "./legend";
import {
  beyondBands, bmpDataUrl, bytesKey, cellTitle, confusionCells, decadeRange, histogramBars,
  layerColor, RecentMap, short, speedLines, weightImage, zeroAt,
} from "./panels";
import { runColor } from "./palette";
import { eceLine, formatEce, reliabilityBars } from "./calibration";
import { morphChildren } from "./morph";

type Wire = unknown;

interface Histogram { counts: Wire; lo: number; hi: number; n: number }

export interface PanelData {
  epoch: number;
  run: string;
  n: number;
  classes: number;
  accuracy: number;
  confusion: Wire;
  images: Wire | null;
  cells: { true: number; pred: number; images: number[] }[];
  gallery: { image: number; true: number; pred: number; p: number }[];
  wrong: number;
  neurons: number[];
  first_weights: Wire | null;
  layers: {
    name: string; weights: Histogram; gradients: Histogram; activations: Histogram;
    unhealthy: number | null; units: number; health: string;
    /** The weighted inputs z on the sample, the share with |z| > 4, and that in words. */
    z?: Histogram; z_share?: number; z_words?: string;
  }[];
  /** With TrainingDashboard(layer_speed=n): each run's speeds of learning per hidden layer. */
  layer_speed?: LayerSpeedRun[];
  /** The index of the run these panels show (dash.runs[index]). */
  index?: number | null;
  /** The share of first-layer weights with |w| < 0.01, and that in words (28x28 inputs). */
  small_share?: number;
  small_words?: string;
  /** With TrainingDashboard(calibration=True): the reliability diagram and ECE per epoch. */
  calibration?: CalibrationData;
  /** dash.compare_weights(i, j): run j's first-layer weights, drawn beside these. */
  compare?: CompareData | null;
}

export interface CalibrationData {
  /** null when the outputs are not probabilities; `words` then says why. */
  ece: number | null;
  words: string;
  mce?: number;
  mean_confidence?: number;
  accuracy?: number;
  n?: number;
  /** Per confidence bin (15): examples, accuracy and mean confidence (NaN when empty). */
  counts?: Wire;
  bin_accuracy?: Wire;
  bin_confidence?: Wire;
  /** The ECE after each epoch measured so far (0 = before training). */
  epochs?: Wire;
  eces?: Wire;
}

export interface CompareData {
  index: number;
  run: string;
  neurons: number[];
  first_weights: Wire;
  small_share: number;
  small_words: string;
}

export interface LayerSpeedRun {
  index: number;
  run: string;
  layers: number;
  /** Epochs, (k,). */
  progress: Wire;
  /** ||dC/db^l|| per record and hidden layer, (k, layers). */
  speeds: Wire;
}

const SIDE = 28;

// The thumbnails (digits, first-layer weights) are images (BMP data URLs, panels.ts), not a
// canvas each: the page hands every canvas's bitmap to the compositor on each frame it draws
// (five a second while the charts update), and the panels' 50 thumbnails made that a third of
// each frame's work on the main thread.
// Encoded thumbnails by their pixels: a digit shown again (the gallery's mistakes and the
// confusion cells' digits change little from one epoch to the next) is not encoded again.
// Kept per panels element (a dashboard's view), with the spare canvases below, so they go
// when the view goes; `kept` is the one renderPanels is building for.
interface Kept {
  generation: number; // the latest panels asked for: an older set still decoding is dropped
  encoded: RecentMap<string, string>;
  spare: Map<string, HTMLCanvasElement[]>;
}
const keptFor = new WeakMap<HTMLElement, Kept>();
const newKept = (): Kept => ({ generation: 0, encoded: new RecentMap(256), spare: new Map() });
let kept = newKept();

/** A SIDE x SIDE image of `rgba` (SIDE * SIDE * 4 bytes) as an <img> of `className`. */
function thumbnail(rgba: Uint8ClampedArray, className: string): HTMLImageElement {
  const img = h("img", className);
  img.width = img.height = SIDE;
  const key = bytesKey(rgba);
  let url = kept.encoded.get(key);
  if (url === undefined) kept.encoded.set(key, (url = bmpDataUrl(rgba, SIDE, SIDE)));
  img.src = url;
  return img;
}

/**
 * A canvas of `className` whose backing store has the size styles.css gives it (`css`, which
 * must match it) times devicePixelRatio, so it can be drawn at once, before it is inserted.
 * (Drawn in a later frame after reading its laid-out size, each canvas's resize made the next
 * one's read lay the page out again: a layout per canvas each time the panels arrived.)
 */
function sizedCanvas(className: string, css: { width: number; height: number }): HTMLCanvasElement {
  const width = devicePixels(css.width, window.devicePixelRatio);
  const height = devicePixels(css.height, window.devicePixelRatio);
  const spare = kept.spare.get(`${className} ${width}x${height}`)?.pop();
  if (spare) {
    type Resettable = CanvasRenderingContext2D & { reset?: () => void };
    const ctx = spare.getContext("2d") as Resettable | null;
    if (ctx && typeof ctx.reset === "function") ctx.reset(); // pixels and state (line dash...)
    else ctx?.clearRect(0, 0, width, height);
    return spare;
  }
  const canvas = h("canvas", className);
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

// Canvases of a built tree whose pixels went into the page's own (morph.ts), by class and size:
// the next panels draw into them instead of making (and sizing) new ones.
function recycle(spare: Kept["spare"], canvas: HTMLCanvasElement): void {
  canvas.remove(); // out of its built tree, which would otherwise live on with it
  const key = `${canvas.className} ${canvas.width}x${canvas.height}`;
  const list = spare.get(key) ?? [];
  if (list.length < 8) list.push(canvas);
  spare.set(key, list);
}

/** Draw into `canvas` now (nothing, where the host gives no 2D context). */
function paintCanvas(canvas: HTMLCanvasElement,
  draw: (ctx: CanvasRenderingContext2D) => void): void {
  const ctx = canvas.getContext("2d");
  if (ctx) draw(ctx);
}

function digitImage(pool: NDArray, index: number, className: string): HTMLImageElement {
  const px = pool.data.subarray(index * SIDE * SIDE, (index + 1) * SIDE * SIDE);
  const rgba = new Uint8ClampedArray(SIDE * SIDE * 4);
  grayToRgba(px.map((v) => v / 255), SIDE * SIDE, rgba); // uint8 arrives as 0..255
  const img = thumbnail(rgba, className);
  img.alt = "a digit";
  return img;
}

/** Beyond this |z| a sigmoid's slope is below 0.018 (panels.py's Z_LIMIT). */
const Z_LIMIT = 4;

function histogramCanvas(title: string, hist: Histogram, band = 0): HTMLElement {
  const box = h("figure", "nnw-dash__hist");
  // The z histograms have their own class: "nnw-dash__histcanvas" counts the three per layer.
  const size = band ? { width: 300, height: 48 } : { width: 150, height: 48 };
  const canvas = sizedCanvas(band ? "nnw-dash__zcanvas" : "nnw-dash__histcanvas", size);
  const caption = h("figcaption", "");
  caption.append(h("span", "nnw-dash__histname", title), `${short(hist.lo)} … ${short(hist.hi)}`);
  box.append(canvas, caption);
  box.dataset.kind = title;
  paintCanvas(canvas, (ctx) => {
    const counts = decodeArray(hist.counts).data;
    if (band) {
      ctx.fillStyle = "rgba(224, 70, 70, 0.18)"; // where the neurons barely learn
      for (const [a, b] of beyondBands(hist.lo, hist.hi, band)) {
        const w = Math.max(1, Math.round((b - a) * canvas.width));
        ctx.fillRect(Math.round(a * canvas.width), 0, w, canvas.height);
      }
    }
    ctx.fillStyle = "#2f6fdf";
    for (const b of histogramBars(counts, canvas.width, canvas.height)) ctx.fillRect(b.x, b.y, Math.max(1, b.width - 1), b.height);
    const z = zeroAt(hist.lo, hist.hi);
    if (z !== null) {
      ctx.fillStyle = "#aa241e";
      ctx.fillRect(Math.round(z * canvas.width), 0, 1, canvas.height);
    }
  });
  return box;
}

/**
 * The speed-of-learning panel: one small chart per run, side by side, each with one line per
 * hidden layer on a log scale shared by every run (so heights compare across runs), x in
 * epochs, also shared. Each chart's last speeds are written in its caption and data attributes.
 */
function layerSpeedPanel(runs: LayerSpeedRun[]): HTMLElement {
  const sec = h("section", "nnw-dash__panel nnw-dash__layerspeed");
  sec.append(h("h4", "",
    "speed of learning: \u2016\u2202C/\u2202b\u02e1\u2016 per hidden layer "
    + "(log scale; mean cost over the probe)"));
  const decoded = runs.map((r) => ({
    r, progress: decodeArray(r.progress).data, speeds: decodeArray(r.speeds).data,
  }));
  const range = decadeRange(decoded.flatMap((d) => Array.from(d.speeds)));
  const xMax = Math.max(1, ...decoded.flatMap((d) => Array.from(d.progress)));
  const maxLayers = Math.max(0, ...runs.map((r) => r.layers));
  const key = h("div", "nnw-dash__layerkey");
  for (let l = 0; l < maxLayers; l++) {
    const item = h("span", "nnw-dash__layerkeyitem", `hidden ${l + 1}`);
    item.style.borderColor = layerColor(l);
    key.append(item);
  }
  sec.append(key);
  const row = h("div", "nnw-dash__speedcharts");
  sec.dataset.runs = String(runs.length);
  sec.dataset.range = range.join(",");
  for (const { r, progress, speeds } of decoded) {
    const fig = h("figure", "nnw-dash__speedchart");
    const canvas = sizedCanvas("nnw-dash__speedcanvas", { width: 220, height: 120 });
    const k = progress.length;
    const last = k ? Array.from(speeds.subarray((k - 1) * r.layers, k * r.layers)) : [];
    const caption = h("figcaption", "");
    const name = h("span", "nnw-dash__speedrun", r.run || `run ${r.index + 1}`);
    name.style.color = runColor(r.index);
    const ratio = last.length > 1 && last[0] > 0 ? last[last.length - 1] / last[0] : NaN;
    const at = k ? `epoch ${short(progress[k - 1])}` : "no record yet";
    caption.append(name, ` · ${at}: ${last.map(short).join(", ")}`
      + (Number.isFinite(ratio) ? ` · last/first ${short(ratio)}` : ""));
    fig.append(canvas, caption);
    fig.dataset.run = String(r.index);
    fig.dataset.records = String(k);
    fig.dataset.speeds = last.join(",");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${r.run}: speed of learning per hidden layer, ${at}: `
      + last.map((s, l) => `hidden ${l + 1} ${short(s)}`).join(", "));
    paintCanvas(canvas, (ctx) => {
      const { width, height } = canvas;
      // A faint line at each decade, so a factor of ten reads as one step.
      ctx.fillStyle = "rgba(128, 128, 128, 0.25)";
      const decades = Math.round(Math.log10(range[1] / range[0]));
      for (let d = 0; d <= decades; d++) {
        ctx.fillRect(0, Math.round((d / decades) * (height - 1)), width, 1);
      }
      ctx.lineWidth = Math.max(1.5, width / 150);
      speedLines(progress, speeds, r.layers, width, height, xMax, range).forEach((segments, l) => {
        ctx.strokeStyle = ctx.fillStyle = layerColor(l);
        for (const seg of segments) {
          ctx.beginPath();
          seg.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
          if (seg.length === 1) ctx.fillRect(seg[0][0] - 2, seg[0][1] - 2, 4, 4);
          else ctx.stroke();
        }
      });
    });
    row.append(fig);
  }
  sec.append(row, h("div", "nnw-dash__panelnote",
    `y from ${short(range[0])} to ${short(range[1])}, one grey line per factor of 10; `
    + `x from 0 to ${short(xMax)} epochs`));
  return sec;
}

/**
 * The calibration panel: the reliability diagram (bars as high as each confidence bin's
 * accuracy, the gap to its mean confidence shaded red, the diagonal where a calibrated network
 * lies), the ECE after each epoch as a small line, and the verdict in words. The figures are in
 * data attributes (data-ece, data-epoch, data-run), for scripts and tests.
 */
function calibrationPanel(c: CalibrationData, p: PanelData): HTMLElement {
  const sec = h("section", "nnw-dash__panel nnw-dash__calibration");
  sec.dataset.epoch = String(p.epoch);
  sec.dataset.run = String(p.index ?? "");
  sec.append(h("h4", "", `calibration of ${p.run || "this run"}: reliability diagram and `
    + "expected calibration error (ECE) per epoch"));
  const words = h("div", "nnw-dash__calwords", c.words);
  if (c.ece == null || !c.counts || !c.bin_accuracy || !c.bin_confidence) {
    sec.dataset.ece = "";
    sec.append(words);
    return sec;
  }
  sec.dataset.ece = String(c.ece);
  const counts = decodeArray(c.counts).data;
  const acc = decodeArray(c.bin_accuracy).data;
  const conf = decodeArray(c.bin_confidence).data;
  const epochs = c.epochs ? decodeArray(c.epochs).data : new Float32Array([p.epoch]);
  const eces = c.eces ? decodeArray(c.eces).data : new Float32Array([c.ece]);
  sec.dataset.eces = Array.from(eces).join(",");
  const row = h("div", "nnw-dash__calrow");
  const diagram = h("figure", "nnw-dash__calfig");
  const relCanvas = sizedCanvas("nnw-dash__relcanvas", { width: 180, height: 180 });
  relCanvas.setAttribute("role", "img");
  relCanvas.setAttribute("aria-label", `reliability diagram, ${counts.length} bins: ${c.words}`);
  diagram.append(relCanvas, h("figcaption", "",
    `${counts.length} bins: confidence across (0 to 1), accuracy up; red: the gap to the diagonal`));
  const line = h("figure", "nnw-dash__calfig");
  const eceCanvas = sizedCanvas("nnw-dash__ececanvas", { width: 220, height: 80 });
  eceCanvas.setAttribute("role", "img");
  const caption = h("figcaption", "");
  line.append(eceCanvas, caption);
  row.append(diagram, line);
  sec.append(row, words);
  paintCanvas(relCanvas, (ctx) => {
    const { width, height } = relCanvas;
    const bars = reliabilityBars(counts, acc, conf, width, height);
    for (const b of bars) {
      ctx.fillStyle = "#2f6fdf";
      ctx.fillRect(b.x + 1, b.y, Math.max(1, b.width - 2), height - b.y);
      ctx.fillStyle = "rgba(224, 70, 70, 0.45)"; // the gap: above the bar when overconfident
      ctx.fillRect(b.x + 1, Math.min(b.y, b.confY), Math.max(1, b.width - 2), Math.abs(b.confY - b.y));
    }
    ctx.strokeStyle = "rgba(128, 128, 128, 0.9)";
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(0, height);
    ctx.lineTo(width, 0);
    ctx.stroke();
  });
  const { top, xMax } = eceLine(epochs, eces, 1, 1);
  caption.textContent = `ECE per epoch (0 to ${formatEce(top)} up, epochs 0 to ${short(xMax)} `
    + `across): now ${formatEce(c.ece)}`;
  eceCanvas.setAttribute("aria-label", `ECE per epoch: ${Array.from(eces, formatEce).join(", ")}`);
  paintCanvas(eceCanvas, (ctx) => {
    const { width, height } = eceCanvas;
    ctx.strokeStyle = ctx.fillStyle = "#e04646";
    ctx.lineWidth = Math.max(1.5, width / 150);
    for (const seg of eceLine(epochs, eces, width - 4, height - 4).segments) {
      ctx.beginPath();
      seg.forEach(([x, y], i) => (i ? ctx.lineTo(x + 2, y + 2) : ctx.moveTo(x + 2, y + 2)));
      if (seg.length === 1) ctx.fillRect(seg[0][0], seg[0][1], 4, 4);
      else ctx.stroke();
    }
  });
  return sec;
}

/** A grid of first-layer weight images, one 28x28 per sampled neuron. */
function weightGrid(weights: Wire, neurons: number[]): HTMLElement {
  const w = decodeArray(weights);
  const grid = h("div", "nnw-dash__tiles");
  neurons.forEach((neuron, i) => {
    const rgba = weightImage(w.data.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), SIDE);
    const img = thumbnail(rgba, "nnw-dash__digit nnw-dash__neuron");
    img.title = img.alt = `neuron ${neuron}`;
    grid.append(img);
  });
  return grid;
}

/** Replace `root`'s content with the panels for `p` (or a note that none exist yet). */
export function renderPanels(root: HTMLElement, p: PanelData | null): void {
  const mine = keptFor.get(root) ?? newKept();
  keptFor.set(root, mine);
  kept = mine;
  const generation = ++mine.generation;
  if (!p) {
    root.replaceChildren(h("div", "nnw-dash__panelnote", "The panels appear after the first epoch (or dash.refresh_panels())."));
    delete root.dataset.epoch;
    delete root.dataset.run;
    return;
  }
  const head = h("div", "nnw-dash__panelhead",
    `${p.run ? p.run + " · " : ""}after epoch ${p.epoch} · ${p.n} validation examples · ` +
    `${formatPercent(p.accuracy)} right, ${p.wrong} wrong`);
  const parts: HTMLElement[] = [head];
  if (p.layer_speed && p.layer_speed.length) parts.push(layerSpeedPanel(p.layer_speed));
  if (p.calibration) parts.push(calibrationPanel(p.calibration, p));

  const k = p.classes;
  const counts = decodeArray(p.confusion).data;
  const pool = p.images ? decodeArray(p.images) : null;
  const row1 = h("div", "nnw-dash__panelrow");

  // Confusion matrix: rows true, columns predicted; a click lists that cell's digits.
  const conf = h("section", "nnw-dash__panel nnw-dash__confusion");
  conf.append(h("h4", "", "confusion matrix (rows: true, columns: predicted)"));
  const table = h("table", "nnw-dash__conftable");
  const headRow = h("tr", "");
  headRow.append(h("th", "", ""), ...Array.from({ length: k }, (_, c) => h("th", "", String(c))));
  table.append(headRow);
  const cells = confusionCells(counts, k);
  const shown = h("div", "nnw-dash__celldigits");
  for (let r = 0; r < k; r++) {
    const tr = h("tr", "");
    tr.append(h("th", "", String(r)));
    let total = 0;
    for (let c = 0; c < k; c++) total += counts[r * k + c];
    for (let c = 0; c < k; c++) {
      const cell = cells[r * k + c];
      const td = h("td", "nnw-dash__cell" + (r === c ? " nnw-dash__cell--right" : ""), cell.count ? String(cell.count) : "");
      td.style.background = cell.fill;
      td.style.color = cell.ink;
      td.title = cellTitle(cell, total);
      td.dataset.true = String(r);
      td.dataset.pred = String(c);
      // The cell, its table and the digits' box are found from the click, not captured: the
      // panels on the page are updated in place (morph.ts) from a tree built afresh, so this
      // handler is carried over to the page's own cell.
      td.onclick = (event) => {
        const target = event.currentTarget as HTMLElement;
        const table = target.closest("table");
        const shown = table?.parentElement?.querySelector<HTMLElement>(".nnw-dash__celldigits");
        if (!table || !shown) return;
        for (const el of table.querySelectorAll(".nnw-dash__cell--selected")) el.classList.remove("nnw-dash__cell--selected");
        target.classList.add("nnw-dash__cell--selected");
        const entry = p.cells.find((e) => e.true === r && e.pred === c);
        const label = h("div", "nnw-dash__cellnote", cellTitle(cell, total) + (pool ? "" : " (inputs are not 28x28 images)"));
        const digits = pool && entry ? entry.images.map((i) => digitImage(pool, i, "nnw-dash__digit")) : [];
        shown.replaceChildren(label, ...digits);
        shown.dataset.true = String(r);
        shown.dataset.pred = String(c);
      };
      tr.append(td);
    }
    table.append(tr);
  }
  conf.append(table, shown);
  row1.append(conf);

  // Gallery of mistakes (only for 28x28 inputs).
  if (pool && p.gallery.length) {
    const gal = h("section", "nnw-dash__panel nnw-dash__gallery");
    gal.append(h("h4", "", `misclassified (${p.gallery.length} of ${p.wrong})`));
    const grid = h("div", "nnw-dash__tiles");
    for (const g of p.gallery) {
      const tile = h("figure", "nnw-dash__tile");
      const caption = h("figcaption", "");
      caption.append(h("span", "", `said ${g.pred} (${formatPercent(g.p, 0)})`), h("span", "", `was ${g.true}`));
      tile.append(digitImage(pool, g.image, "nnw-dash__digit"), caption);
      grid.append(tile);
    }
    gal.append(grid);
    row1.append(gal);
  }
  parts.push(row1);

  // First hidden layer's weights, one 28x28 image per sampled neuron; another run's beside
  // them (dash.compare_weights), each with its share of weights near 0 in words.
  if (p.first_weights) {
    const sec = h("section", "nnw-dash__panel nnw-dash__weights");
    sec.append(h("h4", "", `first hidden layer: incoming weights of ${p.neurons.length} neurons (blue negative, red positive)`));
    const own = h("div", "nnw-dash__weightrun");
    own.dataset.run = String(p.index ?? "");
    own.dataset.smallShare = String(p.small_share ?? "");
    if (p.compare) own.append(h("div", "nnw-dash__weightname", p.run || "this run"));
    own.append(weightGrid(p.first_weights, p.neurons));
    if (p.small_words) own.append(h("div", "nnw-dash__smallwords", p.small_words));
    if (p.compare) {
      const c = p.compare;
      const other = h("div", "nnw-dash__weightrun nnw-dash__weightrun--compare");
      other.dataset.run = String(c.index);
      other.dataset.smallShare = String(c.small_share);
      const name = h("div", "nnw-dash__weightname", c.run);
      name.style.color = runColor(c.index);
      other.append(name, weightGrid(c.first_weights, c.neurons),
        h("div", "nnw-dash__smallwords", c.small_words));
      const pair = h("div", "nnw-dash__weightpair");
      pair.append(own, other);
      sec.append(pair);
    } else {
      sec.append(own);
    }
    parts.push(sec);
  }

  // Per layer: weights, gradients and activations, and how many neurons are stuck.
  const hist = h("section", "nnw-dash__panel nnw-dash__histograms");
  hist.append(h("h4", "", "per layer: weights, gradients (one training batch), activations"));
  for (const layer of p.layers) {
    const row = h("div", "nnw-dash__layer");
    row.append(h("div", "nnw-dash__layername", layer.name),
      histogramCanvas("weights", layer.weights),
      histogramCanvas("gradients", layer.gradients),
      histogramCanvas("activations", layer.activations));
    if (layer.health) {
      const note = h("div", "nnw-dash__health" + (layer.unhealthy ? " nnw-dash__health--bad" : ""), layer.health);
      row.append(note);
    }
    hist.append(row);
  }
  parts.push(hist);

  // Per layer: the weighted inputs z, with |z| > 4 shaded and its share in words.
  if (p.layers.some((l) => l.z)) {
    const zsec = h("section", "nnw-dash__panel nnw-dash__zs");
    zsec.append(h("h4", "",
      `per layer: weighted inputs z on the ${p.n} examples (|z| > ${Z_LIMIT} shaded)`));
    for (const layer of p.layers) {
      if (!layer.z) continue;
      const row = h("div", "nnw-dash__layer nnw-dash__zlayer");
      row.dataset.zShare = String(layer.z_share ?? "");
      row.append(h("div", "nnw-dash__layername", layer.name),
        histogramCanvas("z", layer.z, Z_LIMIT));
      if (layer.z_words) row.append(h("div", "nnw-dash__health nnw-dash__zwords", layer.z_words));
      zsec.append(row);
    }
    parts.push(zsec);
  }
  // The new panels go in once their thumbnails are decoded: put in at once, each image that
  // finished loading later made the page draw another frame (some ten frames per panels).
  const show = () => {
    if (mine.generation !== generation) return; // newer panels arrived meanwhile
    root.dataset.epoch = String(p.epoch);
    root.dataset.run = String(p.index ?? "");
    const fresh = document.createElement("div");
    fresh.append(...parts);
    // In place: only what changed is styled and laid out again.
    morphChildren(root, fresh, (canvas) => recycle(mine.spare, canvas));
  };
  const images = parts.flatMap((part) => Array.from(part.querySelectorAll("img")));
  if (images.length === 0 || typeof images[0].decode !== "function") show();
  else void Promise.all(images.map((img) => img.decode().catch(() => undefined))).then(show);
}

/** Forget what was kept for `root`'s panels (its view is going away; a closed view's element
 * may live on in the host, and would keep its spare canvases). */
export function releasePanels(root: HTMLElement): void {
  keptFor.delete(root);
  kept = newKept();
}
