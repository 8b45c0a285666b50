// Painting into canvases: grayscale digits, and backing stores sized for the screen.

/** Grayscale values (0..1) -> opaque RGBA bytes, gray levels v*255 (the clamped array clamps
 * values outside 0..1 to black and white, and NaN to black). */
export function grayToRgba(data: ArrayLike<number>, count: number, out: Uint8ClampedArray): void {
  if (out.length < 4 * count) throw new Error(`out must hold ${4 * count} bytes, got ${out.length}`);
  for (let i = 0; i < count; i++) {
    const v = Math.round(data[i] * 255); // halves up, as before (the array would round them to even)
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = v;
    out[4 * i + 3] = 255;
  }
}

/** Paint a grayscale image (ink bright, 0..1) into a small canvas as MNIST shows it: white on black. */
export function paintDigit(canvas: HTMLCanvasElement, data: ArrayLike<number>, rows: number, cols: number): void {
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const img = ctx.createImageData(canvas.width, canvas.height);
  grayToRgba(data, rows * cols, img.data);
  ctx.putImageData(img, 0, 0);
}

/** Device pixels for a length in CSS pixels (a devicePixelRatio of 0 or undefined counts as 1). */
export function devicePixels(cssPixels: number, dpr: number | undefined): number {
  return Math.round(cssPixels * (dpr || 1));
}

/**
 * Size a canvas's backing store to its CSS box times devicePixelRatio, so lines stay sharp on
 * a high-DPI screen. `fallback` is the CSS size to assume while the canvas is not laid out.
 * Returns whether the size changed (the canvas was cleared and needs a full repaint).
 */
export function fitToDevice(canvas: HTMLCanvasElement, fallback: { width: number; height: number }): boolean {
  const dpr = window.devicePixelRatio;
  const width = devicePixels(canvas.clientWidth || fallback.width, dpr);
  const height = devicePixels(canvas.clientHeight || fallback.height, dpr);
  if (canvas.width === width && canvas.height === height) return false;
  canvas.width = width;
  canvas.height = height;
  return true;
}
