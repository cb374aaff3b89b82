/**
 * Tensor hygiene on `torch`: 1000 forward/backward/Adam steps of a small GQN-shaped network
 * (ConvLSTM gates, 4x4/4 down and up convolutions, tiled viewpoint, Gaussian KL terms) leave
 * tfjs's live tensors and bytes, the backend's buffers and the addon's own count of libtorch
 * tensors, storages and bytes exactly where they were after the first steps. Skipped, with
 * the reason, where the addon is not built.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { torchAvailability, type BackendTorch } from '../../src/engine/torch/index.js';
import { smallGqn } from './small-gqn.js';

const availability = torchAvailability();
const skip = availability.available ? false : availability.reason;

before(async () => {
  // One thread: this checks counts, not speed, and a second OpenMP thread stalls on a busy core.
  if (availability.available) await setupEngine({ backend: 'torch', threads: 1 });
});
after(shutdownEngine);

test('live tensors, backend buffers and libtorch tensors stay flat over 1000 training steps on torch', { skip }, () => {
  const backend = tf.engine().backend as unknown as BackendTorch;
  const snapshot = () => ({
    tensors: tf.memory().numTensors,
    bytes: tf.memory().numBytes,
    dataIds: backend.numDataIds(),
    ...Object.fromEntries(Object.entries(backend.nativeStats()).map(([k, n]) => [`native ${k}`, n])),
  });
  const empty = snapshot();
  const model = smallGqn(3);
  let first = NaN;
  for (let i = 0; i < 3; i++) first = model.step(); // Adam makes its slots on the first step
  const start = snapshot();
  let last = NaN;
  for (let i = 0; i < 1000; i++) {
    last = model.step();
    if (i % 250 === 249) assert.deepEqual(snapshot(), start, `after ${i + 1} steps`);
  }
  assert.ok(Number.isFinite(last) && last < first, `loss fell: ${first} -> ${last}`);
  model.dispose();
  assert.deepEqual(snapshot(), empty, 'disposing the model frees everything, natively too');
});
