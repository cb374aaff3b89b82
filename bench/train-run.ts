/**
 * One cell of the training benchmark: seconds per GQN training step (forward, backward, Adam)
 * of a preset at a batch size, on one backend, printing JSON. Child of bench/train.ts.
 *
 * Usage: tsx bench/train-run.ts <backend> <threads> <preset> <batch> <steps> [device]
 */
import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { preset } from '../src/models/gqn/config.js';
import { GQN } from '../src/models/gqn/gqn.js';
import { Adam } from '../src/train/adam.js';
import { trainStep } from '../src/train/gqn-step.js';

const [backend, threads, presetName, batchArg, stepsArg] = process.argv.slice(2);
await setupEngine({ backend, threads: Number(threads), device: process.argv[7] ?? 'cpu' });
const config = preset(presetName);
const b = Number(batchArg);
const m = 3;
const s = config.imageSize;
const model = new GQN(config, 0);
const adam = new Adam();
const batch = tf.tidy(() => ({
  contextImages: tf.randomUniform([b, m, s, s, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
  contextViewpoints: tf.randomNormal([b, m, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
  queryImage: tf.randomUniform([b, s, s, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
  queryViewpoint: tf.randomNormal([b, 7], 0, 1, 'float32', 4) as tf.Tensor2D,
}));
// Progress on stderr, so that a cell that runs out of memory or time shows how far it got.
const progress = (label: string, seconds: number) => process.stderr.write(
  `${backend} ${presetName} b${b}: ${label} ${seconds.toFixed(2)} s, ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB in tensors\n`);
const tWarm = performance.now();
trainStep(model, adam, batch, 2.0, 5e-4, 0); // warm-up: kernels, Adam's slots
progress('warm-up step', (performance.now() - tWarm) / 1000);
const times: number[] = [];
for (let i = 0; i < Number(stepsArg); i++) {
  const t0 = performance.now();
  trainStep(model, adam, batch, 2.0, 5e-4, i + 1);
  times.push((performance.now() - t0) / 1000);
  progress(`step ${i + 1}`, times[times.length - 1]);
}
times.sort((x, y) => x - y);
process.stdout.write(`${JSON.stringify({ backend, threads: Number(threads), preset: presetName, batch: b, params: model.store.count(), secondsPerStep: times[Math.floor(times.length / 2)] })}\n`);
await shutdownEngine();
