/**
 * What a resume may change in a run's config.json. The model never (its kind, and its
 * configuration: the weights are its shape);
 * `--steps` only to a step past the checkpoint (that is how a run continues); a kind's `--data`
 * (the GQN's) to another folder holding the same dataset (runs move between machines), judged by
 * the manifest settings, not the path; anything else only with `--override`. Every accepted change is recorded in
 * config.json's `overrides` with the step it took effect at.
 */
import { resolve } from 'node:path';

import { settingsDiff, type DatasetSettings } from '../data/manifest.js';
import { DEFAULT_KIND, trainFlags } from '../models/registry.js';
import type { RunChange, RunConfig } from './run-config.js';

/**
 * The flag that sets each train field: those every kind has, then the kinds' own (the GQN's
 * --data, --context-views, --sigma-*); fields without one are named by their path.
 */
const FLAGS: Record<string, string> = {
  'train.preset': '--preset', 'train.batch': '--batch', 'train.steps': '--steps', 'train.seed': '--seed',
  'train.lr.start': '--lr-start', 'train.lr.end': '--lr-end', 'train.lr.steps': '--lr-steps',
  'train.checkpointEvery': '--checkpoint-every', 'train.logEvery': '--log-every',
  ...Object.fromEntries(trainFlags().flatMap(({ spec }) => (spec.field ? [[spec.field, spec.flag]] : []))),
};

export function flagOf(field: string): string {
  return FLAGS[field] ?? field;
}

function flatten(value: unknown, prefix: string, out = new Map<string, unknown>()): Map<string, unknown> {
  if (value != null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (rest.length === 0) target[head] = value;
  else setPath((target[head] ??= {}) as Record<string, unknown>, rest, value);
}

const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

export interface ResumeInput {
  saved: RunConfig;
  requested: RunConfig;
  /** The step the resume starts at (0 without a checkpoint) and where that is, for messages. */
  step: number;
  at: string;
  configPath: string;
  /** RUN/dataset.json, and the manifest settings of the requested data folder. */
  savedDataset: DatasetSettings | null;
  newDataset: DatasetSettings | null;
  override: boolean;
}

export interface ResumePlan {
  config: RunConfig;
  changes: RunChange[];
  /** The data's settings changed (accepted with --override): RUN/dataset.json is to be replaced. */
  datasetChanged: boolean;
}

/** The config to continue with and the changes to record, or a one-line error. */
export function planResume(i: ResumeInput): ResumePlan {
  const { saved, requested } = i;
  const [savedKind, requestedKind] = [saved.kind ?? DEFAULT_KIND, requested.kind ?? DEFAULT_KIND];
  if (requestedKind !== savedKind) {
    throw new Error(`--model: the run trains a ${savedKind} model (${i.configPath}), not ${requestedKind}; a resume keeps the run's model`);
  }
  if (requested.train.preset !== saved.train.preset) {
    throw new Error(`--preset: the run trains preset ${saved.train.preset} (${i.configPath}), not ${requested.train.preset}; a resume keeps the run's model`);
  }
  const modelDiff = [...flatten(requested.model, 'model')].filter(([k, v]) => JSON.stringify(flatten(saved.model, 'model').get(k)) !== JSON.stringify(v));
  if (modelDiff.length > 0) {
    const [k, v] = modelDiff[0];
    throw new Error(`${i.configPath}: the run's model differs from preset ${requested.train.preset}'s (${k} ${show(flatten(saved.model, 'model').get(k))} -> ${show(v)}); a resume keeps the run's model`);
  }
  if (requested.train.steps <= i.step && requested.train.steps === saved.train.steps) {
    throw new Error(`--steps: the run has reached its last step, ${i.step} (${i.at}); pass --steps above ${i.step} to continue it`);
  }
  if (requested.train.steps <= i.step) {
    throw new Error(`--steps: the run is already at step ${i.step} (${i.at}); expected a step above ${i.step} to continue to, got ${requested.train.steps}`);
  }

  const old = flatten(saved.train, 'train');
  const now = flatten(requested.train, 'train');
  const changes: RunChange[] = [];
  const conflicts: string[] = [];
  let datasetChanged = false;
  for (const field of new Set([...old.keys(), ...now.keys()])) {
    const [a, b] = [old.get(field), now.get(field)];
    const differs = JSON.stringify(a) !== JSON.stringify(b);
    if (field === 'train.data') {
      const same = sameData(i, String(a), String(b));
      if (same !== true) conflicts.push(`--data ${b}: ${same}`);
      else if (!differs) continue;
      if (i.savedDataset && i.newDataset && settingsDiff(i.savedDataset, i.newDataset).length > 0) datasetChanged = true;
    } else if (!differs) {
      continue;
    } else if (field !== 'train.steps') {
      conflicts.push(`${flagOf(field)} ${show(b)} (run: ${show(a)})`);
    }
    changes.push({ step: i.step, flag: flagOf(field), field, old: a, new: b });
  }
  if (conflicts.length > 0 && !i.override) {
    throw new Error(`${i.configPath}: the resume conflicts with the run's config: ${conflicts.join('; ')}; pass --override to change ${conflicts.length > 1 ? 'them' : 'it'} (recorded in config.json)`);
  }
  const config = structuredClone(saved);
  for (const c of changes) setPath(config as unknown as Record<string, unknown>, c.field.split('.'), c.new);
  if (changes.length > 0) config.overrides = [...(saved.overrides ?? []), ...changes];
  return { config, changes, datasetChanged };
}

/** True when folder `b` holds the run's dataset (recorded from folder `a`), else why not. */
function sameData(i: ResumeInput, a: string, b: string): true | string {
  if (i.savedDataset && i.newDataset) {
    const diff = settingsDiff(i.savedDataset, i.newDataset);
    return diff.length === 0 ? true : `its manifest.json differs from the run's dataset.json (${diff.join(', ')})`;
  }
  if (resolve(a) === resolve(b)) return true;
  const missing = i.savedDataset ? `${b} has no manifest.json` : 'the run has no dataset.json';
  return `the run trained on ${a}, and ${missing} to show it is the same dataset`;
}
