/** Shapes of every module of the GQN, the KL against a closed form, and the presets. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { PRESETS, preset, validateConfig } from '../../src/models/gqn/config.js';
import { gaussianNll, klDivergence, nllFloor } from '../../src/models/gqn/gaussian.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { TINY } from './tiny-config.js';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

function batch(b: number, m: number, s: number) {
  return {
    contextImages: tf.randomUniform([b, m, s, s, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
    contextViewpoints: tf.randomNormal([b, m, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
    queryImage: tf.randomUniform([b, s, s, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
    queryViewpoint: tf.randomNormal([b, 7], 0, 1, 'float32', 4) as tf.Tensor2D,
  };
}

for (const representation of ['pool', 'tower', 'pyramid'] as const) {
  for (const shareCores of [false, true]) {
    test(`shapes: ${representation} representation, ${shareCores ? 'shared' : 'unshared'} cores`, () => {
      const c = { ...TINY, representation, shareCores };
      const model = new GQN(c, 0);
      const b = batch(2, 3, c.imageSize);
      const r = model.represent(b.contextImages, b.contextViewpoints);
      const side = representation === 'tower' ? c.imageSize / 4 : 1;
      assert.deepEqual(r.shape, [2, side, side, c.rChannels]);
      const eps = model.noise(2, 5);
      assert.equal(eps.length, c.steps);
      assert.deepEqual(eps[0].shape, [2, 4, 4, c.zChannels]);
      const e = model.elbo(b, 1.5, eps);
      assert.deepEqual(e.mean.shape, [2, 16, 16, 3]);
      assert.deepEqual(e.nll.shape, [2]);
      assert.deepEqual(e.kl.shape, [2]);
      assert.deepEqual(e.klPerStep.shape, [c.steps, 2]);
      assert.deepEqual(e.loss.shape, []);
      const x = model.sample(b.queryViewpoint, r, eps);
      assert.deepEqual(x.shape, [2, 16, 16, 3]);
      const values = x.dataSync();
      assert.ok(values.every((v) => v >= 0 && v <= 1), 'sigmoid output in [0, 1]');
      const cores = shareCores ? 1 : c.steps;
      assert.equal(model.generator.generationCores.length, cores);
      assert.ok(model.store.params.has(`generator.generation_cores.${cores - 1}.conv.weight`));
      tf.dispose([r, ...eps, e.loss, e.nll, e.kl, e.klPerStep, e.mean, e.r, x, ...Object.values(b)]);
      model.dispose();
      assert.equal(tf.memory().numTensors, 0);
    });
  }
}

test('the representation is the sum over views: order-free and additive', () => {
  const model = new GQN(TINY, 1);
  tf.tidy(() => {
    const b = batch(1, 3, 16);
    const r = model.represent(b.contextImages, b.contextViewpoints);
    const reversed = model.represent(tf.reverse(b.contextImages, 1), tf.reverse(b.contextViewpoints, 1));
    const parts = [0, 1, 2].map((k) => model.represent(
      tf.slice(b.contextImages, [0, k, 0, 0, 0], [1, 1, -1, -1, -1]), tf.slice(b.contextViewpoints, [0, k, 0], [1, 1, -1])));
    const max = (t: tf.Tensor) => tf.max(tf.abs(t)).dataSync()[0];
    assert.ok(max(tf.sub(r, reversed)) < 1e-4 * max(r));
    assert.ok(max(tf.sub(r, tf.addN(parts))) < 1e-4 * max(r));
  });
  model.dispose();
});

test('KL of two Gaussians matches the closed form', () => {
  // KL(N(mq, sq^2) || N(mp, sp^2)) = log(sp/sq) + (sq^2 + (mq-mp)^2) / (2 sp^2) - 1/2
  const cases = [[0, 1, 0, 1], [1, 0.5, -0.3, 2], [2, 3, 0.5, 0.1]];
  for (const [mq, sq, mp, sp] of cases) {
    const expected = Math.log(sp / sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5;
    const got = tf.tidy(() => klDivergence(tf.scalar(mq), tf.scalar(2 * Math.log(sq)), tf.scalar(mp), tf.scalar(2 * Math.log(sp))).dataSync()[0]);
    assert.ok(Math.abs(got - expected) <= 1e-5 * Math.max(1, expected), `KL(${mq},${sq} || ${mp},${sp}) = ${got}, expected ${expected}`);
  }
});

test('the NLL is the Gaussian density and its floor is the paper\'s 6909 nats at sigma 0.7', () => {
  assert.ok(Math.abs(nllFloor(64 * 64 * 3, 0.7) - 6909) < 1);
  const x = tf.tensor4d([0.2, 0.4], [1, 1, 1, 2]);
  const m = tf.tensor4d([0.1, 0.7], [1, 1, 1, 2]);
  const sigma = 0.5;
  const expected = [0.1, -0.3].reduce((s, d) => s + (d * d) / (2 * sigma * sigma) + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI), 0);
  assert.ok(Math.abs(gaussianNll(x, m, sigma).dataSync()[0] - expected) < 1e-5);
  tf.dispose([x, m]);
});

test('presets: paper has the reference sizes; every preset validates; bad configs name the field', () => {
  const p = preset('paper');
  assert.deepEqual([p.imageSize, p.rChannels, p.hChannels, p.zChannels, p.uChannels, p.steps, p.shareCores, p.representation],
    [64, 256, 128, 3, 128, 12, false, 'pool']);
  for (const name of Object.keys(PRESETS)) validateConfig(preset(name));
  assert.throws(() => preset('huge'), /--preset: expected one of/);
  assert.throws(() => validateConfig({ ...TINY, hChannels: 0 }), /config.hChannels: expected an integer in 1..4096, got 0/);
  assert.throws(() => validateConfig({ ...TINY, imageSize: 18 }), /config.imageSize/);
});
