/**
 * One column of the engine benchmark: times conv forward, input gradient and filter gradient
 * for every shape on one backend configuration, printing JSON. Run as a child of
 * bench/engine.ts because the wasm thread count is fixed when its module starts.
 *
 * Usage: tsx bench/engine-run.ts <backend> <threads> <batch|0> <seconds-per-cell> [min-runs] [device] [min-runs]
 * (the pure-JS cpu backend takes seconds per call: it is timed once, without a warm-up).
 */
import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { CONV_SHAPES, convFlops, outSize, type ConvShape } from './engine-shapes.js';

const [backend, threadsArg, batchArg, secondsArg, minRunsArg] = process.argv.slice(2);
const minRuns = Number(minRunsArg ?? 3);
const threads = Number(threadsArg);
const batchOverride = Number(batchArg);
const budget = Number(secondsArg) * 1000;

await setupEngine({ backend, threads, device: process.argv[7] ?? 'cpu' });

/** Waits for y by reading one element (on CUDA that copy waits for the GPU; no full read-out). */
function sync(y: tf.Tensor): void {
  const first = tf.tidy(() => tf.slice(tf.reshape(y, [-1]), 0, 1));
  first.dataSync();
  first.dispose();
}

/** Median time of fn over repeats, after one warm-up, within a time budget (at least 3 runs). */
function timeMs(fn: () => tf.Tensor): number {
  if (minRuns > 1) fn().dispose();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || (performance.now() - start < budget && times.length < 50)) {
    const t0 = performance.now();
    const y = fn();
    sync(y);
    times.push(performance.now() - t0);
    y.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function run(s: ConvShape) {
  const n = batchOverride > 0 ? batchOverride : s.n;
  const shape = { ...s, n };
  const oh = outSize(s.h, s.k, s.stride, s.pad);
  const ow = outSize(s.w, s.k, s.stride, s.pad);
  const x = tf.randomNormal([n, s.h, s.w, s.ci]) as tf.Tensor4D;
  const f = tf.randomNormal([s.k, s.k, s.ci, s.co]) as tf.Tensor4D;
  const dy = tf.randomNormal([n, oh, ow, s.co]) as tf.Tensor4D;
  const conv = { strides: s.stride, pad: s.pad, dataFormat: 'NHWC' } as const;
  const forward = () => tf.conv2d(x, f, s.stride, s.pad);
  const inputGrad = () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...conv, inputShape: x.shape }) as tf.Tensor;
  const filterGrad = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: f.shape }) as tf.Tensor;
  // A transposed conv's forward is the conv's input gradient, and its input gradient is the conv.
  const passes = s.transpose ? { forward: inputGrad, inputGrad: forward, filterGrad } : { forward, inputGrad, filterGrad };
  const flops = convFlops(shape);
  const result: Record<string, number> = {};
  for (const [pass, fn] of Object.entries(passes)) result[pass] = flops / (timeMs(fn) * 1e6);
  tf.dispose([x, f, dy]);
  return { name: s.name, batch: n, gflops: result };
}

const results = CONV_SHAPES.map(run);
process.stdout.write(`${JSON.stringify({ backend, threads, results })}\n`);
await shutdownEngine();
