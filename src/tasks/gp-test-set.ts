/**
 * The fixed evaluation data of the GP task, drawn from a seed so that every run is scored on the
 * same functions: 1,000 functions, each with a pool of 50 context candidates and 100 held-out
 * targets, x ~ U over the task's range. A context of size C is the pool's first C points, so the
 * contexts are nested and the targets are the same for every C. Plots use their own functions,
 * seen on the task's 400-point grid on [-2, 2).
 */
import { deriveSeed, Rng } from '../random/rng.js';
import type { PointArrays } from '../models/np/point-batch.js';
import { gpLogLikelihood, gpPredictive } from './gp-posterior.js';
import { drawKernel, sampleGpValues, type GpKernel, type GpTaskSettings } from './gp-regression.js';

export const GP_TEST_FUNCTIONS = 1000;
export const GP_TEST_CONTEXT_POOL = 50;
export const GP_TEST_TARGETS = 100;
/** The plotting grid: 400 points on [lo, hi) of the task's x range. */
export const GP_GRID_POINTS = 400;

export interface GpTestSet {
  seed: number;
  settings: GpTaskSettings;
  contextPool: number;
  targets: number;
  kernels: GpKernel[];
  /** Per function: the pool's x then the targets' x (contextPool + targets values). */
  x: Float64Array[];
  y: Float64Array[];
}

export interface GpTestOptions {
  count?: number;
  contextPool?: number;
  targets?: number;
}

export function makeGpTestSet(settings: GpTaskSettings, seed: number, options: GpTestOptions = {}): GpTestSet {
  const count = options.count ?? GP_TEST_FUNCTIONS;
  const contextPool = options.contextPool ?? GP_TEST_CONTEXT_POOL;
  const targets = options.targets ?? GP_TEST_TARGETS;
  const set: GpTestSet = { seed, settings, contextPool, targets, kernels: [], x: [], y: [] };
  for (let i = 0; i < count; i++) {
    // One stream per function: function i is the same whatever the count.
    const rng = new Rng(deriveSeed(seed, 'gp-test', i));
    const kernel = drawKernel(settings, rng);
    const x = Float64Array.from({ length: contextPool + targets }, () => rng.uniform(settings.xRange[0], settings.xRange[1]));
    set.kernels.push(kernel);
    set.x.push(x);
    set.y.push(sampleGpValues(x, kernel, rng));
  }
  return set;
}

function checkContexts(set: GpTestSet, contexts: number): void {
  if (!Number.isInteger(contexts) || contexts < 1 || contexts > set.contextPool) {
    throw new Error(`--contexts: expected context sizes in 1..${set.contextPool} (the test set's pool), got ${contexts}`);
  }
}

/** Functions [start, end) of the set with C = `contexts` context points and the held-out targets. */
export function gpTestBatch(set: GpTestSet, start: number, end: number, contexts: number): PointArrays {
  checkContexts(set, contexts);
  const batch = end - start;
  const { contextPool: pool, targets } = set;
  const out: PointArrays = {
    batch, contexts, targets, xSize: 1, ySize: 1,
    contextX: new Float32Array(batch * contexts), contextY: new Float32Array(batch * contexts),
    targetX: new Float32Array(batch * targets), targetY: new Float32Array(batch * targets),
  };
  for (let b = 0; b < batch; b++) {
    const x = set.x[start + b];
    const y = set.y[start + b];
    out.contextX.set(x.subarray(0, contexts), b * contexts);
    out.contextY.set(y.subarray(0, contexts), b * contexts);
    out.targetX.set(x.subarray(pool), b * targets);
    out.targetY.set(y.subarray(pool), b * targets);
  }
  return out;
}

/** The oracle's log-likelihood of function `i`'s targets given C contexts, nats summed over the targets. */
export function gpOracleLogLikelihood(set: GpTestSet, i: number, contexts: number): { joint: number; marginals: number } {
  checkContexts(set, contexts);
  const x = set.x[i];
  const y = set.y[i];
  const p = gpPredictive(x.subarray(0, contexts), y.subarray(0, contexts), x.subarray(set.contextPool), set.kernels[i]);
  return gpLogLikelihood(p, y.subarray(set.contextPool));
}

/** A function to plot: its kernel, C context points, and its values on the grid. */
export interface GpPlotFunction {
  kernel: GpKernel;
  contextX: Float64Array;
  contextY: Float64Array;
  gridX: Float64Array;
  gridY: Float64Array;
}

/** The grid: GP_GRID_POINTS points on [lo, hi). */
export function gpGrid(settings: GpTaskSettings, points = GP_GRID_POINTS): Float64Array {
  const [lo, hi] = settings.xRange;
  return Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / points);
}

/** Plotted function `i` of `seed`: noisy contexts and the noise-free function on the grid, drawn jointly from one GP. */
export function gpPlotFunction(settings: GpTaskSettings, seed: number, i: number, contexts: number): GpPlotFunction {
  const rng = new Rng(deriveSeed(seed, 'gp-plot', i));
  const kernel = drawKernel(settings, rng);
  const contextX = Float64Array.from({ length: contexts }, () => rng.uniform(settings.xRange[0], settings.xRange[1]));
  const gridX = gpGrid(settings);
  const all = new Float64Array(contexts + gridX.length);
  all.set(contextX);
  all.set(gridX, contexts);
  const y = sampleGpValues(all, kernel, rng, contexts);
  return { kernel, contextX, contextY: y.slice(0, contexts), gridX, gridY: y.slice(contexts) };
}
