/** Builds the model of a run folder and loads its latest (or a given) checkpoint. */
import { join } from 'node:path';

import { latestCheckpoint, loadWeights } from '../../train/checkpoint.js';
import { readRunConfig, type RunConfig } from '../../train/run-config.js';
import { GQN } from './gqn.js';

export interface LoadedRun {
  model: GQN;
  config: RunConfig;
  checkpoint: string;
  step: number;
}

export async function loadRun(runDir: string, checkpoint?: string): Promise<LoadedRun> {
  const config = await readRunConfig(runDir);
  const dir = checkpoint ?? (await latestCheckpoint(runDir));
  if (dir == null) throw new Error(`${runDir}: the run has no checkpoint yet (checkpoints/latest.json is missing)`);
  const model = new GQN(config.model, config.train.seed);
  try {
    const meta = await loadWeights(join(dir, 'model.safetensors'), model.store);
    return { model, config, checkpoint: dir, step: Number(meta.step ?? 0) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
