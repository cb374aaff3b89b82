/**
 * The gradients gqn registers in place of tfjs-core's agree with tfjs-core's own, which the
 * backend parity tests cannot show (both sides of that comparison run ours).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { getGradient } from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { tileGradConfig, tileGradient } from '../../src/engine/gradients/tile.js';
import { Rng } from '../../src/random/rng.js';
import { relativeError } from './parity.js';

before(async () => {
  await setupEngine({ backend: 'cpu' });
});
after(shutdownEngine);

test('our Tile gradient is registered and equals the sum of dy over the tiles', () => {
  assert.equal(getGradient('Tile')?.gradFunc, tileGradConfig.gradFunc, 'ours is the registered one');
  const rng = new Rng(42);
  for (let trial = 0; trial < 20; trial++) {
    const rank = rng.int(1, 4);
    const shape = Array.from({ length: rank }, () => rng.int(1, 4));
    const reps = Array.from({ length: rank }, () => rng.int(1, 3));
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', trial);
      const dy = tf.randomNormal(shape.map((s, i) => s * reps[i]), 0, 1, 'float32', trial + 100);
      const ours = tileGradient(dy, shape, reps);
      // Reference: tfjs's own formula, one slice of dy per tile.
      const dyBuf = dy.bufferSync();
      const ref = tf.buffer(shape);
      for (let flat = 0; flat < dy.size; flat++) {
        const at = dyBuf.indexToLoc(flat);
        ref.set(ref.get(...at.map((v, i) => v % shape[i])) + dyBuf.get(...at), ...at.map((v, i) => v % shape[i]));
      }
      const err = relativeError(ours.dataSync() as Float32Array, ref.toTensor().dataSync() as Float32Array);
      assert.ok(err < 1e-6, `shape ${shape} reps ${reps}: error ${err}`);
      // And through tf.grads, the path models take.
      const viaGrads = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, reps), dy)))(x);
      assert.ok(relativeError(viaGrads.dataSync() as Float32Array, ours.dataSync() as Float32Array) < 1e-6);
    });
  }
  assert.equal(tf.memory().numTensors, 0);
});
