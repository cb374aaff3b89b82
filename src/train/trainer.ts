/**
 * The training loop behind `gqn train`: batches from the dataset reader, one `trainStep` each
 * with the annealed sigma and learning rate, metrics to RUN/metrics.jsonl and TensorBoard,
 * a checkpoint every N steps, at the end, and on SIGINT/SIGTERM. `resume` continues the same
 * curve: weights, Adam's moments and step, the reader's position and the noise stream all come
 * back from the checkpoint, so the resumed run computes what the uninterrupted one would have.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../data/atomic.js';
import { readManifest } from '../data/manifest.js';
import { openReader } from '../data/prefetch.js';
import { GQN } from '../models/gqn/gqn.js';
import { deriveSeed } from '../random/rng.js';
import { Adam } from './adam.js';
import { disposeBatch, toQueryBatch } from './batch.js';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { writeDatasetRecord } from './dataset-record.js';
import { readRunConfig, writeRunConfig, type RunConfig } from './run-config.js';
import { linearAt } from './schedules.js';
import { trainStep } from './step.js';
import { EventWriter } from './tensorboard.js';

/** Drops metric lines logged after the checkpoint a run resumes from, so the curve has no repeats. */
async function truncateMetrics(path: string, step: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  const kept = text.split('\n').filter((line) => line.trim() && (JSON.parse(line) as Metrics).step <= step);
  await writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
}

export interface Metrics {
  step: number;
  time: string;
  elbo: number;
  nll: number;
  kl: number;
  sigma: number;
  lr: number;
  gradNorm: number;
  stepsPerSecond: number;
  rejected: number;
}

export interface TrainHooks {
  /** After every step (for progress bars). */
  onStep?: (m: Metrics) => void;
  /** Plain-text notes (checkpoints, rejected steps). */
  onNote?: (text: string) => void;
  /** Polled every step; true stops the run after a checkpoint. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  step: number;
  rejected: number;
  stoppedEarly: boolean;
  lastCheckpoint: string | null;
}

/**
 * Trains the run in `runDir`. A new run writes `config` to RUN/config.json; with `resume`, the
 * run's own config.json is used (and `config` must be null or equal in its model part) and
 * training continues from the latest checkpoint. `steps` may be raised on resume.
 */
export async function train(runDir: string, config: RunConfig, resume: boolean, hooks: TrainHooks = {}): Promise<TrainResult> {
  await mkdir(runDir, { recursive: true });
  const checkpoint = resume ? await latestCheckpoint(runDir) : null;
  if (resume && checkpoint == null) hooks.onNote?.(`no checkpoint in ${runDir}: starting from step 0`);
  if (checkpoint) {
    const saved = await readRunConfig(runDir);
    if (JSON.stringify(saved.model) !== JSON.stringify(config.model)) {
      throw new Error(`${join(runDir, 'config.json')}: the run's model config differs from the one requested; resume with the same preset`);
    }
    config = { ...saved, train: { ...saved.train, steps: config.train.steps } };
  }
  await writeRunConfig(runDir, config);
  const t = config.train;
  // From the data's manifest, not an earlier record: a new run may reuse a folder.
  const dataset = (await readManifest(t.data))?.settings;
  if (dataset) await writeDatasetRecord(runDir, dataset);

  const model = new GQN(config.model, t.seed);
  const adam = new Adam(t.adam);
  let step = 0;
  let rejected = 0;
  let readerState: unknown;
  if (checkpoint) {
    const state = await loadCheckpoint(checkpoint, model.store, adam);
    step = state.step;
    await truncateMetrics(join(runDir, 'metrics.jsonl'), step);
    rejected = Number(state.extra.rejected ?? 0);
    readerState = state.reader;
    hooks.onNote?.(`resumed from ${checkpoint} at step ${step}`);
  }
  const reader = openReader({
    dir: t.data, split: 'train', batchSize: t.batch, contextViews: t.contextViews, queryViews: 1,
    seed: t.seed, imageSize: config.model.imageSize, resume: readerState as never, prefetch: 2,
  });
  const events = await EventWriter.create(join(runDir, 'tensorboard'));
  const metricsPath = join(runDir, 'metrics.jsonl');
  let lastCheckpoint: string | null = checkpoint;
  const save = async () => {
    lastCheckpoint = await saveCheckpoint(runDir, model.store, adam, {
      step, adamStep: adam.step, reader: reader.state(), extra: { rejected },
    });
    hooks.onNote?.(`checkpoint ${lastCheckpoint}`);
  };

  let stoppedEarly = false;
  const started = performance.now();
  const startStep = step;
  try {
    while (step < t.steps) {
      if (hooks.shouldStop?.()) {
        stoppedEarly = true;
        break;
      }
      const b = await reader.next();
      if (b == null) throw new Error(`${t.data}: the training split ran out of batches`);
      const batch = toQueryBatch(b);
      const sigma = linearAt(t.sigma, step);
      const lr = linearAt(t.lr, step);
      const r = trainStep(model, adam, batch, sigma, lr, deriveSeed(t.seed, 'noise', step));
      disposeBatch(batch);
      step += 1;
      if (!r.applied) {
        rejected += 1;
        hooks.onNote?.(`step ${step}: non-finite loss or gradient (-ELBO ${r.elbo}, |g| ${r.gradNorm}); step rejected (${rejected} so far)`);
      }
      const m: Metrics = {
        step, time: new Date().toISOString(), elbo: r.elbo, nll: r.nll, kl: r.kl, sigma, lr,
        gradNorm: r.gradNorm, stepsPerSecond: (step - startStep) / ((performance.now() - started) / 1000), rejected,
      };
      hooks.onStep?.(m);
      if (step % t.logEvery === 0 || step === t.steps || !r.applied) {
        await appendFile(metricsPath, `${JSON.stringify(m)}\n`);
        await events.scalars(step, { elbo: m.elbo, nll: m.nll, kl: m.kl, sigma, lr, grad_norm: m.gradNorm, rejected });
      }
      if (step % t.checkpointEvery === 0 && step < t.steps) await save();
    }
    if (step > startStep || lastCheckpoint == null) await save();
  } finally {
    await reader.close();
    adam.dispose();
    model.dispose();
  }
  return { step, rejected, stoppedEarly, lastCheckpoint };
}
