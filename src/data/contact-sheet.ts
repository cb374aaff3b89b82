/**
 * `gqn data show`: a contact sheet PNG of a dataset, one row per scene, one column per view
 * (plus the top-down map, after a wider gap, for mazes).
 */
import { join } from 'node:path';

import { PNG } from 'pngjs';

import { DataError, type CorruptPolicy } from './errors.js';
import { listShards, type Split } from './layout.js';
import { decodeMap, decodeView, readSceneRecords } from './records.js';
import type { RgbImage } from './jpeg.js';

export interface ContactSheetOptions extends CorruptPolicy {
  split?: Split;
  /** Rows: the first N scenes in file order (default 8). */
  scenes?: number;
  /** Columns: at most this many views per scene (default: all). */
  views?: number;
  /** Integer pixel scale; default enlarges small frames to at least 64 px. */
  scale?: number;
}

const GAP = 2;
const MAP_GAP = 8;
const BACKGROUND = [40, 40, 40];

export async function contactSheet(dir: string, opts: ContactSheetOptions = {}): Promise<{ png: Buffer; rows: number; cols: number }> {
  const split = opts.split ?? 'train';
  const want = opts.scenes ?? 8;
  const rows: { views: RgbImage[]; map?: RgbImage }[] = [];
  outer: for (const file of listShards(join(dir, split))) {
    for await (const scene of readSceneRecords(file, opts)) {
      try {
        const k = Math.min(scene.record.frames.length, opts.views ?? Infinity);
        rows.push({ views: Array.from({ length: k }, (_, i) => decodeView(scene, i)), map: decodeMap(scene) });
      } catch (e) {
        if (!(e instanceof DataError) || !opts.skipCorrupt) throw e;
        opts.onCorrupt?.(e);
      }
      if (rows.length >= want) break outer;
    }
  }
  if (rows.length === 0) throw new Error(`${join(dir, split)}: no scenes to show`);
  const side = Math.max(...rows.flatMap((r) => [...r.views, ...(r.map ? [r.map] : [])].map((v) => Math.max(v.width, v.height))));
  const scale = opts.scale ?? Math.max(1, Math.ceil(64 / side));
  const tile = side * scale;
  const cols = Math.max(...rows.map((r) => r.views.length));
  const hasMap = rows.some((r) => r.map);
  const width = GAP + cols * (tile + GAP) + (hasMap ? MAP_GAP + tile + GAP : 0);
  const height = GAP + rows.length * (tile + GAP);
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([...BACKGROUND, 255], i * 4);
  const blit = (img: RgbImage, x0: number, y0: number) => {
    for (let y = 0; y < img.height * scale; y++) {
      for (let x = 0; x < img.width * scale; x++) {
        const s = (Math.floor(y / scale) * img.width + Math.floor(x / scale)) * 3;
        const d = ((y0 + y) * width + x0 + x) * 4;
        png.data[d] = img.data[s];
        png.data[d + 1] = img.data[s + 1];
        png.data[d + 2] = img.data[s + 2];
      }
    }
  };
  rows.forEach((r, row) => {
    const y0 = GAP + row * (tile + GAP);
    r.views.forEach((v, col) => blit(v, GAP + col * (tile + GAP), y0));
    if (r.map) blit(r.map, GAP + cols * (tile + GAP) + MAP_GAP, y0);
  });
  return { png: PNG.sync.write(png), rows: rows.length, cols };
}
