/**
 * A PNG of image tiles in rows (the render grids): every tile S x S RGB (or grey, `channels` 1) in [0, 1], scaled up by
 * `zoom` with nearest pixels, a 2-pixel white gap between tiles and a 6-pixel one after each
 * column listed in `wideAfter` (to set contexts apart from truth and predictions).
 */
import { PNG } from 'pngjs';

export function tileGrid(rows: Float32Array[][], s: number, zoom: number, wideAfter: readonly number[] = [], channels: 1 | 3 = 3): Buffer {
  const tile = s * zoom;
  const gap = 2;
  const cols = Math.max(...rows.map((r) => r.length));
  const xOf = (c: number) => c * (tile + gap) + 4 * wideAfter.filter((w) => c > w).length;
  const width = xOf(cols - 1) + tile;
  const height = rows.length * (tile + gap) - gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  rows.forEach((row, r) => row.forEach((img, c) => {
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const src = ((Math.floor(y / zoom) * s) + Math.floor(x / zoom)) * channels;
        const dst = ((r * (tile + gap) + y) * width + xOf(c) + x) * 4;
        for (let ch = 0; ch < 3; ch++) png.data[dst + ch] = Math.round(Math.min(1, Math.max(0, img[src + (channels === 3 ? ch : 0)])) * 255);
        png.data[dst + 3] = 255;
      }
    }
  }));
  // Every pixel is opaque: grey or RGB without the alpha byte.
  return PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 });
}
