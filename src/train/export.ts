/**
 * `gqn export`: a run folder reduced to what inference needs, in the same run layout (so every
 * command that takes a RUN takes it): config.json, dataset.json (how its data was made),
 * metrics.jsonl (the curve it was trained on),
 * checkpoints/latest.json and one checkpoint's model.safetensors and state.json. Adam's moments
 * (twice the weights) are left out. This is how the shipped default model (models/default) is made.
 */
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { writeFileAtomic } from '../data/atomic.js';
import { latestCheckpoint } from './checkpoint.js';
import { datasetSettingsOf, writeDatasetRecord } from './dataset-record.js';
import { readRunConfig } from './run-config.js';

export interface ExportResult {
  out: string;
  step: number;
  bytes: number;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/**
 * Copies into `out`, which must not exist unless `force`. The copy is assembled in a temp folder
 * beside `out` and renamed into place, so an interrupted export leaves no half-made model.
 */
export async function exportRun(runDir: string, out: string, opts: { checkpoint?: string; force?: boolean } = {}): Promise<ExportResult> {
  const config = await readRunConfig(runDir); // validates config.json, naming the file on error
  const dir = opts.checkpoint ?? (await latestCheckpoint(runDir));
  if (dir == null) throw new Error(`${runDir}: the run has no checkpoint yet (checkpoints/latest.json is missing)`);
  const weights = join(dir, 'model.safetensors');
  if (!(await exists(weights))) throw new Error(`${weights}: missing; is ${dir} a checkpoint folder?`);
  if ((await exists(out)) && !opts.force) throw new Error(`--out: ${out} exists; pass --force to replace it`);
  const name = basename(dir);
  if (!/^\d{9}$/.test(name)) throw new Error(`${dir}: expected a checkpoint folder named by its 9-digit step`);
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { step: number };
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(join(tmp, 'checkpoints', name), { recursive: true });
    await copyFile(join(runDir, 'config.json'), join(tmp, 'config.json'));
    if (await exists(join(runDir, 'metrics.jsonl'))) await copyFile(join(runDir, 'metrics.jsonl'), join(tmp, 'metrics.jsonl'));
    const dataset = await datasetSettingsOf(runDir, config.train.data);
    if (dataset) await writeDatasetRecord(tmp, dataset);
    await copyFile(weights, join(tmp, 'checkpoints', name, 'model.safetensors'));
    await copyFile(join(dir, 'state.json'), join(tmp, 'checkpoints', name, 'state.json'));
    await writeFileAtomic(join(tmp, 'checkpoints', 'latest.json'), `${JSON.stringify({ step: state.step, dir: name })}\n`);
    await rm(out, { recursive: true, force: true });
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const bytes = (await stat(join(out, 'checkpoints', name, 'model.safetensors'))).size;
  return { out, step: state.step, bytes };
}
