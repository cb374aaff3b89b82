/**
 * Node-only: tiles rendered views into one image and writes it as PNG, for looking at worlds.
 *   npx tsx src/scenes/contact-sheet.ts [outDir=/tmp/sheets] [scenes=8] [views=5] [zoom=1] [world...]
 * Each row of a sheet is one scene; mazes get their top-down map as the last column.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { Rng } from '../random/rng.js';
import { getWorld, renderMap, renderView, WORLD_NAMES } from './index.js';

export interface RgbImage { width: number; height: number; rgb: Uint8Array }

/** Images (each size*size*3 RGB) tiled left to right, top to bottom, with 2-px grey gutters. */
export function contactSheet(images: Uint8Array[], size: number, columns: number, gutter = 2): RgbImage {
  const rows = Math.max(1, Math.ceil(images.length / columns));
  const width = columns * size + (columns + 1) * gutter;
  const height = rows * size + (rows + 1) * gutter;
  const rgb = new Uint8Array(width * height * 3).fill(64);
  images.forEach((img, k) => {
    if (img.length !== size * size * 3) throw new Error(`contactSheet: image ${k} is not ${size}x${size} RGB`);
    const x0 = gutter + (k % columns) * (size + gutter);
    const y0 = gutter + Math.floor(k / columns) * (size + gutter);
    for (let y = 0; y < size; y++) {
      rgb.set(img.subarray(y * size * 3, (y + 1) * size * 3), ((y0 + y) * width + x0) * 3);
    }
  });
  return { width, height, rgb };
}

/** Nearest-neighbour enlargement by an integer factor (for looking at 64-px views). */
export function upscale(image: RgbImage, k: number): RgbImage {
  if (k === 1) return image;
  const width = image.width * k, height = image.height * k;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / k);
    for (let x = 0; x < width; x++) {
      const s = (sy * image.width + Math.floor(x / k)) * 3, d = (y * width + x) * 3;
      rgb[d] = image.rgb[s]; rgb[d + 1] = image.rgb[s + 1]; rgb[d + 2] = image.rgb[s + 2];
    }
  }
  return { width, height, rgb };
}

export function encodePng(image: RgbImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0, n = image.width * image.height; i < n; i++) {
    png.data[4 * i] = image.rgb[3 * i];
    png.data[4 * i + 1] = image.rgb[3 * i + 1];
    png.data[4 * i + 2] = image.rgb[3 * i + 2];
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png);
}

export function savePng(path: string, image: RgbImage): void {
  writeFileSync(path, encodePng(image));
}

/** Renders `scenes` x `views` of a world (seed-derived) into one sheet. */
export function worldSheet(world: string, scenes: number, views: number, seed = 1, size?: number): RgbImage {
  const w = getWorld(world);
  const s = size ?? w.defaultSize;
  const images: Uint8Array[] = [];
  let columns = views;
  for (let i = 0; i < scenes; i++) {
    const scene = w.generate(Rng.from(seed, world, 'scene', i));
    const camRng = Rng.from(seed, world, 'cameras', i);
    for (let v = 0; v < views; v++) images.push(renderView(scene, w.sampleCamera(scene, camRng), s));
    if (scene.bounds && world === 'mazes') {
      images.push(renderMap(scene, s));
      columns = views + 1;
    }
  }
  return contactSheet(images, s, columns);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [outDir = '/tmp/sheets', scenes = '8', views = '5', zoom = '1', ...worlds] = process.argv.slice(2);
  mkdirSync(outDir, { recursive: true });
  for (const world of worlds.length > 0 ? worlds : WORLD_NAMES) {
    const t0 = performance.now();
    const sheet = upscale(worldSheet(world, Number(scenes), Number(views)), Number(zoom));
    const path = join(outDir, `${world}.png`);
    savePng(path, sheet);
    console.log(`${path} ${sheet.width}x${sheet.height} ${(performance.now() - t0).toFixed(0)} ms`);
  }
}
