/**
 * `gqn render`: one row per test scene: the M context views | the query's truth | the posterior
 * reconstruction | prior samples (the model's imagination of the query view, target unseen).
 */
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import type { Split } from '../data/layout.js';
import { openReader } from '../data/prefetch.js';
import { deriveSeed } from '../random/rng.js';
import type { TrainedGqn } from './scene-eval.js';

export interface RenderOptions {
  data: string;
  split: Split;
  scenes: number;
  contextViews: number;
  samples: number;
  /** Pixel upscaling of each tile. */
  zoom: number;
  seed: number;
}

/** Draws the grid for a loaded GQN (the caller disposes it). */
export async function drawSceneGrid(trained: TrainedGqn, opts: RenderOptions): Promise<{ png: Buffer; step: number }> {
  const { model, config, step } = trained;
  const s = config.model.imageSize;
  const reader = openReader({
    dir: opts.data, split: opts.split, batchSize: opts.scenes, contextViews: opts.contextViews, queryViews: 1,
    seed: opts.seed, shuffle: false, epochs: 1, imageSize: s, prefetch: 0,
  });
  const b = await reader.next();
  await reader.close();
  if (b == null) {
    throw new Error(`${opts.data}: no ${opts.split} scenes`);
  }
  const n = b.contextImages.shape[0];
  const m = opts.contextViews;
  const tiles: Float32Array[][] = [];
  tf.tidy(() => {
    const ctx = tf.tensor5d(b.contextImages.data, [n, m, s, s, 3]);
    const ctxV = tf.tensor3d(b.contextViewpoints.data, [n, m, 7]);
    const query = tf.tensor4d(b.queryImages.data, [n, s, s, 3]);
    const queryV = tf.tensor2d(b.queryViewpoints.data, [n, 7]);
    const e = model.objective(config.train).score({ contextImages: ctx, contextViewpoints: ctxV, queryImage: query, queryViewpoint: queryV }, step, deriveSeed(opts.seed, 'render-posterior'));
    const draws = Array.from({ length: opts.samples }, (_, j) => deriveSeed(opts.seed, 'render-prior', j));
    const samples = model.predict(ctx, ctxV, queryV, draws).map((x) => x.dataSync() as Float32Array);
    const recon = e.reconstruction.dataSync() as Float32Array;
    const truth = query.dataSync() as Float32Array;
    const ctxData = ctx.dataSync() as Float32Array;
    const d = s * s * 3;
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: m }, (_, k) => ctxData.subarray((i * m + k) * d, (i * m + k + 1) * d));
      row.push(truth.subarray(i * d, (i + 1) * d), recon.subarray(i * d, (i + 1) * d), ...samples.map((x) => x.subarray(i * d, (i + 1) * d)));
      tiles.push(row);
    }
  });
  // Layout: a 2-pixel gap between tiles, a wider one after the contexts and after the truth.
  const z = opts.zoom;
  const tile = s * z;
  const gap = 2;
  const cols = tiles[0].length;
  const xOf = (c: number) => c * (tile + gap) + (c >= m ? 4 : 0) + (c >= m + 1 ? 4 : 0);
  const width = xOf(cols - 1) + tile;
  const height = n * (tile + gap) - gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  tiles.forEach((row, r) => row.forEach((img, c) => {
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const src = ((Math.floor(y / z) * s) + Math.floor(x / z)) * 3;
        const dst = ((r * (tile + gap) + y) * width + xOf(c) + x) * 4;
        for (let ch = 0; ch < 3; ch++) png.data[dst + ch] = Math.round(Math.min(1, Math.max(0, img[src + ch])) * 255);
        png.data[dst + 3] = 255;
      }
    }
  }));
  return { png: PNG.sync.write(png), step };
}
