/**
 * `--data` checked before a run writes anything (a typo must not leave a config.json naming it):
 * a dataset folder with training shards whose frames and views fit the model and the flags.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { canDownscale } from '../data/downscale.js';
import { listShards } from '../data/layout.js';
import { readManifest, type DatasetSettings } from '../data/manifest.js';
import type { RunConfig } from './run-config.js';

const EXPECTED = 'expected a dataset folder such as data/shepard-metzler-7 (with train/*.tfrecord inside)';

/** The data's manifest settings (null for data without a manifest, e.g. DeepMind's), or a one-line error. */
export async function checkTrainData(config: RunConfig): Promise<DatasetSettings | null> {
  const dir = config.train.data;
  const s = await stat(dir).catch(() => null);
  if (s == null || !s.isDirectory()) throw new Error(`--data: ${dir} ${s == null ? 'does not exist' : 'is not a folder'}; ${EXPECTED}`);
  if (listShards(join(dir, 'train')).length === 0) throw new Error(`--data: ${dir} has no train/*.tfrecord files; ${EXPECTED}`);
  const settings = (await readManifest(dir))?.settings ?? null;
  if (settings == null) return null;
  const size = config.model.imageSize;
  if (!canDownscale(settings.size, size)) {
    throw new Error(`--data: ${dir} has ${settings.size}x${settings.size} frames (manifest.json); preset ${config.train.preset} needs ${size}x${size}, which must divide them`);
  }
  const m = config.train.contextViews;
  if (typeof m === 'number' && m + 1 > settings.views) {
    throw new Error(`--context-views: ${m} context views and a query view need ${m + 1} views per scene, but ${dir} has ${settings.views} (manifest.json)`);
  }
  return settings;
}
