/**
 * `gqn eval` for a Neural Process trained on the mnist task: the log-likelihood per pixel of the
 * 1,000 held-out digits (src/tasks/mnist-test-set.ts), all 784 pixels as targets, for several
 * context sizes whose pixels are the same for every run (nested, from a fixed seed).
 *
 * The CNP's figure is exact; the NP's and ANP's are importance-sampled lower bounds with
 * IMAGE_EVAL_SAMPLES draws from q(z | C u T) (NeuralProcess.targetLogLikelihood). Far fewer draws
 * than the GP evaluation's 32: each draw decodes all 784 pixels of 1,000 digits per context size,
 * which on one shared CPU core is most of an evaluation's time, and once the posterior has seen
 * the whole image it is narrow, so the bound is close to the ELBO's expected value already. Unlike the
 * GP evaluation there is no separate context column: the targets include the context pixels.
 */
import type { EvalOptions, TrainedModel } from '../models/model.js';
import type { NpConfig } from '../models/np/config.js';
import type { NeuralProcess } from '../models/np/neural-process.js';
import { disposePointBatch, toPointBatch } from '../models/np/point-batch.js';
import type { NpTrainSettings } from '../models/np/task.js';
import { loadDigits } from '../models/vae/digits.js';
import { deriveSeed } from '../random/rng.js';
import { IMAGE_PIXELS } from '../tasks/mnist-completion.js';
import { MNIST_TEST_SEED, mnistTestBatch } from '../tasks/mnist-test-set.js';
import { baselineLogLikelihoods } from './image-baselines.js';
import { logLikelihoods, Moments, type MeanAndError, type NpReportHeader } from './function-eval.js';
import { table } from './text-table.js';

export const IMAGE_EVAL_SAMPLES = 4;
export const MNIST_TEST_DIGITS = 1000;
export const DEFAULT_IMAGE_CONTEXTS = [10, 50, 100, 300, 784];

export interface ImageContextResult {
  contexts: number;
  /** Log-likelihood per pixel of the whole image, nats. */
  target: MeanAndError;
  /** The baselines without a model (image-baselines.ts) on the same digits and contexts. */
  marginal: MeanAndError;
  copy: MeanAndError;
}

export interface ImageEvalReport extends NpReportHeader {
  digits: number;
  results: ImageContextResult[];
}

/**
 * The held-out digits scored with --digits n: every (1000/n)-th, so that a subset keeps the ten
 * classes' shares (the test set is class by class).
 */
export function evalDigits(n: number): number[] {
  const all = loadDigits('test').count;
  if (!Number.isInteger(n) || n < 1 || n > all) throw new Error(`--digits: expected 1..${all} held-out digits, got ${n}`);
  return Array.from({ length: n }, (_, i) => Math.floor((i * all) / n));
}

export async function evaluateImages(trained: TrainedModel<NeuralProcess, NpConfig, NpTrainSettings>, o: EvalOptions): Promise<ImageEvalReport> {
  const task = trained.config.train.task;
  const contexts = o.contexts ?? DEFAULT_IMAGE_CONTEXTS;
  for (const c of contexts) if (c > IMAGE_PIXELS) throw new Error(`--contexts: at most ${IMAGE_PIXELS} pixels, got ${c}`);
  const digits = evalDigits(o.digits ?? MNIST_TEST_DIGITS);
  const n = digits.length;
  const model = trained.model;
  const results: ImageContextResult[] = [];
  let done = 0;
  for (const c of contexts) {
    const target = new Moments();
    const marginal = new Moments();
    const copy = new Moments();
    for (const d of digits) {
      const b = baselineLogLikelihoods(d, c);
      marginal.add(b.marginal);
      copy.add(b.copy);
    }
    for (let start = 0; start < n; start += o.batch) {
      const end = Math.min(n, start + o.batch);
      const batch = toPointBatch(mnistTestBatch(digits.slice(start, end), c));
      const ll = logLikelihoods(model, batch, deriveSeed(o.seed, 'np-image-eval', c, start), IMAGE_EVAL_SAMPLES);
      disposePointBatch(batch);
      for (let b = 0; b < end - start; b++) target.add(ll[b] / IMAGE_PIXELS);
      done += end - start;
      o.onProgress?.(done, n * contexts.length);
      // Let a signal reach the process between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    results.push({ contexts: c, target: target.value, marginal: marginal.value, copy: copy.value });
  }
  return {
    run: trained.run, checkpoint: trained.checkpoint, step: trained.step, kind: model.kind, task: task.name,
    testSeed: MNIST_TEST_SEED, digits: n, targets: IMAGE_PIXELS, samples: model.latent ? IMAGE_EVAL_SAMPLES : 0, results,
  };
}

export function formatImageReport(r: ImageEvalReport): string {
  const f = (x: MeanAndError) => `${x.mean.toFixed(3)} ± ${x.stderr.toFixed(3)}`;
  const how = r.samples > 0 ? `importance-sampled with ${r.samples} draws from q(z | C u T), a lower bound` : 'exact';
  return [
    `run ${r.run} (${r.kind}, step ${r.step}): ${r.digits === MNIST_TEST_DIGITS ? 'the' : `${r.digits} of the ${MNIST_TEST_DIGITS}`} held-out digits of the ${r.task} task, contexts from seed ${r.testSeed}, all ${r.targets} pixels as targets`,
    `Log-likelihood per pixel, nats (grey levels in [0, 1]; mean ± standard error over digits; the model's is ${how};`,
    'baselines without a model: marginal, each pixel\'s training mean and spread; copy, the context pixels\' own values at sigma 0.1 and the marginal elsewhere):',
    ...table(['contexts', 'model', 'marginal', 'copy'], r.results.map((x) => [String(x.contexts), f(x.target), f(x.marginal), f(x.copy)])),
  ].join('\n');
}
