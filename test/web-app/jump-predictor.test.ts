/**
 * The viewer's JUMP predictor (src/web/app/jump-predictor.ts), in Node: it holds one sampled
 * scene per context, so the views it renders while the camera moves are views of one latent
 * (exactly what JUMP.predictViews draws for several cameras at once), and it leaks no tensors.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { JUMP } from '../../src/models/jump/jump.js';
import { deriveSeed } from '../../src/random/rng.js';
import { JumpPredictor } from '../../src/web/app/jump-predictor.js';
import { TINY_JUMP } from '../models/tiny-config.js';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

// The query frame rebuilds the renderer's r_C at every camera: the held latent must still be one scene.
for (const contextFrame of ['world', 'query'] as const) test(`the held sample: views at any cameras are of one scene latent, until the context changes (${contextFrame} frame)`, async () => {
  const model = new JUMP({ ...TINY_JUMP, contextFrame }, 2);
  const s = TINY_JUMP.imageSize;
  const ctx = [0, 1].map((k) => tf.tidy(() => tf.randomUniform([s * s * 3], 0, 1, 'float32', k).dataSync() as Float32Array));
  const ctxV = [0, 1].map((k) => tf.tidy(() => tf.randomNormal([7], 0, 1, 'float32', 10 + k).dataSync() as Float32Array));
  const [a, b] = [20, 21].map((k) => tf.tidy(() => tf.randomNormal([7], 0, 1, 'float32', k).dataSync() as Float32Array));
  const predictor = new JumpPredictor(model, 3, 0);
  const start = tf.memory().numTensors;
  predictor.setContext(ctx, ctxV);
  const atA = await predictor.predict(a);
  const atB = await predictor.predict(b);
  assert.deepEqual(await predictor.predict(a), atA, 'back at A: the same view');
  // The same as one latent drawn with the viewer's noise and rendered at both cameras.
  const [both] = tf.tidy(() => model.predictViews(
    tf.tensor5d([...ctx[0], ...ctx[1]], [1, 2, s, s, 3]), tf.tensor3d([...ctxV[0], ...ctxV[1]], [1, 2, 7]),
    tf.tensor3d([...a, ...b], [1, 2, 7]), [deriveSeed(0, 'viewer-prior')]));
  const expected = both.dataSync() as Float32Array;
  both.dispose();
  const close = (x: Float32Array, y: Float32Array) => x.every((v, i) => Math.abs(v - y[i]) < 1e-5);
  assert.ok(close(atA, expected.subarray(0, s * s * 3)) && close(atB, expected.subarray(s * s * 3)));
  // Samples: three held scenes, each the same at A whenever asked, and not all alike.
  const samples = await predictor.sample(a);
  assert.equal(samples.length, 3);
  assert.deepEqual(await predictor.sample(a), samples);
  assert.notDeepEqual(samples[0], samples[1]);
  const surprise = await predictor.surprise(a, ctx[0]);
  assert.ok(Number.isFinite(surprise) && surprise > 0);
  // Another context: other latents.
  predictor.setContext([ctx[1]], [ctxV[1]]);
  assert.notDeepEqual(await predictor.predict(a), atA);
  assert.equal(tf.memory().numTensors, start, 'the predictor keeps the same number of tensors');
  predictor.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, 0);
});
