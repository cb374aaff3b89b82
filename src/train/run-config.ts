/**
 * RUN/config.json: the model's kind and configuration and how the run trains, written when the run starts
 * and when a resume changes it (RunFolder, run-folder.ts, writes it; this reads it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { kindOf, type ConfigOf, type ModelKindName, type TrainOf } from '../models/registry.js';
import type { Linear } from '../models/schedules.js';
import type { AdamOptions } from './adam.js';

/** The part of config.json's `train` every kind has; each kind adds its own (TrainOf, e.g. the GQN's data and sigma). */
export interface TrainConfigBase {
  preset: string;
  batch: number;
  steps: number;
  seed: number;
  lr: Linear;
  adam: AdamOptions;
  checkpointEvery: number;
  logEvery: number;
}

/** A value a resume changed (resume-plan.ts): which, from what to what, from which step on. */
export interface RunChange {
  step: number;
  flag: string;
  field: string;
  old: unknown;
  new: unknown;
}

/** The config.json of a run of kind N. */
export type RunConfigOf<N extends ModelKindName> = {
  format: 'gqn-run/1';
  /** The kind's configuration (for the GQN: GqnConfig, src/models/gqn/config.ts). */
  model: ConfigOf<N>;
  train: TrainConfigBase & TrainOf<N>;
  /** Every change made on resume, oldest first; absent until the first. */
  overrides?: RunChange[];
} & (N extends 'gqn'
  /** The model's kind in the registry (src/models/registry.ts); absent: 'gqn' (runs made before kinds). */
  ? { kind?: N }
  : { kind: N });

/** A run's config.json, of any registered kind (narrow on `kind`). */
export type RunConfig = { [N in ModelKindName]: RunConfigOf<N> }[ModelKindName];
/** A GQN run's config.json (what the viewer shows). */
export type GqnRunConfig = RunConfigOf<'gqn'>;
/** config.json's `train` of any kind. */
export type TrainConfig = RunConfig['train'];

export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(runDir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`${path}: cannot read the run's config: permission denied`, { cause: e });
    throw new Error(`${path}: cannot read the run's config (${code ?? (e as Error).message}); is ${runDir} a gqn run folder?`, { cause: e });
  }
  let config: RunConfig;
  try {
    config = JSON.parse(text) as RunConfig;
  } catch (e) {
    throw new Error(`${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
  if (config == null || typeof config !== 'object') throw new Error(`${path}: expected a JSON object, got ${JSON.stringify(config)}`);
  if (config.format !== 'gqn-run/1') throw new Error(`${path}: field format: expected 'gqn-run/1', got ${JSON.stringify(config.format)}`);
  try {
    kindOf(config).validate(config.model);
  } catch (e) {
    // The messages name the field (config.hChannels); the user also needs to know which file.
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
  return config;
}
