/**
 * `gqn render` for a JUMP run: one row per test scene: the M context views | the truth at four
 * more cameras | for each prior sample, its four views. Every sample is ONE scene latent
 * rendered at the four cameras, so a row shows whether the model's views of a sample agree.
 */
import * as tf from '@tensorflow/tfjs-core';

import { openReader } from '../data/prefetch.js';
import type { TrainedJump } from '../models/jump/kind.js';
import type { RenderResult } from '../models/model.js';
import { deriveSeed } from '../random/rng.js';
import type { RenderOptions } from './scene-grid.js';
import { tileGrid } from './tile-grid.js';


/** Query views per row. */
const VIEWS = 4;

/** Draws the grid for a loaded JUMP (the caller disposes it). */
export async function drawJumpGrid(trained: TrainedJump, o: RenderOptions): Promise<RenderResult> {
  const { model, config } = trained;
  const s = config.model.imageSize;
  const reader = openReader({
    dir: o.data, split: o.split, batchSize: o.scenes, contextViews: o.contextViews, queryViews: VIEWS,
    seed: o.seed, shuffle: false, epochs: 1, imageSize: s, prefetch: 0,
  });
  const b = await reader.next();
  await reader.close();
  if (b == null) throw new Error(`${o.data}: no ${o.split} scenes`);
  const n = b.contextImages.shape[0];
  const m = o.contextViews;
  const d = s * s * 3;
  const rows: Float32Array[][] = [];
  tf.tidy(() => {
    const ctx = tf.tensor5d(b.contextImages.data, [n, m, s, s, 3]);
    const ctxV = tf.tensor3d(b.contextViewpoints.data, [n, m, 7]);
    const queryV = tf.tensor3d(b.queryViewpoints.data, [n, VIEWS, 7]);
    const draws = Array.from({ length: o.samples }, (_, j) => deriveSeed(o.seed, 'render-prior', j));
    const samples = model.predictViews(ctx, ctxV, queryV, draws).map((x) => x.dataSync() as Float32Array);
    const view = (a: Float32Array, i: number, k: number, per: number) => a.subarray((i * per + k) * d, (i * per + k + 1) * d);
    for (let i = 0; i < n; i++) {
      rows.push([
        ...Array.from({ length: m }, (_, k) => view(b.contextImages.data, i, k, m)),
        ...Array.from({ length: VIEWS }, (_, k) => view(b.queryImages.data, i, k, VIEWS)),
        ...samples.flatMap((x) => Array.from({ length: VIEWS }, (_, k) => view(x, i, k, VIEWS))),
      ]);
    }
  });
  const wide = [m - 1, ...Array.from({ length: o.samples + 1 }, (_, j) => m - 1 + VIEWS * (j + 1))];
  return {
    png: tileGrid(rows, s, o.zoom, wide),
    caption: `${m} contexts | truth at ${VIEWS} cameras | ${o.samples} prior samples, each one scene latent at the same ${VIEWS} cameras`,
  };
}
