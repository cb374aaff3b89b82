/**
 * `gqn render` for a VAE or CVAE run: PNG grids of 28x28 digits (Bernoulli means, white on black).
 *
 * - samples (VAE): rows x --samples digits decoded from z ~ p(z) = N(0, I);
 * - classes (CVAE): row d shows digits of class d decoded from z ~ p(z | y = d); every column
 *   uses the same noise eps, so a column is one "style" written as every digit;
 * - traversal: two latent dimensions swept from -2 to +2 prior standard deviations around the
 *   prior's mean (--samples points per axis), the others at the prior's mean; the two are those
 *   with the largest mean KL on the first 500 test digits (the ones the model uses most; for a
 *   2-D latent, both). A CVAE's traversal is drawn for the class --digit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tileGrid } from './tile-grid.js';

import { klDivergence } from '../models/gqn/gaussian.js';
import { CLASSES, digitBatch, loadDigits } from '../models/vae/digits.js';
import { deriveSeed } from '../random/rng.js';
import type { TrainedVae } from './digit-eval.js';

export type DigitGrid = 'samples' | 'classes' | 'traversal';

export interface DigitGridOptions {
  grid: DigitGrid;
  /** Columns (samples, classes) or points per axis (traversal). */
  samples: number;
  /** The class of a CVAE's traversal. */
  digit: number;
  zoom: number;
  seed: number;
}

/** Rows of `samples` (VAE) grids: ten, like the classes grid. */
const ROWS = 10;

/** The latent dimensions with the largest mean KL(q || p) over the first `n` test digits, most used first. */
export function activeDimensions(trained: TrainedVae, n = 500): number[] {
  const set = loadDigits('test');
  const batch = digitBatch(set, Array.from({ length: Math.min(n, set.count) }, (_, i) => Math.floor((i * set.count) / n)));
  const perDim = tf.tidy(() => {
    const q = trained.model.encode(batch.x, batch.y);
    const p = trained.model.priorOf(batch.y);
    return tf.mean(klDivergence(q.mu, q.logVar, p.mu, p.logVar), 0).dataSync() as Float32Array;
  });
  tf.dispose([batch.x, batch.y]);
  return [...perDim.keys()].sort((a, b) => perDim[b] - perDim[a]);
}

/** One-hot labels [n, 10]. */
function oneHot(labels: readonly number[]): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d([...labels], 'int32'), CLASSES).toFloat() as tf.Tensor2D);
}

/** The grid's digits, row by row (each 784 values in [0, 1]), and its caption. */
function digitsOf(trained: TrainedVae, o: DigitGridOptions): { rows: Float32Array[][]; caption: string } {
  const { model } = trained;
  const n = o.samples;
  const split = (a: Float32Array, count: number) => Array.from({ length: count }, (_, i) => a.slice(i * 784, (i + 1) * 784));
  if (o.grid === 'samples' || o.grid === 'classes') {
    // classes: row d = class d; samples: ROWS rows of the VAE's prior draws. Column j's noise is the same in every row.
    const labels = Array.from({ length: ROWS }, (_, r) => (o.grid === 'classes' ? r : 0));
    const columns = tf.tidy(() => {
      const y = oneHot(labels);
      return Array.from({ length: n }, (_, j) => {
        const eps = o.grid === 'classes' ? tf.tile(model.noise(1, deriveSeed(o.seed, 'render-column', j)), [ROWS, 1]) : model.noise(ROWS, deriveSeed(o.seed, 'render-column', j));
        const z = model.reparameterise(model.priorOf(y), eps as tf.Tensor2D);
        return tf.sigmoid(model.decode(z, y)).dataSync() as Float32Array;
      });
    });
    const rows = Array.from({ length: ROWS }, (_, r) => columns.map((c) => c.slice(r * 784, (r + 1) * 784)));
    return { rows, caption: o.grid === 'classes' ? `samples per class: row d is digit d, each column one noise draw (${n} per row)` : `${ROWS} x ${n} samples from the prior N(0, I)` };
  }
  const [i, j] = activeDimensions(trained);
  if (j === undefined) throw new Error('--grid traversal: needs a latent of two or more dimensions');
  const digit = model.conditional ? o.digit : 0;
  const values = Array.from({ length: n }, (_, k) => (n === 1 ? 0 : -2 + (4 * k) / (n - 1)));
  const images = tf.tidy(() => {
    const y = oneHot(Array.from({ length: n * n }, () => digit));
    const p = model.priorOf(y);
    // Offsets in prior standard deviations: rows sweep dimension i (top: -2), columns dimension j.
    const offsets = new Float32Array(n * n * model.config.zSize);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        offsets[(r * n + c) * model.config.zSize + i] = values[r];
        offsets[(r * n + c) * model.config.zSize + j] = values[c];
      }
    }
    const z = model.reparameterise(p, tf.tensor2d(offsets, [n * n, model.config.zSize]));
    return tf.sigmoid(model.decode(z, y)).dataSync() as Float32Array;
  });
  const cells = split(images, n * n);
  const rows = Array.from({ length: n }, (_, r) => cells.slice(r * n, (r + 1) * n));
  const cond = model.conditional ? ` for digit ${digit}` : '';
  return { rows, caption: `latent traversal${cond}: z${i} down the rows, z${j} across the columns, each from -2 to +2 prior standard deviations, other dimensions at the prior mean` };
}

/** Draws the grid (2-pixel white gaps between tiles). */
export function drawDigitGrid(trained: TrainedVae, o: DigitGridOptions): { png: Buffer; caption: string } {
  const { rows, caption } = digitsOf(trained, o);
  return { png: tileGrid(rows, trained.model.config.imageSize, o.zoom, [], 1), caption };
}
