/**
 * `gqn eval` for a VAE or CVAE run: the negative ELBO on a fixed split of the mnist package's
 * digits (src/models/vae/digits.ts; the test split by default), in nats per digit, with its NLL
 * (Bernoulli cross-entropy, grey levels as targets) and KL parts, overall and per class. Each
 * digit's ELBO uses one posterior sample z whose noise is drawn for that digit from --seed, so a
 * report is reproducible and does not depend on --batch.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { TrainedModel } from '../models/model.js';
import type { VaeConfig } from '../models/vae/config.js';
import { CLASSES, digitBatch, loadDigits, type DigitSplit } from '../models/vae/digits.js';
import type { VAE } from '../models/vae/vae.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { table } from './text-table.js';

export type TrainedVae = TrainedModel<VAE, VaeConfig, object>;

export interface ElboFigures {
  /** Digits averaged over. */
  digits: number;
  /** -ELBO = NLL + KL, nats per digit. */
  elbo: number;
  nll: number;
  kl: number;
}

export interface DigitEvalReport extends ElboFigures {
  run: string;
  checkpoint: string;
  step: number;
  kind: string;
  split: DigitSplit;
  likelihood: string;
  /** -ELBO in bits per pixel (784 pixels). */
  elboBitsPerPixel: number;
  /**
   * The lowest NLL the likelihood allows on these digits, nats per digit: the cross-entropy is
   * smallest at p = x, where it is the binary entropy of the grey levels, sum_i H(x_i) (0 for a
   * black or white pixel). The analogue of the GQN's NLL floor at its sigma.
   */
  nllFloor: number;
  /** The same figures per digit class, 0..9. */
  byClass: (ElboFigures & { digit: number })[];
}

export interface DigitEvalOptions {
  split: DigitSplit;
  batch: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export const LIKELIHOOD = 'Bernoulli on the grey levels in [0, 1] (cross-entropy with the grey level as target)';

/** sum_i H(x_i) over one digit's pixels, nats: the cross-entropy's minimum (p = x). */
function entropyOf(pixels: Float32Array): number {
  let h = 0;
  for (const x of pixels) if (x > 0 && x < 1) h -= x * Math.log(x) + (1 - x) * Math.log(1 - x);
  return h;
}

export async function evaluateDigits(trained: TrainedVae, o: DigitEvalOptions): Promise<DigitEvalReport> {
  const { model, step } = trained;
  const set = loadDigits(o.split);
  const z = model.config.zSize;
  const sums = Array.from({ length: CLASSES }, () => ({ digits: 0, nll: 0, kl: 0 }));
  let floor = 0;
  for (let k = 0; k < set.count; k++) floor += entropyOf(set.images.subarray(k * 784, (k + 1) * 784));
  for (let start = 0; start < set.count; start += o.batch) {
    const indices = Array.from({ length: Math.min(o.batch, set.count - start) }, (_, i) => start + i);
    const batch = digitBatch(set, indices);
    const noise = new Float32Array(indices.length * z);
    indices.forEach((k, i) => {
      const rng = new Rng(deriveSeed(o.seed, 'digit-eval', o.split, k));
      for (let j = 0; j < z; j++) noise[i * z + j] = rng.normal();
    });
    const eps = tf.tensor2d(noise, [indices.length, z]);
    const e = model.elbo(batch, eps);
    const [nll, kl] = [e.nll.dataSync(), e.kl.dataSync()];
    tf.dispose([batch.x, batch.y, eps, ...Object.values(e)]);
    indices.forEach((k, i) => {
      const c = sums[set.labels[k]];
      c.digits += 1;
      c.nll += nll[i];
      c.kl += kl[i];
    });
    o.onProgress?.(start + indices.length, set.count);
    // Lets a signal handler run between batches.
    await new Promise((r) => setImmediate(r));
  }
  const figures = (s: { digits: number; nll: number; kl: number }): ElboFigures => ({ digits: s.digits, elbo: (s.nll + s.kl) / s.digits, nll: s.nll / s.digits, kl: s.kl / s.digits });
  const all = figures(sums.reduce((a, c) => ({ digits: a.digits + c.digits, nll: a.nll + c.nll, kl: a.kl + c.kl }), { digits: 0, nll: 0, kl: 0 }));
  return {
    run: trained.run, checkpoint: trained.checkpoint, step, kind: model.kind, split: o.split, likelihood: LIKELIHOOD,
    ...all, elboBitsPerPixel: all.elbo / (model.config.imageSize ** 2 * Math.LN2), nllFloor: floor / set.count,
    byClass: sums.map((s, digit) => ({ digit, ...figures(s) })),
  };
}

export function formatDigitReport(r: DigitEvalReport): string {
  const row = (label: string, f: ElboFigures) => [label, String(f.digits), f.elbo.toFixed(2), f.nll.toFixed(2), f.kl.toFixed(2)];
  return [
    `run ${r.run} (${r.kind}, step ${r.step}), ${r.split} split of the mnist package's digits: ${r.digits} digits, 28x28`,
    `likelihood: ${r.likelihood}; nats per digit (one posterior sample each); -ELBO ${r.elboBitsPerPixel.toFixed(4)} bits per pixel`,
    `the NLL cannot go below ${r.nllFloor.toFixed(2)} nats on these digits (the binary entropy of their grey levels, reached at p = x)`,
    ...table(['digit', 'count', '-ELBO', 'NLL', 'KL'], [row('all', r), ...r.byClass.map((c) => row(String(c.digit), c))]),
  ].join('\n');
}
