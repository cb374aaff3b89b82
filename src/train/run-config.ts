/** RUN/config.json: the model configuration and how the run trains, written once at the start. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../data/atomic.js';
import { validateConfig, type GqnConfig } from '../models/gqn/config.js';
import type { AdamOptions } from './adam.js';
import type { Linear } from './schedules.js';

export interface TrainConfig {
  preset: string;
  data: string;
  batch: number;
  steps: number;
  seed: number;
  /** Context views per batch: a number, or 'random' for M ~ U{1..K-1}. */
  contextViews: number | 'random';
  sigma: Linear;
  lr: Linear;
  adam: AdamOptions;
  checkpointEvery: number;
  logEvery: number;
}

export interface RunConfig {
  format: 'gqn-run/1';
  model: GqnConfig;
  train: TrainConfig;
}

export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  await writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(runDir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read the run's config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); is ${runDir} a gqn run folder?`, { cause: e });
  }
  let config: RunConfig;
  try {
    config = JSON.parse(text) as RunConfig;
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  if (config.format !== 'gqn-run/1') throw new Error(`${path}: field format: expected 'gqn-run/1', got ${JSON.stringify(config.format)}`);
  validateConfig(config.model);
  return config;
}
