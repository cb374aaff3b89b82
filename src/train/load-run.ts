/**
 * Builds the model of a run folder (of the kind its config.json names) and loads its latest (or a
 * given) checkpoint's weights: what eval, render and the viewer's tests start from.
 */
import { join } from 'node:path';

import { kindOf, type AnyModel } from '../models/registry.js';
import { latestCheckpoint, loadWeights } from './checkpoint.js';
import { readRunConfig, type RunConfig } from './run-config.js';

export interface LoadedRun {
  /** The run folder. */
  run: string;
  model: AnyModel;
  config: RunConfig;
  checkpoint: string;
  step: number;
}

export async function loadRun(runDir: string, checkpoint?: string): Promise<LoadedRun> {
  const config = await readRunConfig(runDir);
  const dir = checkpoint ?? (await latestCheckpoint(runDir));
  if (dir == null) throw new Error(`${runDir}: the run has no checkpoint yet (checkpoints/latest.json is missing)`);
  // The kind makes its own model class: the erased `create` returns exactly AnyModel's member for it.
  const model = kindOf(config).create(config.model, config.train.seed) as AnyModel;
  try {
    const meta = await loadWeights(join(dir, 'model.safetensors'), model.store);
    return { run: runDir, model, config, checkpoint: dir, step: Number(meta.step ?? 0) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
