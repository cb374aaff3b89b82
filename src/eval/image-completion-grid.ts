/**
 * `gqn render` for a Neural Process trained on the mnist task: one held-out digit per row (row r
 * is of class r mod 10, which digit of the class from --seed). For each of RENDER_CONTEXTS context
 * sizes a group of columns: the context (its pixels' grey levels; the pixels not given in blue),
 * the predictive mean, the predictive spread (sigma, black 0 to white 0.5), and for the latent
 * models --samples means decoded from z drawn from the prior q(z | C); the last column is the
 * truth. The context pixels are the evaluation's (src/tasks/mnist-test-set.ts), so a grid shows
 * what `gqn eval` scores.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Draw, RenderOptions, RenderResult, TrainedModel } from '../models/model.js';
import type { NpConfig } from '../models/np/config.js';
import type { NeuralProcess } from '../models/np/neural-process.js';
import { toPointBatch, disposePointBatch } from '../models/np/point-batch.js';
import type { NpTrainSettings } from '../models/np/task.js';
import { TEST_PER_CLASS } from '../models/vae/digits.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../tasks/mnist-completion.js';
import { mnistTestBatch } from '../tasks/mnist-test-set.js';

import { tileGrid } from './tile-grid.js';

export const RENDER_CONTEXTS = [10, 100, 300];
/** What a pixel not in the context shows: a blue no digit has. */
const NOT_GIVEN = [40 / 255, 70 / 255, 160 / 255];
/** The spread column's white: sigma at or above this. */
const SIGMA_WHITE = 0.5;

/** A tile: RGB in [0, 1], IMAGE_SIDE x IMAGE_SIDE, as tileGrid takes it. */
function tile(value: (p: number) => number | undefined): Float32Array {
  const t = new Float32Array(IMAGE_PIXELS * 3);
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    const v = value(p);
    for (let ch = 0; ch < 3; ch++) t[3 * p + ch] = v === undefined ? NOT_GIVEN[ch] : v;
  }
  return t;
}

const grey = (values: ArrayLike<number>, offset: number, scale = 1) => tile((p) => values[offset + p] / scale);

/** The held-out digits of the grid's rows. */
export function renderDigits(rows: number, seed: number): number[] {
  const rng = new Rng(deriveSeed(seed, 'np-image-render'));
  return Array.from({ length: rows }, (_, r) => (r % 10) * TEST_PER_CLASS + rng.int(0, TEST_PER_CLASS - 1));
}

export async function drawImageCompletion(trained: TrainedModel<NeuralProcess, NpConfig, NpTrainSettings>, o: RenderOptions): Promise<RenderResult> {
  const model = trained.model;
  const rows = o.scenes;
  const digits = renderDigits(rows, o.seed);
  const draws: Draw[] = ['mean', ...(model.latent ? Array.from({ length: o.samples }, (_, k) => o.seed + 1 + k) : [])];
  // tiles[r]: the row's columns, left to right; wideAfter: the last column of each group.
  const tiles: Float32Array[][] = digits.map(() => []);
  const wideAfter: number[] = [];
  let truth: Float32Array | null = null;
  for (const c of RENDER_CONTEXTS) {
    const arrays = mnistTestBatch(digits, c);
    truth = arrays.targetY;
    const batch = toPointBatch(arrays);
    const out = tf.tidy(() => model.predict(batch.contextX, batch.contextY, batch.targetX, draws).map((p) => ({ mean: p.mean.dataSync(), sigma: p.sigma.dataSync() })));
    disposePointBatch(batch);
    digits.forEach((_, r) => {
      const given = new Map<number, number>();
      for (let i = 0; i < c; i++) {
        // Context x is (2 row / 27 - 1, 2 column / 27 - 1): back to the pixel's index.
        const row = Math.round((arrays.contextX[2 * (r * c + i)] + 1) * (IMAGE_SIDE - 1) / 2);
        const col = Math.round((arrays.contextX[2 * (r * c + i) + 1] + 1) * (IMAGE_SIDE - 1) / 2);
        given.set(row * IMAGE_SIDE + col, arrays.contextY[r * c + i]);
      }
      const at = r * IMAGE_PIXELS;
      tiles[r].push(
        tile((p) => given.get(p)),
        grey(out[0].mean, at),
        grey(out[0].sigma, at, SIGMA_WHITE),
        ...out.slice(1).map((s) => grey(s.mean, at)),
      );
    });
    wideAfter.push(tiles[0].length - 1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  digits.forEach((_, r) => tiles[r].push(grey(truth!, r * IMAGE_PIXELS)));

  const samples = model.latent ? `, ${o.samples} means decoded from z ~ q(z | C)` : '';
  return {
    png: tileGrid(tiles, IMAGE_SIDE, o.zoom, wideAfter),
    caption: `${rows} held-out digits; for ${RENDER_CONTEXTS.join(', ')} context pixels: the context (blue: not given), ${model.kind}'s mean${model.latent ? ' (z at the prior mean)' : ''}, its sigma (black 0 to white ${SIGMA_WHITE})${samples}; last column: the truth`,
  };
}
