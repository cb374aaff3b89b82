/**
 * A small RGBA raster for line plots (the Neural Processes' predictions against the truth): data
 * coordinates mapped into panels, antialiasing-free lines, translucent bands and dots, written as
 * PNG. Written here because the plotting libraries in the tree (vega) need a canvas package to
 * make a PNG, and a plot of a few curves is a few loops.
 */
import { PNG } from 'pngjs';

export type Rgb = [number, number, number];

/** A rectangle of the canvas showing data x in [x0, x1] and y in [y0, y1]. */
export interface Panel {
  left: number;
  top: number;
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export class LineCanvas {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.data.set([...background, 255], i * 4);
  }

  /** Blends `color` into pixel (x, y) with opacity `alpha`; outside the canvas or panel: nothing. */
  private blend(x: number, y: number, color: Rgb, alpha: number, clip?: Panel): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    if (clip && (px < clip.left || py < clip.top || px >= clip.left + clip.width || py >= clip.top + clip.height)) return;
    const i = (py * this.width + px) * 4;
    for (let c = 0; c < 3; c++) this.data[i + c] = Math.round(this.data[i + c] * (1 - alpha) + color[c] * alpha);
  }

  /** Pixel coordinates of data (x, y) in `p`. */
  static at(p: Panel, x: number, y: number): [number, number] {
    return [p.left + ((x - p.x0) / (p.x1 - p.x0)) * (p.width - 1), p.top + ((p.y1 - y) / (p.y1 - p.y0)) * (p.height - 1)];
  }

  /** A polyline through data points (xs[i], ys[i]), `thickness` pixels wide, clipped to the panel. */
  polyline(p: Panel, xs: ArrayLike<number>, ys: ArrayLike<number>, color: Rgb, thickness = 1, alpha = 1): void {
    for (let i = 1; i < xs.length; i++) {
      const [ax, ay] = LineCanvas.at(p, xs[i - 1], ys[i - 1]);
      const [bx, by] = LineCanvas.at(p, xs[i], ys[i]);
      const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
      for (let s = 0; s <= steps; s++) {
        const x = ax + ((bx - ax) * s) / steps;
        const y = ay + ((by - ay) * s) / steps;
        for (let d = 0; d < thickness; d++) this.blend(x, y + d - (thickness - 1) / 2, color, alpha, p);
      }
    }
  }

  /** The band between lo[i] and hi[i] at each xs[i] (xs increasing), filled with `color` at `alpha`. */
  band(p: Panel, xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, color: Rgb, alpha: number): void {
    const [left] = LineCanvas.at(p, xs[0], 0);
    const [right] = LineCanvas.at(p, xs[xs.length - 1], 0);
    let j = 0;
    for (let px = Math.ceil(left); px <= Math.floor(right); px++) {
      const x = p.x0 + ((px - p.left) / (p.width - 1)) * (p.x1 - p.x0);
      while (j < xs.length - 2 && xs[j + 1] < x) j++;
      const t = Math.min(1, Math.max(0, (x - xs[j]) / (xs[j + 1] - xs[j])));
      const [, top] = LineCanvas.at(p, x, hi[j] + (hi[j + 1] - hi[j]) * t);
      const [, bottom] = LineCanvas.at(p, x, lo[j] + (lo[j + 1] - lo[j]) * t);
      for (let py = Math.ceil(top); py <= Math.floor(bottom); py++) this.blend(px, py, color, alpha, p);
    }
  }

  /** A filled disc of `radius` pixels at data (x, y). */
  dot(p: Panel, x: number, y: number, radius: number, color: Rgb): void {
    const [cx, cy] = LineCanvas.at(p, x, y);
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) if (dx * dx + dy * dy <= radius * radius + 0.5) this.blend(cx + dx, cy + dy, color, 1, p);
    }
  }

  /** The panel's frame and, where they are in range, the axes y = 0 and x = 0. */
  frame(p: Panel, color: Rgb = [160, 160, 160]): void {
    const { left, top, width, height } = p;
    for (let x = left; x < left + width; x++) {
      this.blend(x, top, color, 1);
      this.blend(x, top + height - 1, color, 1);
    }
    for (let y = top; y < top + height; y++) {
      this.blend(left, y, color, 1);
      this.blend(left + width - 1, y, color, 1);
    }
    if (p.y0 < 0 && p.y1 > 0) this.polyline(p, [p.x0, p.x1], [0, 0], [215, 215, 215]);
    if (p.x0 < 0 && p.x1 > 0) this.polyline(p, [0, 0], [p.y0, p.y1], [215, 215, 215]);
  }

  png(): Uint8Array {
    const png = new PNG({ width: this.width, height: this.height });
    png.data.set(this.data);
    return PNG.sync.write(png);
  }
}
