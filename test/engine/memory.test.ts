/**
 * Tensor hygiene: 100 forward/backward/Adam steps of a small GQN-shaped network (ConvLSTM-style
 * gates, 4x4/4 down and up convolutions, tiled viewpoint, Gaussian KL terms) leave the number of
 * live tensors, bytes and backend buffers exactly where they were after the first steps.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { smallGqn } from './small-gqn.js';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

test('live tensors, bytes and backend buffers stay flat over 100 training steps on wasm', () => {
  const before = tf.memory().numTensors;
  const model = smallGqn(3);
  for (let i = 0; i < 3; i++) model.step(); // Adam creates its slots on the first step
  const start = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, ids: tf.engine().backend.numDataIds() };
  let last = NaN;
  for (let i = 0; i < 100; i++) last = model.step();
  assert.ok(Number.isFinite(last), 'loss is finite');
  assert.equal(tf.memory().numTensors, start.tensors, 'live tensors grew');
  assert.equal(tf.memory().numBytes, start.bytes, 'live bytes grew');
  assert.equal(tf.engine().backend.numDataIds(), start.ids, 'backend buffers grew');
  model.dispose();
  assert.equal(tf.memory().numTensors, before, 'disposing the model frees everything');
});
