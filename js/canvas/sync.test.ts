// @ts-ignore -- node built-in; @types/node is not a dev dependency (tsconfig types: [])
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Cleanups } from "../lib/cleanup";
import type { HostModel } from "../lib/host";
import { decodeArray, encodeArray } from "../lib/wire";
import { pageModel } from "../lib/page-model.testutil";
import { toMnist } from "./preprocess";
import { PAD, type Stroke } from "./strokes";
import { PadDrawing, upscale } from "./pad";
import { digitFromPython, drawnBy, followPython, PadSync, sendReport, type CanvasModel } from "./sync";

const fixture = JSON.parse(readFileSync(new URL("../../tests/strokes/parity.json", import.meta.url), "utf8"));
/** A real digit as Python would show() it: the fixture's first preprocessed drawing. */
const DIGIT = Float32Array.from(fixture.preprocess[0].pixels as number[]);
const SEVEN: Stroke[] = [[[60, 60], [200, 60], [120, 230]]];

function canvasModel(opts: Parameters<typeof pageModel>[1] = {}) {
  return pageModel<CanvasModel>({
    pixels: encodeArray(new Float32Array(784), [28, 28]), probabilities: null, prediction: null,
    strokes: [], show_steps: false, _network: null, _drawn: null, _echo: "",
  }, opts);
}

/** What canvas.py does with a report (_drawn_changed): pixels, strokes and _echo in one go. */
function pythonAccepts(model: HostModel<CanvasModel>) {
  const r = model.get("_drawn")!;
  model.set("_echo", r.seq);
  model.set("strokes", r.strokes);
  model.set("pixels", r.pixels);
}

/** A stroke drawn on a pad, ended, and reported, as widget.ts does it. */
function drawAndReport(model: HostModel<CanvasModel>, sync: PadSync, drawing: PadDrawing, stroke: Stroke) {
  drawing.begin(1, stroke[0]);
  drawing.extend(1, stroke.slice(1));
  expect(drawing.end(1)).toBe(true);
  sendReport(model, sync.report(toMnist(drawing.ink.data, PAD, PAD), drawing.strokes));
}

describe("PadSync reports", () => {
  it("numbers each view's reports <view>:<n>", () => {
    const sync = new PadSync("abc");
    const px = new Float32Array(784);
    expect(sync.report(px, []).seq).toBe("abc:1");
    expect(sync.report(px, []).seq).toBe("abc:2");
    expect(new PadSync().viewId).not.toBe(new PadSync().viewId);
  });

  it("carries the 28x28 as float32 and copies of the strokes", () => {
    const strokes: Stroke[] = [[[1, 2], [3, 4]]];
    const r = new PadSync("v").report(DIGIT, strokes);
    strokes[0][0][0] = 99;
    expect(r.pixels.dtype).toBe("float32");
    expect(r.pixels.shape).toEqual([28, 28]);
    expect(decodeArray(r.pixels).data).toEqual(DIGIT);
    expect(r.strokes).toEqual([[[1, 2], [3, 4]]]);
  });

  it("rejects a view id that would make echoes ambiguous", () => {
    expect(() => new PadSync("a:b")).toThrow(/viewId must be non-empty without ":", got "a:b"/);
  });
});

describe("the round trip through Python", () => {
  it.each(["absent", "throws", "works"] as const)("reports a finished stroke where save_changes is %s", (save) => {
    const { model, probe } = canvasModel({ save });
    const sync = new PadSync("me");
    drawAndReport(model, sync, new PadDrawing(), SEVEN[0]);
    expect(model.get("_drawn")!.seq).toBe("me:1");
    expect(probe.saved()).toBe(save === "works" ? 1 : 0);
  });

  it("reports a stroke once, though pointerup and lostpointercapture both end it", () => {
    const drawing = new PadDrawing();
    drawing.begin(4, [10, 10]);
    drawing.extend(4, [[50, 50]]);
    expect(drawing.end(4)).toBe(true);
    expect(drawing.end(4)).toBe(false);
    expect(drawing.strokes).toHaveLength(1);
  });

  it("ignores its own drawing coming back, which another view shows", () => {
    const { model } = canvasModel();
    const mine = new PadSync("me"), other = new PadSync("you");
    const drawing = new PadDrawing();
    drawAndReport(model, mine, drawing, SEVEN[0]);
    // the pen moved on before the echo arrived: that ink must survive the echo
    drawing.begin(2, [20, 250]);
    pythonAccepts(model);
    expect(digitFromPython(model, mine, false)).toBeNull();
    const seen = digitFromPython(model, other, false)!;
    expect(seen.strokes).toEqual(SEVEN);
    expect(seen.digit).toBeNull(); // the strokes redraw it exactly
  });

  it("a view opening on its own drawing loads it (another cell showing the same canvas)", () => {
    const { model } = canvasModel();
    const sync = new PadSync("me");
    drawAndReport(model, sync, new PadDrawing(), SEVEN[0]);
    pythonAccepts(model);
    expect(digitFromPython(model, sync, true)!.strokes).toEqual(SEVEN);
  });

  it("shows a digit from show() as the 28x28 given, which the pad reads as it is", () => {
    const { model } = canvasModel();
    model.set("_echo", "");
    model.set("strokes", []);
    model.set("pixels", encodeArray(DIGIT, [28, 28]));
    const { strokes, digit } = digitFromPython(model, new PadSync("me"), false)!;
    expect(strokes).toEqual([]);
    expect(Array.from(digit!)).toEqual(Array.from(DIGIT));
    const pad = new PadDrawing();
    pad.show(strokes, digit);
    expect(pad.ink.data[15 * PAD + 27]).toBe(DIGIT[28 + 2]); // pad (15, 27) is pixel (1, 2)
    expect(Array.from(pad.read().pixels)).toEqual(Array.from(DIGIT));
  });

  it("a clear() from Python empties the pad", () => {
    const { model } = canvasModel();
    model.set("strokes", SEVEN);
    model.set("pixels", encodeArray(new Float32Array(784), [28, 28]));
    expect(digitFromPython(model, new PadSync("me"), false)).toEqual({ strokes: SEVEN, digit: null });
  });

  it("keeps the pad when the pixels cannot be read", () => {
    const { model } = canvasModel();
    model.set("pixels", { view: new DataView(new ArrayBuffer(3)), dtype: "float32", shape: [28, 28] });
    expect(digitFromPython(model, new PadSync("me"), false)).toBeNull();
  });
});

describe("drawnBy and upscale", () => {
  it("upscales each of the 28x28 pixels to a 10x10 block", () => {
    const px = new Float32Array(784);
    px[1 * 28 + 2] = 0.5; // row 1, column 2
    const big = upscale(px);
    expect(big[10 * PAD + 20]).toBe(0.5);
    expect(big[19 * PAD + 29]).toBe(0.5);
    expect(big[20 * PAD + 20]).toBe(0);
    expect(big[10 * PAD + 30]).toBe(0);
    expect(big.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it("tells strokes that make the pixels from ones that do not", () => {
    expect(drawnBy(SEVEN, DIGIT)).toBe(false);
    expect(drawnBy([], DIGIT)).toBe(false);
    const ink = new PadDrawing();
    ink.begin(1, SEVEN[0][0]);
    ink.extend(1, SEVEN[0].slice(1));
    expect(drawnBy(SEVEN, toMnist(ink.ink.data, PAD, PAD))).toBe(true);
  });
});

describe("following Python", () => {
  function follow(off: "absent" | "throws" | "works") {
    const { model, probe } = canvasModel({ off });
    const heard: string[] = [];
    const cleanups = new Cleanups();
    followPython(model, cleanups, {
      network: () => heard.push("network"),
      pixels: () => heard.push("pixels"),
      showSteps: () => heard.push("show_steps"),
    });
    return { model, probe, heard, cleanups };
  }

  it("hears the network, the pixels and show_steps", async () => {
    const { model, heard } = follow("works");
    model.set("_network", null);
    model.set("pixels", model.get("pixels"));
    await Promise.resolve();
    model.set("show_steps", true);
    expect(heard).toEqual(["network", "pixels", "show_steps"]);
  });

  it("reads pixels, strokes and _echo once, after all three changed, in any order", async () => {
    // marimo announces `pixels` before `_echo` has its new value: the view must not decide then.
    const { model, heard } = follow("works");
    const sync = new PadSync("v1");
    model.set("_echo", "v1:1"); // the view's own report came back earlier
    await Promise.resolve();
    heard.length = 0;
    const seen: (string | null)[] = [];
    const cleanups = new Cleanups();
    followPython(model, cleanups, {
      network: () => {},
      pixels: () => seen.push(digitFromPython(model, sync, false) ? "shown" : null),
      showSteps: () => {},
    });
    model.set("pixels", encodeArray(DIGIT, [28, 28])); // Python's show(): pixels first ...
    model.set("strokes", []);
    model.set("_echo", ""); // ... then the echo that says "not yours"
    await Promise.resolve();
    expect(heard).toEqual(["pixels"]);
    expect(seen).toEqual(["shown"]);
  });

  it("removes every listener on cleanup, show_steps included", async () => {
    const { model, probe, heard, cleanups } = follow("works");
    model.set("pixels", model.get("pixels"));
    expect(cleanups.run()).toEqual([]); // before the queued call runs: it must not
    await Promise.resolve();
    expect(heard).toEqual([]);
    for (const name of ["_network", "pixels", "strokes", "_echo", "show_steps"]) {
      expect(probe.handlers(`change:${name}`)).toBe(0);
    }
  });

  it.each(["absent", "throws"] as const)("goes quiet on cleanup where off is %s", (off) => {
    const { model, heard, cleanups } = follow(off);
    cleanups.run();
    model.set("_network", null);
    model.set("pixels", model.get("pixels"));
    model.set("show_steps", true);
    expect(heard).toEqual([]);
  });
});
