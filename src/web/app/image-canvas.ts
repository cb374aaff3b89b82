/**
 * Model images onto canvases at their own resolution (CSS enlarges them with
 * `image-rendering: pixelated`, so 32x32 stays sharp): RGB in [0, 1], and heat maps.
 */

function put(canvas: HTMLCanvasElement, side: number, fill: (rgba: Uint8ClampedArray) => void): void {
  if (canvas.width !== side) canvas.width = side;
  if (canvas.height !== side) canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas: no 2d context');
  const img = ctx.createImageData(side, side);
  fill(img.data);
  ctx.putImageData(img, 0, 0);
}

/** An HWC RGB image with values in [0, 1] (clamped). */
export function drawRgb(canvas: HTMLCanvasElement, rgb: Float32Array, side: number): void {
  put(canvas, side, (out) => {
    for (let p = 0; p < side * side; p++) {
      for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(Math.min(1, Math.max(0, rgb[p * 3 + c])) * 255);
      out[p * 4 + 3] = 255;
    }
  });
}

// Black -> purple -> red -> orange -> pale yellow: dark is certain, bright is uncertain.
const STOPS: [number, number, number][] = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];

/** The colour of t in [0, 1] on the heat scale. */
export function heatColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i], b = STOPS[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** One value per pixel, 0 .. max mapped onto the heat scale. */
export function drawHeat(canvas: HTMLCanvasElement, values: Float32Array, side: number, max: number): void {
  put(canvas, side, (out) => {
    for (let p = 0; p < side * side; p++) {
      const [r, g, b] = heatColour(values[p] / max);
      out[p * 4] = r;
      out[p * 4 + 1] = g;
      out[p * 4 + 2] = b;
      out[p * 4 + 3] = 255;
    }
  });
}

/** A horizontal legend of the heat scale. */
export function drawHeatLegend(canvas: HTMLCanvasElement): void {
  const w = 64;
  canvas.width = w;
  canvas.height = 1;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, 1);
  for (let x = 0; x < w; x++) {
    const [r, g, b] = heatColour(x / (w - 1));
    img.data.set([r, g, b, 255], x * 4);
  }
  ctx.putImageData(img, 0, 0);
}
