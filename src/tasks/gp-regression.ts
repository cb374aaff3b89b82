/**
 * 1-D regression on functions drawn from a Gaussian process, the Neural Processes' first task
 * (Garnelo et al. 2018; Kim et al. 2019): f ~ GP(0, k) with the squared-exponential kernel
 *
 *   k(x, x') = sigma_f^2 exp(-(x - x')^2 / (2 l^2)),   y = f(x) + noise,  noise ~ N(0, 0.02^2),
 *
 * x ~ U[-2, 2]. A batch draws C contexts and C + T targets (the targets include the contexts,
 * which are their first C points); every function of the batch has its own l and sigma_f.
 * Everything is drawn from a seeded stream per training step, so a step's batch is the same
 * whenever it is computed (a resumed run sees the batches the uninterrupted one would have).
 */
import { deriveSeed, Rng } from '../random/rng.js';
import type { PointArrays } from '../models/np/point-batch.js';
import { cholesky } from './cholesky.js';

/** A half-open integer range [lo, hi), drawn uniformly. */
export type IntRange = [number, number];
/** A closed real range [lo, hi], drawn uniformly (lo = hi: a constant). */
export type RealRange = [number, number];

export interface GpTaskSettings {
  /** The kernel's length scale l, per function. */
  lengthScale: RealRange;
  /** The kernel's signal scale sigma_f, per function. */
  signalScale: RealRange;
  /** Standard deviation of the observation noise (on the kernel's diagonal). */
  noise: number;
  /** Where the inputs x lie. */
  xRange: RealRange;
  /** Context points per batch, C ~ U{lo, ..., hi - 1}. */
  contexts: IntRange;
  /** Targets besides the contexts per batch, T ~ U{lo, ..., hi - 1}. */
  extraTargets: IntRange;
}

/** The CNP paper's task: one kernel (l = 0.4, sigma_f = 1), few points. */
export const GP_FIXED_KERNEL: GpTaskSettings = {
  lengthScale: [0.4, 0.4], signalScale: [1, 1], noise: 0.02, xRange: [-2, 2], contexts: [3, 10], extraTargets: [2, 10],
};

/**
 * The ANP paper's task: a kernel per function (l ~ U[0.1, 0.6], sigma_f ~ U[0.1, 1]), up to 49
 * contexts. The extra targets' range U[2, 50) is the one the ANP authors' released notebook draws.
 */
export const GP_RANDOM_KERNEL: GpTaskSettings = {
  lengthScale: [0.1, 0.6], signalScale: [0.1, 1], noise: 0.02, xRange: [-2, 2], contexts: [3, 50], extraTargets: [2, 50],
};

export interface GpKernel {
  lengthScale: number;
  signalScale: number;
  noise: number;
}

/** Checks task settings (config.json's `task`); messages name the field. Returns them. */
export function validateGpSettings(s: GpTaskSettings, field = 'task'): GpTaskSettings {
  if (s == null || typeof s !== 'object') throw new Error(`${field}: expected an object of GP settings, got ${JSON.stringify(s)}`);
  const range = (key: 'lengthScale' | 'signalScale' | 'xRange', positive: boolean) => {
    const r = s[key];
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1] || (positive && r[0] <= 0)) {
      throw new Error(`${field}.${key}: expected [lo, hi] with lo <= hi${positive ? ' and lo > 0' : ''}, got ${JSON.stringify(r)}`);
    }
  };
  range('lengthScale', true);
  range('signalScale', true);
  range('xRange', false);
  if (!(Number.isFinite(s.noise) && s.noise > 0)) throw new Error(`${field}.noise: expected a positive number, got ${JSON.stringify(s.noise)}`);
  for (const key of ['contexts', 'extraTargets'] as const) {
    const r = s[key];
    const min = key === 'contexts' ? 1 : 0;
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isInteger) || r[0] < min || r[1] <= r[0] || r[1] > 100000) {
      throw new Error(`${field}.${key}: expected integers [lo, hi) with ${min} <= lo < hi, got ${JSON.stringify(r)}`);
    }
  }
  return s;
}

/** The kernel matrix k(a_i, b_j) [a.length x b.length], without the noise. */
export function seKernel(a: Float64Array, b: Float64Array, k: GpKernel): Float64Array {
  const out = new Float64Array(a.length * b.length);
  const s2 = k.signalScale * k.signalScale;
  const inv = -0.5 / (k.lengthScale * k.lengthScale);
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const d = a[i] - b[j];
      out[i * b.length + j] = s2 * Math.exp(inv * d * d);
    }
  }
  return out;
}

/**
 * Values y at `x` of one function drawn from the GP: y = L eps with L L^T = K + D. The first
 * `noisy` points (default all) are observations, D = noise^2; the others are the function itself,
 * with a jitter of (1e-3 sigma_f)^2 that keeps K positive definite on a dense grid (plots).
 */
export function sampleGpValues(x: Float64Array, k: GpKernel, rng: Rng, noisy = x.length): Float64Array {
  const n = x.length;
  const cov = seKernel(x, x, k);
  const jitter = (1e-3 * k.signalScale) ** 2;
  for (let i = 0; i < n; i++) cov[i * n + i] += i < noisy ? k.noise * k.noise : jitter;
  const l = cholesky(cov, n);
  const eps = Array.from({ length: n }, () => rng.normal());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += l[i * n + j] * eps[j];
    y[i] = sum;
  }
  return y;
}

/** A kernel drawn from the settings' ranges. */
export function drawKernel(s: GpTaskSettings, rng: Rng): GpKernel {
  return { lengthScale: rng.uniform(s.lengthScale[0], s.lengthScale[1]), signalScale: rng.uniform(s.signalScale[0], s.signalScale[1]), noise: s.noise };
}

/** Integer uniform on [lo, hi). */
function drawCount(r: IntRange, rng: Rng): number {
  return rng.int(r[0], r[1] - 1);
}

/** The training batch of step `step` of a run seeded `seed`: `batch` functions, C contexts, C + T targets. */
export function gpTrainingBatch(s: GpTaskSettings, batch: number, seed: number, step: number): PointArrays {
  const rng = new Rng(deriveSeed(seed, 'gp-batch', step));
  const contexts = drawCount(s.contexts, rng);
  const targets = contexts + drawCount(s.extraTargets, rng);
  const targetX = new Float32Array(batch * targets);
  const targetY = new Float32Array(batch * targets);
  const contextX = new Float32Array(batch * contexts);
  const contextY = new Float32Array(batch * contexts);
  for (let b = 0; b < batch; b++) {
    const kernel = drawKernel(s, rng);
    const x = Float64Array.from({ length: targets }, () => rng.uniform(s.xRange[0], s.xRange[1]));
    const y = sampleGpValues(x, kernel, rng);
    targetX.set(x, b * targets);
    targetY.set(y, b * targets);
    // The points are in random order already: the first C are the context.
    contextX.set(x.subarray(0, contexts), b * contexts);
    contextY.set(y.subarray(0, contexts), b * contexts);
  }
  return { batch, contexts, targets, xSize: 1, ySize: 1, contextX, contextY, targetX, targetY };
}
