/**
 * Honest evaluation of a run on a dataset split, per number of context views M:
 *
 * - view synthesis (view-synthesis.ts): PSNR/SSIM at the query camera of the prior mean and a
 *   prior sample (no target seen), the same prior mean at a wrong camera (the camera of another
 *   view of the scene: the last of its K-1 context views, so a camera the scene really has), and
 *   the model-free baselines: scene-mean oracle, context mean, nearest context view;
 * - the objective: -ELBO, NLL and KL (nats per image and bits per dimension, at the sigma the run
 *   had reached), and PSNR/SSIM of the posterior reconstruction (target seen).
 *
 * Every test scene contributes one query view and K-1 context views; M = 1, 2, ... uses the
 * first M of them, so the contexts are nested and the query is the same for every M. A control
 * row repeats the largest M with every scene's contexts taken from the next scene in the batch:
 * if the model uses its representation, that row is clearly worse.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { listShards, type Split } from '../data/layout.js';
import { openReader } from '../data/prefetch.js';
import { readSceneRecords, viewCount } from '../data/records.js';
import type { GqnConfig, GqnTrainSettings } from '../models/gqn/config.js';
import type { GQN, QueryBatch } from '../models/gqn/gqn.js';
import type { GqnScores } from '../models/gqn/objective.js';
import type { Draw, Objective, TrainedModel } from '../models/model.js';
import { deriveSeed } from '../random/rng.js';
import { psnr, ssim } from './image-metrics.js';
import { ViewScoreSums, type SceneViews, type ViewScores } from './view-synthesis.js';

interface ObjectiveScores {
  elbo: number;
  nll: number;
  kl: number;
  elboBitsPerDim: number;
  nllBitsPerDim: number;
  klBitsPerDim: number;
  psnrPosterior: number;
  ssimPosterior: number;
}

export interface ContextResult extends ObjectiveScores, ViewScores {
  contextViews: number;
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
  /** Corrupt records skipped (only with skipCorrupt; otherwise the first one is an error). */
  skippedRecords: number;
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
  /** Skip and count corrupt records instead of stopping at the first (reader option skipCorrupt). */
  skipCorrupt?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** K, the views of the split's first scene (the reader checks that every batch has them). */
async function viewsPerScene(dir: string, split: Split, skipCorrupt: boolean): Promise<number> {
  const shards = listShards(join(dir, split));
  if (shards.length === 0) throw new Error(`${join(dir, split)}: no .tfrecord files`);
  for await (const scene of readSceneRecords(shards[0], { skipCorrupt })) return viewCount(scene);
  throw new Error(`${shards[0]}: no records`);
}

/** A trained GQN as eval and render get it. */
export type TrainedGqn = TrainedModel<GQN, GqnConfig, GqnTrainSettings>;

/**
 * What the scene eval and grids ask of a trained model of the scene kinds (the GQN; JUMP with
 * one target per scene): query views from the prior given a context, and the objective on one
 * query view per scene (its NLL, KL and posterior reconstruction).
 */
export interface SceneRun {
  run: string;
  checkpoint: string;
  step: number;
  imageSize: number;
  imageChannels: number;
  predict(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoint: tf.Tensor2D, draws: readonly Draw[]): tf.Tensor4D[];
  objective: Objective<QueryBatch, GqnScores>;
}

/** A trained GQN as a SceneRun. */
export function gqnSceneRun(trained: TrainedGqn): SceneRun {
  const { model, config, run, checkpoint, step } = trained;
  return {
    run, checkpoint, step, imageSize: config.model.imageSize, imageChannels: config.model.imageChannels,
    predict: (c, cv, qv, draws) => model.predict(c, cv, qv, draws),
    objective: model.objective(config.train),
  };
}

/** Evaluates a loaded model (the caller disposes it): `gqn eval` for a gqn or jump run. */
export async function evaluateScenes(trained: SceneRun, opts: EvalOptions): Promise<EvalReport> {
  const { checkpoint, step, run: runDir, objective } = trained;
  const model = trained;
  const { sigma } = objective.settings(step);
  const s = trained.imageSize;
  const d = s * s * trained.imageChannels;
  type Sums = { nll: number; kl: number; psnrPosterior: number; ssimPosterior: number };
  const zero = (): { sums: Sums; views: ViewScoreSums } => ({ sums: { nll: 0, kl: 0, psnrPosterior: 0, ssimPosterior: 0 }, views: new ViewScoreSums(s) });
  const accs = new Map<number, ReturnType<typeof zero>>();
  let seen = 0;
  const k = await viewsPerScene(opts.data, opts.split, opts.skipCorrupt ?? false);
  // Every batch has k - 1 context views (the reader checks), so the context counts are fixed.
  const contexts = (opts.contexts ?? Array.from({ length: k - 1 }, (_, i) => i + 1)).filter((m) => m <= k - 1);
  const mMax = Math.max(0, ...contexts);
  const wrong = zero();
  const reader = openReader({
    dir: opts.data, split: opts.split, batchSize: opts.batch, contextViews: k - 1, queryViews: 1,
    seed: opts.seed, shuffle: false, epochs: 1, imageSize: s, prefetch: 1, skipCorrupt: opts.skipCorrupt,
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
        const ctxData = ctx.dataSync() as Float32Array;
        const ctxVData = ctxV.dataSync() as Float32Array;
        const queryVData = queryV.dataSync() as Float32Array;
        const image = (a: Float32Array, i: number) => a.subarray(i * d, (i + 1) * d);
        const contextImage = (a: Float32Array, i: number, j: number) => a.subarray((i * (k - 1) + j) * d, (i * (k - 1) + j + 1) * d);
        const contextView = (a: Float32Array, i: number, j: number) => a.subarray((i * (k - 1) + j) * 7, (i * (k - 1) + j + 1) * 7);
        // The wrong camera: the scene's last context view's camera, never the query's.
        const wrongV = ctxV.slice([0, k - 2], [n, 1]).reshape([n, 7]) as tf.Tensor2D;
        // Adds the batch's per-image figures for one context set to `acc`; `ctxFrom(i)` is the scene whose contexts scene i got.
        const score = (m: number, ctxImages: tf.Tensor5D, ctxViews: tf.Tensor3D, acc: ReturnType<typeof zero>, stream: string, ctxFrom: (i: number) => number): void => {
          const batch = { contextImages: ctxImages, contextViewpoints: ctxViews, queryImage: query as tf.Tensor4D, queryViewpoint: queryV as tf.Tensor2D };
          const e = objective.score(batch, step, deriveSeed(opts.seed, `${stream}-posterior`, seen, m));
          const [prior, priorMean] = model.predict(ctxImages, ctxViews, queryV as tf.Tensor2D, [deriveSeed(opts.seed, `${stream}-prior`, seen, m), 'mean']);
          const [wrongCamera] = model.predict(ctxImages, ctxViews, wrongV, ['mean']);
          const nll = e.nll.dataSync();
          const kl = e.kl.dataSync();
          const post = e.reconstruction.dataSync() as Float32Array;
          const [pri, priMean, wrongCam] = [prior, priorMean, wrongCamera].map((t) => t.dataSync() as Float32Array);
          for (let i = 0; i < n; i++) {
            acc.sums.nll += nll[i];
            acc.sums.kl += kl[i];
            acc.sums.psnrPosterior += psnr(image(post, i), image(truth, i));
            acc.sums.ssimPosterior += ssim(image(post, i), image(truth, i), s);
            const from = ctxFrom(i);
            const views: SceneViews = {
              context: Array.from({ length: m }, (_, j) => contextImage(ctxData, from, j)),
              contextViewpoints: Array.from({ length: m }, (_, j) => contextView(ctxVData, from, j)),
              allViews: [...Array.from({ length: k - 1 }, (_, j) => contextImage(ctxData, i, j)), image(truth, i)],
              query: image(truth, i),
              queryViewpoint: queryVData.subarray(i * 7, (i + 1) * 7),
            };
            acc.views.add(views, { priorMean: image(priMean, i), priorSample: image(pri, i), wrongCamera: image(wrongCam, i) });
          }
        };
        for (const m of contexts) {
          const acc = accs.get(m) ?? zero();
          score(m, ctx.slice([0, 0], [n, m]) as tf.Tensor5D, ctxV.slice([0, 0], [n, m]) as tf.Tensor3D, acc, 'eval', (i) => i);
          accs.set(m, acc);
        }
        if (n >= 2 && mMax > 0) {
          // Roll the batch by one scene: each query gets the next scene's contexts.
          const roll = <T extends tf.Tensor>(t: T): T => tf.concat([t.slice(1, n - 1), t.slice(0, 1)]) as T;
          score(mMax, roll(ctx.slice([0, 0], [n, mMax]) as tf.Tensor5D), roll(ctxV.slice([0, 0], [n, mMax]) as tf.Tensor3D), wrong, 'eval-wrong-scene', (i) => (i + 1) % n);
        }
      });
      seen += n;
      opts.onProgress?.(seen, opts.scenes);
    }
  } finally {
    await reader.close();
  }
  if (seen === 0) throw new Error(`${opts.data}: no ${opts.split} scenes were read`);
  const bits = (nats: number) => nats / (d * Math.LN2);
  const average = (m: number, a: ReturnType<typeof zero>): ContextResult => {
    const count = a.views.count;
    const nll = a.sums.nll / count;
    const kl = a.sums.kl / count;
    return {
      contextViews: m, elbo: nll + kl, nll, kl,
      elboBitsPerDim: bits(nll + kl), nllBitsPerDim: bits(nll), klBitsPerDim: bits(kl),
      psnrPosterior: a.sums.psnrPosterior / count, ssimPosterior: a.sums.ssimPosterior / count,
      ...a.views.result(),
    };
  };
  const results = [...accs.entries()].sort((a, b) => a[0] - b[0]).map(([m, a]) => average(m, a));
  const wrongScene = wrong.views.count > 0 ? average(mMax, wrong) : null;
  const skippedRecords = reader.corrupt.length;
  return { run: runDir, checkpoint, step, data: opts.data, split: opts.split, scenes: seen, sigma, imageSize: s, results, wrongScene, skippedRecords };
}
