/**
 * Builds the model of a run folder (of the kind its config.json names) and loads its latest (or a
 * given) checkpoint's weights: what eval, render and the viewer's tests start from.
 */
import { join } from 'node:path';

import { kindOf, type AnyModel } from '../models/registry.js';
import { latestCheckpoint, loadWeights } from './checkpoint.js';
import { readRunConfig, type RunConfig } from './run-config.js';

export interface LoadedRun {
  model: AnyModel;
  config: RunConfig;
  checkpoint: string;
  step: number;
}

export async function loadRun(runDir: string, checkpoint?: string): Promise<LoadedRun> {
  const config = await readRunConfig(runDir);
  const dir = checkpoint ?? (await latestCheckpoint(runDir));
  if (dir == null) throw new Error(`${runDir}: the run has no checkpoint yet (checkpoints/latest.json is missing)`);
  const model = kindOf(config).create(config.model, config.train.seed);
  try {
    const meta = await loadWeights(join(dir, 'model.safetensors'), model.store);
    return { model, config, checkpoint: dir, step: Number(meta.step ?? 0) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
