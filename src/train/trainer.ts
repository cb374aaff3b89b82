/**
 * The training loop behind `gqn train`, for a model of any registered kind (src/models/registry.ts):
 * batches from the kind's stream (the GQN: the scene reader on --data; the kind owns its data and
 * batch type), one `trainStep` each on the model's objective (which anneals what is its own, e.g.
 * the GQN's sigma) with the annealed learning rate, metrics to RUN/metrics.jsonl and TensorBoard,
 * a checkpoint every N steps, at the end, and on SIGINT/SIGTERM. `resume` continues the same
 * curve: weights, Adam's moments and step, the stream's state and the noise stream all come
 * back from the checkpoint, so the resumed run computes what the uninterrupted one would have.
 * The run folder is RunFolder's (run-folder.ts); how a run starts or resumes, run-start.ts.
 * A run whose last REJECTED_LIMIT steps were all rejected stops with an error and saves nothing.
 */
import type { ReaderState } from '../models/model.js';
import { kindOf } from '../models/registry.js';
import { linearAt } from '../models/schedules.js';
import { deriveSeed } from '../random/rng.js';
import { Adam } from './adam.js';
import { checkpointFiles, loadCheckpoint } from './checkpoint.js';
import type { RunConfig } from './run-config.js';
import { startNewRun, startResume } from './run-start.js';
import { trainStep } from './step.js';

/**
 * Consecutive rejected steps that stop a run. A rejected step leaves the weights as they were,
 * but a streak means the last applied step(s) diverged (e.g. a huge learning rate makes one
 * finite but ruinous update, after which every loss is non-finite): those weights must not be
 * saved over the good checkpoints.
 */
export const REJECTED_LIMIT = 50;

export interface Metrics {
  step: number;
  time: string;
  /**
   * The objective's loss and scalars, then its settings, by name, in the order of the kind's
   * `metrics` (the GQN: elbo, nll, kl in nats per image, batch means, then sigma).
   */
  values: Record<string, number>;
  lr: number;
  gradNorm: number;
  stepsPerSecond: number;
  rejected: number;
}

/**
 * A metrics.jsonl line (and what TensorBoard gets): the values in place, so a GQN run logs
 * step, time, elbo, nll, kl, sigma, lr, gradNorm, stepsPerSecond, rejected.
 */
export function metricsLine(m: Metrics): Record<string, number | string> {
  const { step, time, values, lr, gradNorm, stepsPerSecond, rejected } = m;
  return { step, time, ...values, lr, gradNorm, stepsPerSecond, rejected };
}

export interface TrainHooks {
  /** After every step (for progress bars). */
  onStep?: (m: Metrics) => void;
  /** Plain-text notes (checkpoints, rejected steps). */
  onNote?: (text: string) => void;
  /** Polled every step; true stops the run after a checkpoint. */
  shouldStop?: () => boolean;
}

export interface TrainOptions {
  /** On resume: accept flags that differ from the run's config.json, recording each change. */
  override?: boolean;
  /** Consecutive rejected steps that stop the run (default REJECTED_LIMIT). */
  rejectedLimit?: number;
  /** Skip and count corrupt records (bad CRC, unparsable example, bad JPEG) instead of stopping (the GQN's scene data). */
  skipCorrupt?: boolean;
}

export interface TrainResult {
  step: number;
  rejected: number;
  stoppedEarly: boolean;
  lastCheckpoint: string | null;
  /** Corrupt records (items of the kind's data) skipped in this session (with skipCorrupt). */
  skippedRecords: number;
}

/**
 * Trains the run in `runDir`. A new run (an empty or absent folder) writes `config`; with
 * `resume`, `config` is what the command line asks for, checked against the run's config.json
 * (resume-plan.ts), and training continues from the latest checkpoint. Either way every input
 * is checked before anything is written, and the folder is locked while training.
 */
export async function train(runDir: string, config: RunConfig, resume: boolean, hooks: TrainHooks = {}, options: TrainOptions = {}): Promise<TrainResult> {
  const note = (text: string) => hooks.onNote?.(text);
  const start = resume ? await startResume(runDir, config, options.override === true, note) : await startNewRun(runDir, config, note);
  const { folder, checkpoint } = start;
  config = start.config;
  const t = config.train;
  const kind = kindOf(config);
  const model = kind.create(config.model, t.seed);
  const objective = model.objective(t);
  const lossLabel = kind.metrics.find((s) => s.key === objective.lossKey)?.label ?? objective.lossKey;
  const adam = new Adam(t.adam);
  let step = 0;
  let rejected = 0;
  let readerState: ReaderState | undefined;
  try {
    if (checkpoint) {
      const state = await loadCheckpoint(checkpoint.dir, model.store, adam);
      step = state.step;
      rejected = Number(state.extra.rejected ?? 0);
      readerState = state.reader;
    }
    // Only now, with the checkpoint loaded, does the resume write anything.
    await start.commit();
  } catch (e) {
    adam.dispose();
    model.dispose();
    await folder.release();
    throw e;
  }
  if (checkpoint) note(`resumed from ${checkpoint.dir} at step ${step}`);
  const reader = kind.data.open(config.model, t, { batch: t.batch, seed: t.seed, resume: readerState, skipCorrupt: options.skipCorrupt === true });
  let skippedSeen = 0;
  let lastCheckpoint: string | null = checkpoint?.dir ?? null;
  const save = async () => {
    lastCheckpoint = await folder.saveCheckpoint(step, checkpointFiles(model.store, adam, {
      step, adamStep: adam.step, reader: reader.state(), extra: { rejected },
    }));
    note(`checkpoint ${lastCheckpoint}`);
  };
  // Consecutive rejected steps ending at the current one.
  let streak = 0;
  const held = () => `the latest checkpoint stays ${lastCheckpoint ?? 'none (the run has none yet)'}`;

  let stoppedEarly = false;
  const started = performance.now();
  const startStep = step;
  try {
    const events = await folder.events();
    while (step < t.steps) {
      // The steps are synchronous and a buffered batch resolves without I/O, so without this a
      // SIGINT/SIGTERM handler only ran at the next metrics line (logEvery steps later).
      await new Promise((resolve) => setImmediate(resolve));
      if (hooks.shouldStop?.()) {
        stoppedEarly = true;
        break;
      }
      const batch = await reader.next();
      for (; skippedSeen < reader.skipped.length; skippedSeen++) note(reader.skipped[skippedSeen]);
      if (batch == null) throw new Error(`the training data (${kind.data.description}) ran out of batches`);
      const settings = objective.settings(step);
      const lr = linearAt(t.lr, step);
      const r = trainStep(model, objective, adam, batch, step, lr, deriveSeed(t.seed, 'noise', step));
      reader.dispose(batch);
      step += 1;
      streak = r.applied ? 0 : streak + 1;
      if (!r.applied) {
        rejected += 1;
        note(`step ${step}: non-finite loss or gradient (${lossLabel} ${r.loss}, |g| ${r.gradNorm}); step rejected (${rejected} so far)`);
      }
      const m: Metrics = {
        step, time: new Date().toISOString(), values: { ...r.values, ...settings }, lr,
        gradNorm: r.gradNorm, stepsPerSecond: (step - startStep) / ((performance.now() - started) / 1000), rejected,
      };
      hooks.onStep?.(m);
      if (step % t.logEvery === 0 || step === t.steps || !r.applied) {
        await folder.appendMetrics(metricsLine(m));
        await events.scalars(step, { ...m.values, lr, grad_norm: m.gradNorm, rejected });
      }
      if (streak >= (options.rejectedLimit ?? REJECTED_LIMIT) || (streak > 0 && step === t.steps)) {
        const what = streak === step - startStep ? `all ${streak} steps of this session were` : `the last ${streak} steps were all`;
        const at = [`lr ${lr}`, ...Object.entries(settings).map(([k, v]) => `${k} ${v}`)].join(', ');
        throw new Error(`stopped at step ${step}: ${what} rejected (non-finite loss or gradient at ${at}: the weights diverged); nothing saved, ${held()}; resume with a lower --lr-start/--lr-end and --override`);
      }
      if (step % t.checkpointEvery === 0 && step < t.steps) {
        if (streak === 0) await save();
        else note(`step ${step}: checkpoint skipped: the last ${streak} steps were rejected; ${held()}`);
      }
    }
    if (streak > 0) note(`stopped on a rejected step: not checkpointed; ${held()}`);
    else if (step > startStep || lastCheckpoint == null) await save();
  } finally {
    await reader.close();
    adam.dispose();
    model.dispose();
    await folder.release();
  }
  return { step, rejected, stoppedEarly, lastCheckpoint, skippedRecords: reader.skipped.length };
}
