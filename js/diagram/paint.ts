// Painting a network diagram into a 2D canvas: connections first, then the layers on top.
// Colours are quantised to a few dozen levels so a layer of 800 cells is a few dozen fills,
// not 800 fillStyle changes (the budget is a few milliseconds per frame, bench/diagram_latency.py).
import { css, diverging, sequential, DIVERGING, type RGB } from "../lib/colors";
import type { Edges } from "./edges";
import { scaleOf, type Scales } from "./edits";
import type { Hit, Layout } from "./layout";

export type ScaleKind = "sequential" | "diverging";

/** How a layer's values map to colours: sequential over 0..limit, or diverging over -limit..limit. */
export interface LayerColour {
  kind: ScaleKind;
  limit: number;
}

/** The colour scale of a layer computed by `fn` ("input" for the input layer) holding `values`. */
export function layerColour(fn: string, values: ArrayLike<number> | null): LayerColour {
  let max = 0, min = 0;
  if (values) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v > max) max = v;
      if (v < min) min = v;
    }
  }
  switch (fn) {
    case "sigmoid":
    case "softmax":
      return { kind: "sequential", limit: 1 };
    case "tanh":
      return { kind: "diverging", limit: 1 };
    case "relu":
      return { kind: "sequential", limit: max > 0 ? max : 1 };
    case "input":
      return min < 0 ? { kind: "diverging", limit: Math.max(max, -min) || 1 } : { kind: "sequential", limit: Math.max(1, max) };
    default: // leaky_relu, linear: signed, unbounded
      return { kind: "diverging", limit: Math.max(max, -min) || 1 };
  }
}

const LEVELS = 32;
const PALETTES: Record<ScaleKind, string[]> = {
  sequential: Array.from({ length: LEVELS }, (_, i) => css(sequential(i / (LEVELS - 1)))),
  diverging: Array.from({ length: LEVELS }, (_, i) => css(diverging(2 * (i / (LEVELS - 1)) - 1, 1))),
};

/** The palette level (0..LEVELS-1) of value v. */
export function level(c: LayerColour, v: number): number {
  const t = c.kind === "sequential" ? v / c.limit : 0.5 + v / (2 * c.limit);
  const k = Math.round((t > 1 ? 1 : t > 0 ? t : 0) * (LEVELS - 1));
  return k;
}

export function colourOf(c: LayerColour, v: number): string {
  return PALETTES[c.kind][level(c, v)];
}

/** A CSS gradient of a scale, for the legend. */
export function gradientCss(kind: ScaleKind): string {
  const p = PALETTES[kind];
  const stops = [0, 8, 16, 24, 31].map((i) => `${p[i]} ${((i / 31) * 100).toFixed(0)}%`);
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

const POSITIVE: RGB = DIVERGING[DIVERGING.length - 1];
const NEGATIVE: RGB = DIVERGING[0];
export const EDGE_COLOURS = { positive: css(POSITIVE), negative: css(NEGATIVE) };
const STRENGTHS = 4;

export interface Scene {
  layout: Layout;
  /** [x, a1, ..., aL] for the input shown, or null with no input. */
  activations: ArrayLike<number>[] | null;
  colours: LayerColour[];
  /** Connections between layer l and l+1 (null: none drawn). */
  edges: (Edges | null)[];
  scales: Scales;
  /** The winning output neuron, or -1. */
  prediction: number;
  /** Neurons to ring (hovered, focused, an output's top contributors). */
  rings: Hit[];
  /** The input as a 28x28 picture, already painted (image layers only). */
  inputImage: HTMLCanvasElement | null;
  captions: string[];
  /** Output labels (digits), when the output layer is drawn as circles. */
  outputLabels: boolean;
}

const NO_INPUT = "#eceef3";
const LINE = "#9aa1b2";
const ACCENT = "#2f6fdf";
const EDITED = "#c2410c";

function paintEdges(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { layers } = scene.layout;
  ctx.lineCap = "round";
  scene.edges.forEach((e, l) => {
    if (!e || !e.count || !(e.max > 0)) return;
    const src = layers[l], dst = layers[l + 1];
    // Edges bucketed by sign and strength: 2 x STRENGTHS strokes for the whole layer pair.
    for (const positive of [true, false]) {
      ctx.strokeStyle = positive ? EDGE_COLOURS.positive : EDGE_COLOURS.negative;
      for (let b = 0; b < STRENGTHS; b++) {
        ctx.beginPath();
        let any = false;
        for (let k = 0; k < e.count; k++) {
          if ((e.weight[k] >= 0) !== positive) continue;
          const t = Math.abs(e.contribution[k]) / e.max;
          if (t < 0.03 || Math.min(STRENGTHS - 1, Math.floor(t * STRENGTHS)) !== b) continue;
          const i = e.source[k], j = e.target[k];
          ctx.moveTo(src.x[i], src.y[i]);
          ctx.lineTo(dst.x[j], dst.y[j]);
          any = true;
        }
        if (!any) continue;
        // Many edges in one place blur to a solid colour: dense layer pairs are drawn fainter.
        ctx.globalAlpha = (0.18 + 0.22 * b) * (e.count > 600 ? 0.6 : 1);
        ctx.lineWidth = 0.5 + 0.8 * b;
        ctx.stroke();
      }
    }
  });
  ctx.globalAlpha = 1;
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
}

function paintLayers(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { layers } = scene.layout;
  layers.forEach((L, l) => {
    const a = scene.activations ? scene.activations[l] : null;
    const colour = scene.colours[l];
    if (L.kind === "image") {
      const [x0, y0, x1, y1] = L.box;
      ctx.fillStyle = "#000";
      ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      if (scene.inputImage && a) {
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(scene.inputImage, x0, y0, x1 - x0, y1 - y0);
      }
      ctx.strokeStyle = LINE;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 - 0.5, y0 - 0.5, x1 - x0 + 1, y1 - y0 + 1);
      return;
    }
    if (L.kind === "grid") {
      // One path per colour level: a few dozen fills for 800 cells.
      const gap = L.size >= 4 ? 1 : 0, side = L.size - gap, half = L.size / 2;
      if (!a) {
        ctx.fillStyle = NO_INPUT;
        ctx.beginPath();
        for (let i = 0; i < L.n; i++) ctx.rect(L.x[i] - half, L.y[i] - half, side, side);
        ctx.fill();
      } else {
        const levels = new Uint8Array(L.n);
        const used = new Uint8Array(LEVELS);
        for (let i = 0; i < L.n; i++) used[(levels[i] = level(colour, a[i]))] = 1;
        const palette = PALETTES[colour.kind];
        for (let k = 0; k < LEVELS; k++) {
          if (!used[k]) continue;
          ctx.fillStyle = palette[k];
          ctx.beginPath();
          for (let i = 0; i < L.n; i++) if (levels[i] === k) ctx.rect(L.x[i] - half, L.y[i] - half, side, side);
          ctx.fill();
        }
      }
    } else {
      ctx.lineWidth = 1;
      ctx.strokeStyle = LINE;
      for (let i = 0; i < L.n; i++) {
        ctx.beginPath();
        ctx.arc(L.x[i], L.y[i], L.size, 0, 2 * Math.PI);
        ctx.fillStyle = a ? colourOf(colour, a[i]) : NO_INPUT;
        ctx.fill();
        ctx.stroke();
      }
    }
    // Edited neurons: a cross when switched off, a ring when scaled.
    const row = scene.scales.get(l);
    if (row && row.size) {
      ctx.strokeStyle = EDITED;
      ctx.lineWidth = L.kind === "grid" ? 1 : 2;
      for (const [i] of row) {
        const r = L.kind === "grid" ? L.size / 2 : L.size * 0.75;
        ctx.beginPath();
        if (scaleOf(scene.scales, l, i) === 0) cross(ctx, L.x[i], L.y[i], r);
        else ctx.arc(L.x[i], L.y[i], r + 2, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
  });
}

function paintLabels(ctx: CanvasRenderingContext2D, scene: Scene): void {
  const { layers, height } = scene.layout;
  ctx.font = "11px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  ctx.fillStyle = "#4b5263";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  layers.forEach((L, l) => ctx.fillText(scene.captions[l] ?? "", (L.box[0] + L.box[2]) / 2, height - 2));
  const out = layers[layers.length - 1];
  if (scene.outputLabels && out.kind === "circles") {
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (let i = 0; i < out.n; i++) {
      const best = i === scene.prediction;
      ctx.font = `${best ? "bold 13px" : "11px"} system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif`;
      ctx.fillStyle = best ? ACCENT : "#4b5263";
      ctx.fillText(String(i), out.box[2] + 5, out.y[i]);
    }
    if (scene.prediction >= 0) {
      ctx.strokeStyle = ACCENT;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(out.x[scene.prediction], out.y[scene.prediction], out.size + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
}

function paintRings(ctx: CanvasRenderingContext2D, scene: Scene): void {
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 2;
  for (const { layer, neuron } of scene.rings) {
    const L = scene.layout.layers[layer];
    if (!L || neuron >= L.n) continue;
    ctx.beginPath();
    if (L.kind === "circles") ctx.arc(L.x[neuron], L.y[neuron], L.size + 3, 0, 2 * Math.PI);
    else ctx.rect(L.x[neuron] - L.size / 2 - 1.5, L.y[neuron] - L.size / 2 - 1.5, L.size + 3, L.size + 3);
    ctx.stroke();
  }
}

/** Paint `scene` into `ctx`, whose backing store is `dpr` device pixels per CSS pixel. */
export function paintScene(ctx: CanvasRenderingContext2D, scene: Scene, dpr: number): void {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, scene.layout.width, scene.layout.height);
  paintEdges(ctx, scene);
  paintLayers(ctx, scene);
  paintLabels(ctx, scene);
  paintRings(ctx, scene);
}
