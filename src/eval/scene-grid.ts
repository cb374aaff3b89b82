/**
 * `gqn render`: one row per test scene: the M context views | the query's truth | the posterior
 * reconstruction | prior samples (the model's imagination of the query view, target unseen).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Split } from '../data/layout.js';
import { openReader } from '../data/prefetch.js';
import { deriveSeed } from '../random/rng.js';
import type { SceneRun } from './scene-eval.js';
import { tileGrid } from './tile-grid.js';

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

/** Draws the grid for a loaded model (the caller disposes it). */
export async function drawSceneGrid(trained: SceneRun, opts: RenderOptions): Promise<{ png: Buffer; step: number }> {
  const { step } = trained;
  const model = trained;
  const s = trained.imageSize;
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
    const e = trained.objective.score({ contextImages: ctx, contextViewpoints: ctxV, queryImage: query, queryViewpoint: queryV }, step, deriveSeed(opts.seed, 'render-posterior'));
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
  // A wider gap after the contexts and after the truth.
  return { png: tileGrid(tiles, s, opts.zoom, [m - 1, m]), step };
}
