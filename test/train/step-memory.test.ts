/**
 * Tensor hygiene of the real training step: the GQN (query frame and world frame) trained for
 * 20 steps with Adam leaves the number of live tensors where it was after the first step.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { trainStep } from '../../src/train/gqn-step.js';
import { TINY } from '../models/tiny-config.js';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

for (const contextFrame of ['world', 'query'] as const) {
  test(`live tensors stay flat over 20 GQN training steps (${contextFrame} frame, tower)`, () => {
    const model = new GQN({ ...TINY, representation: 'tower', contextFrame }, 4);
    const adam = new Adam(PAPER_ADAM);
    const batch = {
      contextImages: tf.randomUniform([2, 3, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
      contextViewpoints: tf.randomNormal([2, 3, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
      queryImage: tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
      queryViewpoint: tf.randomNormal([2, 7], 0, 1, 'float32', 4) as tf.Tensor2D,
    };
    trainStep(model, adam, batch, 1.0, 1e-3, 0); // Adam makes its moments on the first step
    const start = tf.memory().numTensors;
    let elbo = NaN;
    for (let i = 1; i <= 20; i++) elbo = trainStep(model, adam, batch, 1.0, 1e-3, i).elbo;
    assert.ok(Number.isFinite(elbo));
    assert.equal(tf.memory().numTensors, start, 'live tensors grew');
    tf.dispose(Object.values(batch));
    adam.dispose();
    model.dispose();
    assert.equal(tf.memory().numTensors, 0);
  });
}
