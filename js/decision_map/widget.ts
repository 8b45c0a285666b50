// DecisionMap: a 2-input network's output as a heat map over the plane, its points, and a
// thumbnail per hidden neuron (hover or focus one to see it on the big map). The map is
// computed here from the weights (grid.ts), so training only sends weights, at most ten times
// a second (src/nnwidgets/widgets/decision_map.py); each update costs one animation frame,
// however many arrive (lib/frames.ts), measured as "nnwidgets:decision-map-work"
// (bench/decision_map.py reads it).
//
// The root carries what tests read: data-accuracy (the page's own accuracy on the training
// points, from its forward pass; "" for regression), data-test-accuracy, data-task,
// data-redraws, data-hovered.
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import { css } from "../lib/colors";
import { h } from "../lib/dom";
import type { NetworkSpec } from "../lib/forward";
import { FrameScheduler } from "../lib/frames";
import type { HostModel } from "../lib/host";
import { saveChanges } from "../lib/host";
import { FrameLatency } from "../lib/latency";
import { decodeNetwork, type NetworkState } from "../lib/network";
import { fitToDevice } from "../lib/paint";
import { decodeArray, type WireArray } from "../lib/wire";
import {
  accuracy, affordableResolution, checkExtent, checkFeatures, featurize, forwardBatch, gridPoints,
  meanSquaredError, type Extent, type Task,
} from "./grid";
import {
  hiddenMapping, outputMapping, paintClasses, paintDiverging, pointColour, scaleWords, type Mapping,
} from "./paint";

interface MapModel {
  _network: NetworkState | null;
  task: Task;
  features: string[];
  resolution: number;
  extent: number[];
  points: WireArray | null;
  targets: WireArray | null;
  is_test: WireArray | null;
  _report: { accuracy: number | null } | null;
}

/** CSS pixels of the map's side and of a thumbnail's. */
const MAP_SIZE = 300;
const THUMB_SIZE = 36;
/** Grid cells a thumbnail shows per side, at most. */
const THUMB_CELLS = 50;
/** What the two kinds of dot are (nothing else in the page says it). */
const KEY = ". Dots: training points; rings: test points";

/** The data as the page uses it: points as (x1, x2) pairs and their features, computed once. */
interface Data {
  xy: Float64Array;
  n: number;
  targets: Float32Array;
  isTest: Float32Array;
  limit: number; // the largest |target|: the regression scale's end
}

function readData(model: HostModel<MapModel>): Data {
  const pts = model.get("points"), tg = model.get("targets"), te = model.get("is_test");
  if (!pts || !tg || !te) {
    const none = new Float32Array(0);
    return { xy: new Float64Array(0), n: 0, targets: none, isTest: none, limit: 1 };
  }
  const p = decodeArray(pts), t = decodeArray(tg), s = decodeArray(te);
  const n = p.shape[0];
  if (p.shape.length !== 2 || p.shape[1] !== 2 || t.data.length !== n || s.data.length !== n) {
    throw new Error("points (n, 2), targets (n,) and is_test (n,) must agree, got "
      + `[${p.shape}], ${t.data.length}, ${s.data.length}`);
  }
  let limit = 0;
  for (const v of t.data) limit = Math.max(limit, Math.abs(v));
  return { xy: Float64Array.from(p.data), n, targets: t.data, isTest: s.data, limit: limit || 1 };
}

export default {
  render({ model, el }: RenderProps<MapModel>) {
    const m = model as unknown as HostModel<MapModel>;
    const cleanups = new Cleanups();
    const root = h("div", "nnw-card nnw-dmap");
    const side = h("div", "nnw-dmap__neurons");
    const mapBox = h("div", "nnw-dmap__map");
    const heat = h("canvas", "nnw-dmap__heat");
    const dots = h("canvas", "nnw-dmap__points");
    const caption = h("div", "nnw-dmap__caption");
    const stats = h("div", "nnw-dmap__stats");
    const error = h("div", "nnw-dmap__error");
    heat.setAttribute("aria-hidden", "true");
    dots.setAttribute("role", "img");
    mapBox.style.width = `${MAP_SIZE}px`; // at most: narrower in a narrow cell (styles.css)
    mapBox.append(heat, dots);
    const main = h("div", "nnw-dmap__main");
    main.append(mapBox, caption, stats, error);
    root.append(side, main);
    el.append(root);

    let net: NetworkSpec | null = null;
    let data: Data = readData(m);
    let layers: Float64Array[] = []; // the last redraw's activations over the grid
    let res = 0;
    let hovered: [number, number] | null = null; // (layer, neuron) shown on the big map
    let thumbs: HTMLCanvasElement[][] = [];
    let redraws = 0;
    let mainImage: ImageData | null = null;
    let lastReport: number | null | undefined;
    const buffers: Float64Array[] = [];
    let gridCache: { key: string; input: Float64Array } = { key: "", input: new Float64Array(0) };
    let pointInput: { key: string; input: Float64Array } = { key: "", input: new Float64Array(0) };
    let pointBuffers: Float64Array[] = [];

    const fail = (where: string, e: unknown) => {
      // malformed data from Python: said in the page and the console, the last good map stays
      error.textContent = `${where}: ${e instanceof Error ? e.message : String(e)}`;
      console.warn(`nnwidgets DecisionMap: ignoring ${where}:`, e);
    };

    const task = (): Task => m.get("task");
    const features = () => checkFeatures(m.get("features"));

    /** The thumbnails' canvases, rebuilt when the hidden layers' sizes change. */
    const buildThumbs = (sizes: number[]) => {
      const shape = sizes.slice(1, -1).join(",");
      if (side.dataset.shape === shape) return;
      side.dataset.shape = shape;
      side.replaceChildren();
      thumbs = sizes.slice(1, -1).map((width, l) => {
        const col = h("div", "nnw-dmap__layer");
        col.append(h("div", "nnw-dmap__layer-name", `layer ${l + 1}`));
        const cs = Array.from({ length: width }, (_, j) => {
          const c = h("canvas", "nnw-dmap__thumb");
          c.tabIndex = 0;
          c.style.width = c.style.height = `${THUMB_SIZE}px`;
          c.setAttribute("aria-label", `layer ${l + 1}, neuron ${j + 1}: show it on the map`);
          c.dataset.layer = String(l + 1);
          c.dataset.neuron = String(j);
          const on = () => hover([l + 1, j]);
          const off = () => hover(null);
          c.addEventListener("pointerenter", on);
          c.addEventListener("pointerleave", off);
          c.addEventListener("focus", on);
          c.addEventListener("blur", off);
          col.append(c);
          return c;
        });
        side.append(col);
        return cs;
      });
    };

    const hover = (which: [number, number] | null) => {
      hovered = which;
      root.dataset.hovered = which ? `${which[0]},${which[1]}` : "";
      paintMain();
    };

    /** The big map: the output, or the hovered neuron. */
    const paintMain = () => {
      if (!net || !layers.length) return;
      const n = res * res;
      if (heat.width !== res || heat.height !== res) {
        heat.width = res;
        heat.height = res;
      }
      const ctx = heat.getContext("2d");
      if (!ctx) return;
      if (!mainImage || mainImage.width !== res) mainImage = ctx.createImageData(res, res);
      const img = mainImage;
      const L = net.sizes.length - 1;
      if (hovered && hovered[0] < L && hovered[1] < net.sizes[hovered[0]]) {
        const [l, j] = hovered;
        const values = layers[l];
        const mp = hiddenMapping(net.activation, values, j * n, (j + 1) * n);
        paintDiverging(values, j * n, n, mp, img.data);
        caption.textContent =
          `layer ${l}, neuron ${j + 1} (${net.activation}): what it computes; ${scaleWords(mp)}`;
      } else {
        const out = layers[L], k = net.sizes[L], t = task();
        if (t === "classes" && k >= 3) paintClasses(out, k, n, img.data);
        else paintDiverging(out, k === 2 ? n : 0, n, outputMapping(t, data.limit), img.data);
        caption.textContent = (t === "regression" ? "output (regression)"
          : k >= 3 ? `most likely of ${k} classes` : "probability of class 1 (red); 0.5 is white")
          + KEY + (L > 1 ? ". Hover a neuron on the left to see it here." : ".");
      }
      ctx.putImageData(img, 0, 0);
    };

    // Thumbnails show every `step`-th grid point in each direction: at most THUMB_CELLS a
    // side, which a 36-pixel square (72 device pixels at 2x) shows nearly in full, for a
    // quarter of the work.
    const images = new Map<HTMLCanvasElement, ImageData>();
    let thumbValues = new Float64Array(0);
    const paintThumbs = () => {
      if (!net) return;
      const n = res * res;
      const step = Math.max(1, Math.ceil(res / THUMB_CELLS));
      const side = Math.ceil(res / step);
      if (thumbValues.length !== side * side) thumbValues = new Float64Array(side * side);
      const sub = thumbValues;
      thumbs.forEach((cs, i) => {
        const l = i + 1;
        cs.forEach((c, j) => {
          if (c.width !== side || c.height !== side) {
            c.width = side;
            c.height = side;
            images.delete(c);
          }
          const ctx = c.getContext("2d");
          if (!ctx) return;
          let img = images.get(c);
          if (!img) images.set(c, (img = ctx.createImageData(side, side)));
          const values = layers[l];
          for (let r = 0, q = 0; r < side; r++) {
            const rowStart = j * n + r * step * res;
            for (let col = 0; col < side; col++) sub[q++] = values[rowStart + col * step];
          }
          const mp: Mapping = hiddenMapping(net!.activation, values, j * n, (j + 1) * n);
          paintDiverging(sub, 0, side * side, mp, img.data);
          ctx.putImageData(img, 0, 0);
        });
      });
    };

    /** The points, on their own high-DPI canvas (redrawn only when they or its size change). */
    const paintPoints = () => {
      fitToDevice(dots, { width: MAP_SIZE, height: MAP_SIZE });
      const ctx = dots.getContext("2d");
      if (!ctx) return;
      ctx.clearRect(0, 0, dots.width, dots.height);
      const px = dots.width / (dots.clientWidth || MAP_SIZE); // device pixels per CSS pixel
      let ext: Extent;
      try {
        ext = checkExtent(m.get("extent"));
      } catch (e) {
        fail("extent", e);
        return;
      }
      const sx = dots.width / (ext[1] - ext[0]), sy = dots.height / (ext[3] - ext[2]);
      const r = 3 * px;
      const k = net ? net.sizes[net.sizes.length - 1] : 1;
      for (let p = 0; p < data.n; p++) {
        const x = (data.xy[2 * p] - ext[0]) * sx, y = (ext[3] - data.xy[2 * p + 1]) * sy;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        const colour = css(pointColour(task(), k, data.targets[p], data.limit));
        if (data.isTest[p]) {
          ctx.lineWidth = 1.5 * px; // test points: outlined
          ctx.strokeStyle = colour;
          ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
          ctx.fill();
          ctx.stroke();
        } else {
          ctx.lineWidth = px; // training points: filled, a white rim
          ctx.fillStyle = colour;
          ctx.strokeStyle = "white";
          ctx.fill();
          ctx.stroke();
        }
      }
      dots.setAttribute("aria-label", `${data.n} points`);
    };

    /** One redraw: decode the weights, the forward pass over the grid and the points, paint. */
    const redraw = () => {
      try {
        net = decodeNetwork(m.get("_network"));
      } catch (e) {
        fail("the network", e);
        return;
      }
      if (!net) return;
      let names: string[], ext: Extent;
      try {
        names = features();
        ext = checkExtent(m.get("extent"));
        if (names.length !== net.sizes[0]) {
          throw new Error(`${names.length} features for a network of ${net.sizes[0]} inputs`);
        }
      } catch (e) {
        fail("the features", e);
        return;
      }
      const asked = Math.max(2, Math.min(400, Math.round(Number(m.get("resolution")) || 100)));
      res = affordableResolution(net.sizes, asked);
      root.dataset.resolution = String(res);
      const key = `${names}|${ext}|${res}`;
      if (gridCache.key !== key) {
        gridCache = { key, input: featurize(gridPoints(ext, res), res * res, names) };
      }
      layers = forwardBatch(net, gridCache.input, res * res, buffers);
      buildThumbs(net.sizes);
      paintMain();
      paintThumbs();
      scorePoints(names);
      error.textContent = "";
      redraws++;
      root.dataset.redraws = String(redraws);
    };

    /** The page's own accuracy on the training (and test) points. */
    const scorePoints = (names: string[]) => {
      if (!net) return;
      const key = String(names);
      if (pointInput.key !== key) pointInput = { key, input: featurize(data.xy, data.n, names) };
      const acts = forwardBatch(net, pointInput.input, data.n, pointBuffers);
      const out = acts[acts.length - 1], k = net.sizes[net.sizes.length - 1], t = task();
      const train = accuracy(out, k, data.n, data.targets, t, (p) => !data.isTest[p]);
      const test = accuracy(out, k, data.n, data.targets, t, (p) => !!data.isTest[p]);
      root.dataset.task = t;
      root.dataset.accuracy = train === null ? "" : train.toFixed(4);
      root.dataset.testAccuracy = test === null ? "" : test.toFixed(4);
      if (t === "regression") {
        const mse = meanSquaredError(out, data.n, data.targets, (p) => !data.isTest[p]);
        stats.textContent = mse === null ? "" : `training mean squared error ${mse.toPrecision(3)}`;
      } else {
        const more = test === null ? "" : ` \u00b7 test ${pct(test)}`;
        stats.textContent = `accuracy: training ${pct(train)}${more}`;
      }
      if (train !== lastReport) {
        lastReport = train;
        try {
          m.set("_report", { accuracy: train });
          saveChanges(m);
        } catch {
          /* a host without set for this key: the attribute is what it has */
        }
      }
    };

    const frames = new FrameScheduler(redraw, new FrameLatency("nnwidgets:decision-map"));
    const later = () => frames.schedule(performance.now());
    cleanups.add(() => frames.cancel());
    for (const name of ["_network", "task", "features", "resolution", "extent"]) {
      cleanups.on(m, `change:${name}`, later);
    }
    const newData = () => {
      try {
        data = readData(m);
        pointInput = { key: "", input: new Float64Array(0) };
        pointBuffers = [];
      } catch (e) {
        fail("the points", e);
      }
      paintPoints();
      later();
    };
    for (const name of ["points", "targets", "is_test"]) cleanups.on(m, `change:${name}`, newData);
    cleanups.on(m, "change:extent", paintPoints);
    cleanups.on(m, "change:task", paintPoints);

    if (typeof ResizeObserver === "function") {
      const ro = new ResizeObserver(() => paintPoints());
      ro.observe(dots);
      cleanups.add(() => ro.disconnect());
    }
    // devicePixelRatio changes (a window dragged to another screen, zoom) without a resize
    const dpr = () => paintPoints();
    let query: MediaQueryList | null = null;
    const watchDpr = () => {
      query?.removeEventListener("change", onDpr);
      query = window.matchMedia?.(`(resolution: ${window.devicePixelRatio}dppx)`) ?? null;
      query?.addEventListener("change", onDpr);
    };
    const onDpr = () => {
      dpr();
      watchDpr();
    };
    watchDpr();
    cleanups.add(() => query?.removeEventListener("change", onDpr));

    redraw();
    paintPoints();
    cleanups.add(() => {
      root.remove();
      thumbs = [];
      layers = [];
      images.clear();
    });
    return () => {
      cleanups.run();
    };
  },
};

function pct(v: number | null): string {
  return v === null ? "-" : `${(100 * v).toFixed(1)}%`;
}
