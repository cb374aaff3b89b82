/**
 * Honest evaluation of a run on a dataset split: -ELBO, NLL and KL (nats per image and bits per
 * dimension, at the sigma the run had reached), and PSNR/SSIM of prior samples (no target seen)
 * and of posterior reconstructions (target seen), each as a function of the number of context
 * views M. Every test scene contributes one query view and K-1 context views; M = 1, 2, ...
 * uses the first M of them, so the contexts are nested and the query is the same for every M.
 * A control row repeats the largest M with every scene's contexts taken from the next scene in
 * the batch: if the model uses its representation, that row is clearly worse.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { listShards, type Split } from '../data/layout.js';
import { openReader } from '../data/prefetch.js';
import { readSceneRecords, viewCount } from '../data/records.js';
import { loadRun } from '../models/gqn/load-run.js';
import { deriveSeed } from '../random/rng.js';
import { linearAt } from '../train/schedules.js';
import { psnr, ssim } from './image-metrics.js';

export interface ContextResult {
  contextViews: number;
  elbo: number;
  nll: number;
  kl: number;
  elboBitsPerDim: number;
  nllBitsPerDim: number;
  klBitsPerDim: number;
  psnrPrior: number;
  ssimPrior: number;
  psnrPosterior: number;
  ssimPosterior: number;
}

export interface EvalReport {
  run: string;
  checkpoint: string;
  step: number;
  data: string;
  split: Split;
  scenes: number;
  sigma: number;
  imageSize: number;
  results: ContextResult[];
  /** The largest M with another scene's context views (null when every batch held one scene). */
  wrongScene: ContextResult | null;
}

export interface EvalOptions {
  data: string;
  split: Split;
  /** Scenes to evaluate (default 256, or all if fewer). */
  scenes: number;
  batch: number;
  /** Context counts to evaluate; default 1..K-1. */
  contexts?: number[];
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/** K, the views of the split's first scene (the reader checks that every batch has them). */
async function viewsPerScene(dir: string, split: Split): Promise<number> {
  const shards = listShards(join(dir, split));
  if (shards.length === 0) throw new Error(`${join(dir, split)}: no .tfrecord files`);
  for await (const scene of readSceneRecords(shards[0])) return viewCount(scene);
  throw new Error(`${shards[0]}: no records`);
}

export async function evaluateRun(runDir: string, opts: EvalOptions): Promise<EvalReport> {
  const { model, config, checkpoint, step } = await loadRun(runDir);
  const sigma = linearAt(config.train.sigma, step);
  const s = config.model.imageSize;
  const d = s * s * config.model.imageChannels;
  type Sums = Record<keyof Omit<ContextResult, 'contextViews'>, number>;
  const zero = (): Sums => ({ elbo: 0, nll: 0, kl: 0, elboBitsPerDim: 0, nllBitsPerDim: 0, klBitsPerDim: 0, psnrPrior: 0, ssimPrior: 0, psnrPosterior: 0, ssimPosterior: 0 });
  const sums = new Map<number, Sums>();
  let seen = 0;
  const k = await viewsPerScene(opts.data, opts.split);
  // Every batch has k - 1 context views (the reader checks), so the context counts are fixed.
  const contexts = (opts.contexts ?? Array.from({ length: k - 1 }, (_, i) => i + 1)).filter((m) => m <= k - 1);
  const mMax = Math.max(0, ...contexts);
  const wrong = { seen: 0, sums: zero() };
  const reader = openReader({
    dir: opts.data, split: opts.split, batchSize: opts.batch, contextViews: k - 1, queryViews: 1,
    seed: opts.seed, shuffle: false, epochs: 1, imageSize: s, prefetch: 1,
  });
  try {
    for (;;) {
      const b = await reader.next();
      if (b == null || seen >= opts.scenes) break;
      const n = Math.min(b.contextImages.shape[0], opts.scenes - seen);
      tf.tidy(() => {
        const ctx = tf.tensor5d(b.contextImages.data, b.contextImages.shape as [number, number, number, number, number]).slice(0, n);
        const ctxV = tf.tensor3d(b.contextViewpoints.data, b.contextViewpoints.shape as [number, number, number]).slice(0, n);
        const qShape = b.queryImages.shape;
        const query = tf.tensor4d(b.queryImages.data, [qShape[0], s, s, qShape[4]]).slice(0, n);
        const queryV = tf.tensor2d(b.queryViewpoints.data, [qShape[0], b.queryViewpoints.shape[2]]).slice(0, n);
        const truth = query.dataSync() as Float32Array;
        // Adds the batch's per-image figures for one context set to `acc`.
        const score = (m: number, ctxImages: tf.Tensor5D, ctxViews: tf.Tensor3D, acc: Sums, stream: string): void => {
          const batch = { contextImages: ctxImages, contextViewpoints: ctxViews, queryImage: query as tf.Tensor4D, queryViewpoint: queryV as tf.Tensor2D };
          const e = model.elbo(batch, sigma, model.noise(n, deriveSeed(opts.seed, `${stream}-posterior`, seen, m)));
          const prior = model.sample(batch.queryViewpoint, e.r, model.noise(n, deriveSeed(opts.seed, `${stream}-prior`, seen, m)));
          const nll = e.nll.dataSync();
          const kl = e.kl.dataSync();
          const post = e.mean.dataSync() as Float32Array;
          const pri = prior.dataSync() as Float32Array;
          for (let i = 0; i < n; i++) {
            const img = (a: Float32Array) => a.subarray(i * d, (i + 1) * d);
            acc.nll += nll[i];
            acc.kl += kl[i];
            acc.psnrPrior += psnr(img(pri), img(truth));
            acc.ssimPrior += ssim(img(pri), img(truth), s);
            acc.psnrPosterior += psnr(img(post), img(truth));
            acc.ssimPosterior += ssim(img(post), img(truth), s);
          }
        };
        for (const m of contexts) {
          const acc = sums.get(m) ?? zero();
          score(m, ctx.slice([0, 0], [n, m]) as tf.Tensor5D, ctxV.slice([0, 0], [n, m]) as tf.Tensor3D, acc, 'eval');
          sums.set(m, acc);
        }
        if (n >= 2 && mMax > 0) {
          // Roll the batch by one scene: each query gets the next scene's contexts.
          const roll = <T extends tf.Tensor>(t: T): T => tf.concat([t.slice(1, n - 1), t.slice(0, 1)]) as T;
          score(mMax, roll(ctx.slice([0, 0], [n, mMax]) as tf.Tensor5D), roll(ctxV.slice([0, 0], [n, mMax]) as tf.Tensor3D), wrong.sums, 'eval-wrong-scene');
          wrong.seen += n;
        }
      });
      seen += n;
      opts.onProgress?.(seen, opts.scenes);
    }
  } finally {
    await reader.close();
    model.dispose();
  }
  if (seen === 0) throw new Error(`${opts.data}: no ${opts.split} scenes were read`);
  const bits = (nats: number) => nats / (d * Math.LN2);
  const average = (m: number, a: Sums, count: number): ContextResult => {
    const nll = a.nll / count;
    const kl = a.kl / count;
    return {
      contextViews: m, elbo: nll + kl, nll, kl,
      elboBitsPerDim: bits(nll + kl), nllBitsPerDim: bits(nll), klBitsPerDim: bits(kl),
      psnrPrior: a.psnrPrior / count, ssimPrior: a.ssimPrior / count, psnrPosterior: a.psnrPosterior / count, ssimPosterior: a.ssimPosterior / count,
    };
  };
  const results = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([m, a]) => average(m, a, seen));
  const wrongScene = wrong.seen > 0 ? average(mMax, wrong.sums, wrong.seen) : null;
  return { run: runDir, checkpoint, step, data: opts.data, split: opts.split, scenes: seen, sigma, imageSize: s, results, wrongScene };
}
