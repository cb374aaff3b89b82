/**
 * The GQN's data: a gqn-datasets scene folder (--data), read in batches of M context views and
 * one query view per scene by the prefetching reader (src/data/prefetch.ts), whose state (seed,
 * epoch, position, batch) every checkpoint keeps. Node-side (files, a worker thread).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { canDownscale } from '../../data/downscale.js';
import { listShards } from '../../data/layout.js';
import { readManifest, type DatasetSettings } from '../../data/manifest.js';
import { openReader } from '../../data/prefetch.js';
import type { Batch } from '../../data/reader.js';
import type { BatchStream, KindData, StreamOptions } from '../model.js';
import type { GqnConfig, GqnTrainSettings } from './config.js';
import type { QueryBatch } from './gqn.js';

const EXPECTED = 'expected a dataset folder such as data/shepard-metzler-7 (with train/*.tfrecord inside)';

/**
 * `--data` checked before a run writes anything (a typo must not leave a config.json naming it):
 * a dataset folder with training shards whose frames and views fit the model and the flags.
 * Returns the data's manifest settings (null for data without a manifest, e.g. DeepMind's).
 */
export async function checkSceneData(
  model: Pick<GqnConfig, 'imageSize'>, train: Pick<GqnTrainSettings, 'data' | 'contextViews'> & { preset: string }, queryViews = 1,
): Promise<DatasetSettings | null> {
  const dir = train.data;
  const s = await stat(dir).catch(() => null);
  if (s == null || !s.isDirectory()) throw new Error(`--data: ${dir} ${s == null ? 'does not exist' : 'is not a folder'}; ${EXPECTED}`);
  if (listShards(join(dir, 'train')).length === 0) throw new Error(`--data: ${dir} has no train/*.tfrecord files; ${EXPECTED}`);
  const settings = (await readManifest(dir))?.settings ?? null;
  if (settings == null) return null;
  const size = model.imageSize;
  if (!canDownscale(settings.size, size)) {
    throw new Error(`--data: ${dir} has ${settings.size}x${settings.size} frames (manifest.json); preset ${train.preset} needs ${size}x${size}, which must divide them`);
  }
  const m = train.contextViews;
  const queries = queryViews === 1 ? 'a query view' : `${queryViews} query views`;
  if (typeof m === 'number' && m + queryViews > settings.views) {
    throw new Error(`--context-views: ${m} context views and ${queries} need ${m + queryViews} views per scene, but ${dir} has ${settings.views} (manifest.json)`);
  }
  if (m === 'random' && 1 + queryViews > settings.views) {
    throw new Error(`${queries} and at least one context view need ${1 + queryViews} views per scene, but ${dir} has ${settings.views} (manifest.json)`);
  }
  return settings;
}

/** The reader's plain arrays as the model's tensors (one query view per scene). */
export function toQueryBatch(b: Batch): QueryBatch {
  const [bs, q, h, w, c] = b.queryImages.shape;
  if (q !== 1) throw new Error(`toQueryBatch: expected one query view per scene, got ${q}`);
  const ci = b.contextImages.shape;
  return {
    contextImages: tf.tensor5d(b.contextImages.data, ci as [number, number, number, number, number]),
    contextViewpoints: tf.tensor3d(b.contextViewpoints.data, b.contextViewpoints.shape as [number, number, number]),
    queryImage: tf.tensor4d(b.queryImages.data, [bs, h, w, c]),
    queryViewpoint: tf.tensor2d(b.queryViewpoints.data, [bs, b.queryViewpoints.shape[2]]),
  };
}

/**
 * The training split of `train.data` with `queryViews` query views per scene, prefetched two
 * ahead, as the kind's batches (`toBatch` makes its tensors, `disposeBatch` frees them).
 */
export function openSceneStream<B>(
  imageSize: number, train: Pick<GqnTrainSettings, 'data' | 'contextViews'>, o: StreamOptions, queryViews: number,
  toBatch: (b: Batch) => B, disposeBatch: (batch: B) => void,
): BatchStream<B> {
  const reader = openReader({
    dir: train.data, split: 'train', batchSize: o.batch, contextViews: train.contextViews, queryViews,
    seed: o.seed, imageSize, resume: o.resume, prefetch: 2, skipCorrupt: o.skipCorrupt,
  });
  const skipped: string[] = [];
  return {
    skipped,
    async next() {
      const b = await reader.next();
      for (let i = skipped.length; i < reader.corrupt.length; i++) skipped.push(`skipped a corrupt record (--skip-corrupt): ${reader.corrupt[i].message}`);
      if (b == null) throw new Error(`${train.data}: the training split ran out of batches`);
      return toBatch(b);
    },
    state: () => reader.state(),
    dispose: disposeBatch,
    close: () => reader.close(),
  };
}

/** The training split of `train.data` as QueryBatches (one query view per scene). */
export function openSceneBatches(model: GqnConfig, train: GqnTrainSettings, o: StreamOptions): BatchStream<QueryBatch> {
  return openSceneStream(model.imageSize, train, o, 1, toQueryBatch,
    (batch) => tf.dispose([batch.contextImages, batch.contextViewpoints, batch.queryImage, batch.queryViewpoint]));
}

export const SCENE_DATA: KindData<GqnConfig, GqnTrainSettings, QueryBatch> = {
  description: 'a gqn-datasets scene folder (--data)',
  check: checkSceneData,
  open: openSceneBatches,
};
