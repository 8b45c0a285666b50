// The drawing pad. PadDrawing is what is on it (the ink, the strokes, a digit from Python, the
// pointer that is drawing) and what the network reads from it, and has no DOM, so vitest can
// drive it; PadSurface puts it on a canvas sized for the screen and maps pointer positions to
// pad pixels.
import { fitToDevice } from "../lib/paint";
import { SIZE, toMnistSteps, type MnistSteps } from "./preprocess";
import { appendPoint, Ink, PAD, toPad, type Point, type Stroke } from "./strokes";

/** Pad pixels [c0, r0, c1, r1), half-open. */
export type Rect = [number, number, number, number];

export const WHOLE_PAD: Rect = [0, 0, PAD, PAD];

/** The smallest rectangle holding both. */
export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** A 28x28 digit blown up to pad size (each pixel a 10x10 block), so that new strokes add ink
 * on top of it. */
export function upscale(px: ArrayLike<number>): Float64Array {
  const out = new Float64Array(PAD * PAD);
  const k = PAD / SIZE;
  for (let r = 0; r < PAD; r++) {
    for (let c = 0; c < PAD; c++) out[r * PAD + c] = px[Math.floor(r / k) * SIZE + Math.floor(c / k)];
  }
  return out;
}

/** What the network reads from the pad: 28x28 pixels, and the preprocessing steps that made
 * them from the ink (null when the pixels are Python's digit as given). */
export interface PadReading {
  pixels: Float32Array;
  steps: MnistSteps | null;
}

export class PadDrawing {
  readonly ink = new Ink();
  strokes: Stroke[] = [];
  /** The stroke being drawn, or null. */
  current: Stroke | null = null;
  /** The pointer drawing it: one pen at a time, a second finger is ignored. */
  activePointer: number | null = null;
  /** A digit Python put on the pad (show()), as given: 28x28, already in MNIST's form. */
  private given: Float32Array | null = null;
  /** The same digit upscaled to pad size; strokes add ink on top. */
  private background: Float64Array | null = null;
  /** Pad pixels changed since the last paint. */
  dirty: Rect | null = WHOLE_PAD;

  /** Pen down at `p`. False when another pointer is already drawing. */
  begin(pointerId: number, p: Point): boolean {
    if (this.activePointer !== null) return false;
    this.activePointer = pointerId;
    this.current = [p];
    this.dirty = unionRect(this.dirty, this.ink.segment(p[0], p[1], p[0], p[1]));
    return true;
  }

  /** The pen moved through `points`. False when `pointerId` is not the one drawing. */
  extend(pointerId: number, points: readonly Point[]): boolean {
    const current = this.current;
    if (pointerId !== this.activePointer || !current) return false;
    for (const p of points) {
      const last = current[current.length - 1];
      if (appendPoint(current, p)) this.dirty = unionRect(this.dirty, this.ink.segment(last[0], last[1], p[0], p[1]));
    }
    return true;
  }

  /** Pen up (or cancelled, or capture lost). True when this finished a stroke: report it. */
  end(pointerId: number): boolean {
    if (pointerId !== this.activePointer || !this.current) return false;
    this.activePointer = null;
    this.strokes.push(this.current);
    this.current = null;
    return true;
  }

  /** Remove the last stroke. False when there is none. */
  undo(): boolean {
    if (!this.strokes.length) return false;
    this.strokes.pop();
    this.redraw();
    return true;
  }

  clear(): void {
    this.strokes = [];
    this.current = null;
    this.activePointer = null;
    this.given = null;
    this.background = null;
    this.redraw();
  }

  /** Show what Python sent: these strokes over this 28x28 digit (null: none). A stroke in
   * progress is dropped, and its pointer released so the next pen-down draws. */
  show(strokes: Stroke[], digit: ArrayLike<number> | null): void {
    if (digit && digit.length !== SIZE * SIZE) {
      throw new RangeError(`digit must hold ${SIZE * SIZE} values (28x28), got ${digit.length}`);
    }
    this.strokes = strokes;
    this.current = null;
    this.activePointer = null;
    this.given = digit ? Float32Array.from(digit) : null;
    this.background = digit ? upscale(digit) : null;
    this.redraw();
  }

  /**
   * What the network reads. Python's digit alone is read exactly as given: it is already in
   * MNIST's form, and preprocessing it as a drawing (crop to the ink, rescale to 20 px,
   * re-centre) would change it, and can undo a nudge made to fool the network. Once strokes
   * are on it (or none was given), the ink is preprocessed like MNIST, as `to_mnist` does.
   */
  read(): PadReading {
    if (this.given && !this.strokes.length && !this.current) {
      return { pixels: this.given.slice(), steps: null };
    }
    const steps = toMnistSteps(this.ink.data, PAD, PAD);
    return { pixels: steps.result, steps };
  }

  private redraw(): void {
    if (this.background) this.ink.data.set(this.background);
    else this.ink.clear();
    for (const s of this.strokes) this.ink.stroke(s);
    if (this.current) this.ink.stroke(this.current);
    this.dirty = WHOLE_PAD;
  }
}

const PAPER = [255, 255, 255];
const INK = [24, 28, 56];

export class PadSurface {
  private readonly offscreen = document.createElement("canvas");
  private readonly offctx: CanvasRenderingContext2D;
  private readonly offImage: ImageData;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(readonly canvas: HTMLCanvasElement) {
    this.offscreen.width = PAD;
    this.offscreen.height = PAD;
    this.offctx = this.offscreen.getContext("2d")!;
    this.offImage = this.offctx.createImageData(PAD, PAD);
    this.ctx = canvas.getContext("2d")!;
  }

  /** Size the backing store to the pad's CSS box x devicePixelRatio; true when it changed. */
  fit(): boolean {
    return fitToDevice(this.canvas, { width: PAD, height: PAD });
  }

  /** A pointer position -> pad coordinates (0..280 whatever the CSS size). */
  point(e: { clientX: number; clientY: number }): Point {
    const rect = this.canvas.getBoundingClientRect();
    return toPad(e.clientX - rect.left, e.clientY - rect.top, rect.width, rect.height);
  }

  /** Repaint the changed pixels at pad resolution, then scale the whole pad onto the canvas. */
  paint(drawing: PadDrawing): void {
    const dirty = drawing.dirty;
    if (dirty) {
      const [c0, r0, c1, r1] = dirty;
      const d = this.offImage.data, ink = drawing.ink.data;
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          const v = ink[r * PAD + c];
          const k = 4 * (r * PAD + c);
          d[k] = PAPER[0] + (INK[0] - PAPER[0]) * v;
          d[k + 1] = PAPER[1] + (INK[1] - PAPER[1]) * v;
          d[k + 2] = PAPER[2] + (INK[2] - PAPER[2]) * v;
          d[k + 3] = 255;
        }
      }
      this.offctx.putImageData(this.offImage, 0, 0, c0, r0, c1 - c0, r1 - r0);
      drawing.dirty = null;
    }
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(this.offscreen, 0, 0, canvas.width, canvas.height);
  }
}
