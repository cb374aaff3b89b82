/**
 * `gqn eval` for the Neural Processes: the target log-likelihood per point on the GP task's fixed
 * test set (src/tasks/gp-test-set.ts: 1,000 functions, the same for every run of a task), for
 * several context sizes, beside the oracle GP that knows each function's kernel.
 *
 * - target: (1/T) log p(y_T | x_T, C) on the 100 held-out points, the model's joint likelihood
 *   (the CNP's is exact; the NP's and ANP's an importance-sampled lower bound with
 *   EVAL_SAMPLES draws, NeuralProcess.targetLogLikelihood);
 * - context: the same on the context points themselves (how well the model fits what it saw);
 * - oracle: the exact GP predictive with the true kernel, jointly and as a product of marginals
 *   (the best a model that predicts each target independently, like the CNP, can do).
 *
 * Per-point figures are averaged over the functions; `stderr` is the standard error of that mean.
 */

import type { EvalOptions, TrainedModel } from '../models/model.js';
import type { NpConfig } from '../models/np/config.js';
import type { NeuralProcess } from '../models/np/neural-process.js';
import { disposePointBatch, toPointBatch, type PointBatch } from '../models/np/point-batch.js';
import type { NpTrainSettings } from '../models/np/task.js';
import { deriveSeed } from '../random/rng.js';
import { gpOracleLogLikelihood, gpTestBatch, makeGpTestSet, type GpTestSet } from '../tasks/gp-test-set.js';
import { table } from './text-table.js';

/** The test set's seed: fixed, so that every run of a task is scored on the same functions. */
export const GP_TEST_SEED = 20190101;
/** Importance samples per function for the latent models' log-likelihood. */
export const EVAL_SAMPLES = 32;
export const DEFAULT_CONTEXTS = [3, 10, 30];

export interface MeanAndError {
  mean: number;
  stderr: number;
}

export interface FunctionContextResult {
  contexts: number;
  /** Log-likelihood per held-out target point, nats. */
  target: MeanAndError;
  /** Log-likelihood per context point, nats. */
  context: MeanAndError;
  /** The oracle GP's log-likelihood per held-out target point: joint, and the product of its marginals. */
  oracleJoint: MeanAndError;
  oracleMarginals: MeanAndError;
}

/** What every Neural Process eval report starts with (this one's and image-eval.ts's). */
export interface NpReportHeader {
  run: string;
  checkpoint: string;
  step: number;
  kind: string;
  task: string;
  testSeed: number;
  targets: number;
  samples: number;
}

export interface FunctionEvalReport extends NpReportHeader {
  functions: number;
  results: FunctionContextResult[];
}

/** Running mean and standard error of the mean. */
export class Moments {
  private n = 0;
  private sum = 0;
  private sumSq = 0;

  add(x: number): void {
    this.n += 1;
    this.sum += x;
    this.sumSq += x * x;
  }

  get value(): MeanAndError {
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sumSq / this.n - mean * mean);
    return { mean, stderr: Math.sqrt(variance / Math.max(1, this.n - 1)) };
  }
}

/** log p per function [B] of the batch's targets, read back. */
export function logLikelihoods(model: NeuralProcess, batch: PointBatch, seed: number, samples = EVAL_SAMPLES): Float32Array {
  const ll = model.targetLogLikelihood(batch, samples, seed);
  const values = ll.dataSync() as Float32Array;
  ll.dispose();
  return values;
}

export async function evaluateFunctions(trained: TrainedModel<NeuralProcess, NpConfig, NpTrainSettings>, o: EvalOptions): Promise<FunctionEvalReport> {
  const task = trained.config.train.task;
  if (task.name !== 'gp') throw new Error(`train.task.name: the function evaluation is the gp task's, the run's is ${task.name}`);
  if (o.digits !== undefined) throw new Error(`--digits: only for a run of the mnist task; this run's task is ${task.name}`);
  const contexts = o.contexts ?? DEFAULT_CONTEXTS;
  const set: GpTestSet = makeGpTestSet(task, GP_TEST_SEED);
  for (const c of contexts) if (c > set.contextPool) throw new Error(`--contexts: at most ${set.contextPool} (the test set's context pool), got ${c}`);
  const n = set.x.length;
  const model = trained.model;
  const results: FunctionContextResult[] = [];
  let done = 0;
  for (const c of contexts) {
    const target = new Moments();
    const context = new Moments();
    const oracleJoint = new Moments();
    const oracleMarginals = new Moments();
    for (let start = 0; start < n; start += o.batch) {
      const end = Math.min(n, start + o.batch);
      const arrays = gpTestBatch(set, start, end, c);
      const batch = toPointBatch(arrays);
      // The context scored as targets: the posterior of C u C is the prior's (a mean or an
      // attention over a set with every point twice equals the one over the set).
      const onContext: PointBatch = { contextX: batch.contextX, contextY: batch.contextY, targetX: batch.contextX, targetY: batch.contextY };
      const seed = deriveSeed(o.seed, 'np-eval', c, start);
      const lt = logLikelihoods(model, batch, seed);
      const lc = logLikelihoods(model, onContext, seed + EVAL_SAMPLES);
      disposePointBatch(batch);
      for (let b = 0; b < end - start; b++) {
        target.add(lt[b] / set.targets);
        context.add(lc[b] / c);
        const oracle = gpOracleLogLikelihood(set, start + b, c);
        oracleJoint.add(oracle.joint / set.targets);
        oracleMarginals.add(oracle.marginals / set.targets);
      }
      done += end - start;
      o.onProgress?.(done, n * contexts.length);
      // Let a signal reach the process between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    results.push({ contexts: c, target: target.value, context: context.value, oracleJoint: oracleJoint.value, oracleMarginals: oracleMarginals.value });
  }
  return {
    run: trained.run, checkpoint: trained.checkpoint, step: trained.step, kind: model.kind, task: task.name,
    testSeed: GP_TEST_SEED, functions: n, targets: set.targets, samples: model.latent ? EVAL_SAMPLES : 0, results,
  };
}

export function formatFunctionReport(r: FunctionEvalReport): string {
  const f = (x: MeanAndError) => `${x.mean.toFixed(3)} ± ${x.stderr.toFixed(3)}`;
  const how = r.samples > 0 ? `importance-sampled with ${r.samples} draws from q(z | C u T), a lower bound` : 'exact';
  return [
    `run ${r.run} (${r.kind}, step ${r.step}): ${r.functions} test functions of the ${r.task} task (seed ${r.testSeed}), ${r.targets} held-out targets each`,
    `Log-likelihood per point, nats (mean ± standard error over functions; the model's is ${how}; the oracle is the GP with each function's true kernel):`,
    ...table(['contexts', 'target', 'context', 'oracle (joint)', 'oracle (marginals)'], r.results.map((x) => [
      String(x.contexts), f(x.target), f(x.context), f(x.oracleJoint), f(x.oracleMarginals),
    ])),
  ].join('\n');
}
