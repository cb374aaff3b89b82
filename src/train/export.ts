/**
 * `gqn export`: a run folder reduced to what inference needs, in the same run layout (so every
 * command that takes a RUN takes it): config.json, dataset.json (how its data was made),
 * metrics.jsonl (the curve it was trained on), checkpoints/latest.json and one checkpoint's
 * model.safetensors and state.json, plus export.json, the marker that says the folder is an
 * export (only an export may be replaced by another). Adam's moments (twice the weights) are
 * left out. What is copied is checked first: the weights must parse and match the config's model.
 * Shipped files carry no machine paths: `train.data` keeps only the data folder's name.
 * This is how the shipped default model (models/default) is made.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

import { assignTorchWeights } from '../models/layers/torch-weights.js';
import { kindOf } from '../models/registry.js';
import { parseSafetensors } from '../models/safetensors.js';
import { checkCheckpointFiles, latestCheckpoint } from './checkpoint.js';
import { datasetSettingsOf } from './dataset-record.js';
import { readRunConfig, type RunConfig } from './run-config.js';
import { EXPORT_FILE, isExport, METRICS_FILE, writeExportFolder } from './run-folder.js';

export interface ExportResult {
  out: string;
  step: number;
  bytes: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** `path` with symlinks resolved as far as it exists (an absent `out` has no realpath yet). */
async function realish(path: string): Promise<string> {
  const abs = resolve(path);
  if (await exists(abs)) return realpath(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(await realish(parent), basename(abs));
}

function within(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** Refuses an `out` that is, holds or lies in the source run, or that exists and is not an export. */
async function checkOut(runDir: string, out: string, force: boolean): Promise<void> {
  const [run, dest] = [await realish(runDir), await realish(out)];
  if (within(run, dest) || within(dest, run)) {
    throw new Error(`--out: ${out} is the source run ${runDir}, inside it or holds it; expected a separate folder`);
  }
  if (!(await exists(out))) return;
  if (!(await isExport(out))) {
    throw new Error(`--out: ${out} exists and is not a gqn export (no ${EXPORT_FILE}); export writes a new folder or replaces an earlier export, nothing else`);
  }
  if (!force) throw new Error(`--out: ${out} exists; pass --force to replace it (it is an earlier export)`);
}

/** The config without machine paths: a kind's data folder (the GQN's train.data) by its name only. */
function portable(config: RunConfig): RunConfig {
  const name = (p: unknown) => (typeof p === 'string' ? basename(p) : p);
  return {
    ...config,
    train: 'data' in config.train ? { ...config.train, data: basename(config.train.data) } : config.train,
    ...(config.overrides
      ? { overrides: config.overrides.map((c) => (c.field === 'train.data' ? { ...c, old: name(c.old), new: name(c.new) } : c)) }
      : {}),
  } as RunConfig;
}

/**
 * Exports into `out`, which must not exist, or (with `force`) be an earlier export. Needs a
 * tensor backend (setupEngine): the weights are checked by loading them into the config's model.
 */
export async function exportRun(runDir: string, out: string, opts: { checkpoint?: string; force?: boolean } = {}): Promise<ExportResult> {
  const config = await readRunConfig(runDir); // validates config.json, naming the file on error
  const dir = opts.checkpoint ?? (await latestCheckpoint(runDir));
  if (dir == null) throw new Error(`${runDir}: the run has no checkpoint yet (checkpoints/latest.json is missing)`);
  const name = basename(dir);
  if (!/^\d{9}$/.test(name)) throw new Error(`--checkpoint: ${dir}: expected a checkpoint folder named by its 9-digit step`);
  await checkOut(runDir, out, opts.force === true);

  const state = await checkCheckpointFiles(dir, ['model.safetensors']);
  const weightsPath = join(dir, 'model.safetensors');
  const weights = await readFile(weightsPath);
  const model = kindOf(config).create(config.model, 0);
  try {
    // Every name and shape, both ways, against the model config.json describes.
    assignTorchWeights(model.store, parseSafetensors(weights, weightsPath).tensors, weightsPath);
  } finally {
    model.dispose();
  }
  const metrics = join(runDir, METRICS_FILE);
  await writeExportFolder(out, {
    config: portable(config),
    dataset: await datasetSettingsOf(runDir, 'data' in config.train ? config.train.data : null),
    metrics: (await exists(metrics)) ? metrics : null,
    checkpoint: { name, step: state.step, model: weights, state: await readFile(join(dir, 'state.json'), 'utf8') },
    marker: { format: 'gqn-export/1', step: state.step, checkpoint: name },
  });
  return { out, step: state.step, bytes: weights.length };
}
