// The strip "your drawing -> cropped -> 20x20 -> 28x28": what preprocessing did to the ink.
import { paintDigit } from "../lib/paint";
import { BOX, SIZE, type MnistSteps } from "./preprocess";
import { PAD } from "./strokes";

export interface Image {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
}

/** The four images of the strip, for pad ink `ink` and its preprocessing `s`. */
export function stepImages(ink: Float64Array, s: MnistSteps): Image[] {
  const { top, left, height, width } = s.crop;
  const crop = new Float64Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) crop[r * width + c] = ink[(top + r) * PAD + left + c];
  }
  // the 20x20 step: the box centred geometrically in a 20x20 frame, before the centre-of-mass shift
  const box20 = new Float64Array(BOX * BOX);
  const oy = Math.floor((BOX - s.boxHeight) / 2), ox = Math.floor((BOX - s.boxWidth) / 2);
  for (let r = 0; r < s.boxHeight; r++) {
    for (let c = 0; c < s.boxWidth; c++) box20[(oy + r) * BOX + ox + c] = s.box[r * s.boxWidth + c];
  }
  return [
    { data: ink, rows: PAD, cols: PAD },
    { data: crop, rows: height, cols: width },
    { data: box20, rows: BOX, cols: BOX },
    { data: s.result, rows: SIZE, cols: SIZE },
  ];
}

export function paintSteps(canvases: HTMLCanvasElement[], ink: Float64Array, s: MnistSteps): void {
  stepImages(ink, s).forEach((img, i) => paintDigit(canvases[i], img.data, img.rows, img.cols));
}

/** The strip for a digit from Python, read as given: the pad, and the 28x28 itself (the crop
 * and 20x20 steps are hidden: nothing was cropped or scaled). */
export function paintGiven(canvases: HTMLCanvasElement[], ink: Float64Array, digit: ArrayLike<number>): void {
  paintDigit(canvases[0], ink, PAD, PAD);
  paintDigit(canvases[3], digit, SIZE, SIZE);
}
