/**
 * One cell of the training benchmark: seconds per training step (forward, backward, Adam) of a
 * GQN preset, or of a JUMP preset (`jump:<preset>[:<contextFrame>]`, T = 3 targets), at a batch
 * size, on one backend, printing JSON. Child of bench/train.ts. Every cell has M = 3 context views.
 *
 * Usage: tsx bench/train-run.ts <backend> <threads> <preset | jump:preset[:frame]> <batch> <steps> [device]
 */
import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { preset } from '../src/models/gqn/config.js';
import { GQN } from '../src/models/gqn/gqn.js';
import { Adam } from '../src/train/adam.js';
import { JUMP_PRESETS, type JumpConfig } from '../src/models/jump/config.js';
import { JUMP, type JumpBatch } from '../src/models/jump/jump.js';
import type { Model, Objective } from '../src/models/model.js';
import { trainStep } from '../src/train/step.js';

const [backend, threads, presetName, batchArg, stepsArg] = process.argv.slice(2);
await setupEngine({ backend, threads: Number(threads), device: process.argv[7] ?? 'cpu' });
const b = Number(batchArg);
const m = 3;
const targets = 3;
const sigma = { start: 2.0, end: 2.0, steps: 1 };

/** The cell's model, its objective and one fixed batch of random views. */
function cell(): { model: Model<unknown>; objective: Objective<unknown>; batch: unknown; params: number } {
  const [kind, name, frame] = presetName.split(':');
  const views = (n: number, s: number, seed: number) => tf.tidy(() => [
    tf.randomUniform([b, n, s, s, 3], 0, 1, 'float32', seed), tf.randomNormal([b, n, 7], 0, 1, 'float32', seed + 1),
  ]) as [tf.Tensor5D, tf.Tensor3D];
  if (kind === 'jump') {
    const config: JumpConfig = { ...JUMP_PRESETS[name].model, ...(frame ? { contextFrame: frame as JumpConfig['contextFrame'] } : {}) };
    const model = new JUMP(config, 0);
    const [contextImages, contextViewpoints] = views(m, config.imageSize, 1);
    const [targetImages, targetViewpoints] = views(targets, config.imageSize, 3);
    const batch: JumpBatch = { contextImages, contextViewpoints, targetImages, targetViewpoints };
    return { model, objective: model.objective({ sigma }) as Objective<unknown>, batch, params: model.store.count() };
  }
  const config = preset(presetName);
  const model = new GQN(config, 0);
  const [contextImages, contextViewpoints] = views(m, config.imageSize, 1);
  const [queryImage, queryViewpoint] = views(1, config.imageSize, 3);
  const batch = {
    contextImages, contextViewpoints,
    queryImage: tf.squeeze(queryImage, [1]) as tf.Tensor4D, queryViewpoint: tf.squeeze(queryViewpoint, [1]) as tf.Tensor2D,
  };
  return { model, objective: model.objective({ sigma }) as Objective<unknown>, batch, params: model.store.count() };
}

const { model, objective, batch, params } = cell();
const adam = new Adam();
// Progress on stderr, so that a cell that runs out of memory or time shows how far it got.
const progress = (label: string, seconds: number) => process.stderr.write(
  `${backend} ${presetName} b${b}: ${label} ${seconds.toFixed(2)} s, ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB in tensors\n`);
const tWarm = performance.now();
trainStep(model, objective, adam, batch, 0, 5e-4, 0); // warm-up: kernels, Adam's slots
progress('warm-up step', (performance.now() - tWarm) / 1000);
const times: number[] = [];
for (let i = 0; i < Number(stepsArg); i++) {
  const t0 = performance.now();
  trainStep(model, objective, adam, batch, i + 1, 5e-4, i + 1);
  times.push((performance.now() - t0) / 1000);
  progress(`step ${i + 1}`, times[times.length - 1]);
}
times.sort((x, y) => x - y);
process.stdout.write(`${JSON.stringify({ backend, threads: Number(threads), preset: presetName, batch: b, params, secondsPerStep: times[Math.floor(times.length / 2)] })}\n`);
await shutdownEngine();
