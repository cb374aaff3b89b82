/**
 * The VAE and CVAE: the ELBO's terms against values worked out by hand, the CVAE's use of the
 * label, flat tensor counts over training steps, sampling, sizes from the config, and the
 * digits' split and batch stream (deterministic, resumable).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { CVAE_PRESETS, VAE_PRESETS, validateVaeConfig, vaeParameterCount, type VaeConfig } from '../../src/models/vae/config.js';
import { digitBatch, epochOrder, loadDigits, openDigitBatches, TEST_PER_CLASS } from '../../src/models/vae/digits.js';
import { bernoulliNll, VAE, type DigitBatch } from '../../src/models/vae/vae.js';
import { mnistClass, MNIST_PIXELS } from '../../src/scenes/mnist-node.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { trainStep } from '../../src/train/step.js';

const SMALL: VaeConfig = { imageSize: 28, hidden: 16, zSize: 3, classes: 0 };
const SMALL_C: VaeConfig = { ...SMALL, classes: 10 };

before(() => setupEngine({ backend: 'wasm', threads: 2 }));
after(() => shutdownEngine());

function batchOf(indices: number[]): DigitBatch {
  return digitBatch(loadDigits('test'), indices);
}

test('with zero weights the -ELBO is 784 ln 2 exactly: logits 0 give p = 1/2 per pixel, and q = p = N(0, I) gives KL 0', () => {
  for (const config of [SMALL, SMALL_C]) {
    const model = new VAE(config, 1);
    tf.tidy(() => model.store.variables().forEach((v) => v.assign(tf.zerosLike(v))));
    const batch = batchOf([0, 150, 999]);
    const eps = model.noise(3, 7);
    const e = model.elbo(batch, eps);
    for (const nll of e.nll.dataSync()) assert.ok(Math.abs(nll - 784 * Math.LN2) < 1e-3, `nll ${nll}`);
    assert.deepEqual([...e.kl.dataSync()], [0, 0, 0]);
    assert.ok(Math.abs(e.loss.dataSync()[0] - 784 * Math.LN2) < 1e-3);
    tf.dispose([batch.x, batch.y, eps, ...Object.values(e)]);
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('bernoulliNll is -[x log p + (1 - x) log(1 - p)] summed over pixels, and finite for large logits', () => {
  tf.tidy(() => {
    const x = tf.tensor2d([[0, 0.25, 1, 0.5]]);
    const logits = tf.tensor2d([[-1.5, 0.3, 2, 0]]);
    const want = [[0, -1.5], [0.25, 0.3], [1, 2], [0.5, 0]].reduce((s, [xi, l]) => {
      const p = 1 / (1 + Math.exp(-l));
      return s - (xi * Math.log(p) + (1 - xi) * Math.log(1 - p));
    }, 0);
    assert.ok(Math.abs(bernoulliNll(x, logits).dataSync()[0] - want) < 1e-5);
    // p = sigmoid(+-60) rounds to 1 or 0 in float32; the logit form still gives 60 nats per wrong pixel.
    const far = bernoulliNll(tf.tensor2d([[0, 1]]), tf.tensor2d([[60, -60]])).dataSync()[0];
    assert.ok(Math.abs(far - 120) < 1e-3, `${far}`);
  });
});

test('the CVAE sees the label in q, p(x | z, y) and its prior; the VAE does not', () => {
  for (const [config, sees] of [[SMALL, false], [SMALL_C, true]] as const) {
    const model = new VAE(config, 3);
    const loss = (label: number) => tf.tidy(() => {
      const x = batchOf([5]).x;
      const y = tf.oneHot(tf.tensor1d([label], 'int32'), 10).toFloat() as tf.Tensor2D;
      return model.elbo({ x, y }, model.noise(1, 11)).loss.dataSync()[0];
    });
    assert.equal(loss(0) !== loss(7), sees, `${model.kind}`);
    model.dispose();
  }
});

test('sizes from the config: parameter counts match the built models; bad fields are refused by name', () => {
  for (const p of [...Object.values(VAE_PRESETS), ...Object.values(CVAE_PRESETS)]) {
    const model = new VAE(p.model, 0);
    assert.equal(vaeParameterCount(p.model), model.store.count());
    model.dispose();
  }
  assert.throws(() => validateVaeConfig({ ...SMALL, zSize: 0 }, 0), /^Error: config\.zSize: expected an integer in 1\.\.1024, got 0$/);
  assert.throws(() => validateVaeConfig({ ...SMALL, imageSize: 32 }, 0), /^Error: config\.imageSize: the mnist package's digits are 28x28; got 32$/);
  assert.throws(() => validateVaeConfig(SMALL, 10), /^Error: config\.classes: expected 10 \(a CVAE is conditioned on the 10 digit classes\), got 0$/);
});

test('live tensors stay flat over 20 training steps (VAE and CVAE)', () => {
  for (const config of [SMALL, SMALL_C]) {
    const model = new VAE(config, 4);
    const adam = new Adam(PAPER_ADAM);
    const objective = model.objective();
    const batch = batchOf([1, 200, 400, 600]);
    trainStep(model, objective, adam, batch, 0, 1e-3, 0); // Adam makes its moments on the first step
    const start = tf.memory().numTensors;
    let first = NaN;
    let last = NaN;
    for (let i = 1; i <= 20; i++) {
      const r = trainStep(model, objective, adam, batch, i, 1e-3, i);
      assert.ok(r.applied);
      if (i === 1) first = r.loss;
      last = r.loss;
    }
    assert.deepEqual(Object.keys(trainStep(model, objective, adam, batch, 21, 1e-3, 21).values), ['elbo', 'nll', 'kl']);
    assert.ok(last < first, `the loss fell on a fixed batch (${first} -> ${last})`);
    assert.equal(tf.memory().numTensors, start, 'live tensors grew');
    tf.dispose([batch.x, batch.y]);
    adam.dispose();
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('sample: one image of Bernoulli means per draw; the same seed gives the same digits', () => {
  const model = new VAE(SMALL_C, 2);
  tf.tidy(() => {
    const y = tf.oneHot(tf.tensor1d([3, 8], 'int32'), 10).toFloat() as tf.Tensor2D;
    const [mean, a, b] = model.sample(y, ['mean', 5, 5]);
    assert.deepEqual(mean.shape, [2, 784]);
    assert.deepEqual(a.dataSync(), b.dataSync());
    assert.notDeepEqual(a.dataSync(), mean.dataSync());
    const v = a.dataSync();
    assert.ok(v.every((p) => p > 0 && p < 1));
  });
  model.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('the split: the last 100 digits of every class are the test set, the rest the training set, every time', () => {
  const train = loadDigits('train');
  const testSet = loadDigits('test');
  assert.equal(testSet.count, 10 * TEST_PER_CLASS);
  assert.equal(train.count + testSet.count, 10000, 'the package ships 10,000 digits');
  for (let d = 0; d < 10; d++) {
    const raw = mnistClass(d);
    const n = raw.length / MNIST_PIXELS;
    // Test digit d's first is the class file's digit n - 100; the training set holds its first n - 100.
    const k = d * TEST_PER_CLASS;
    assert.equal(testSet.labels[k], d);
    assert.deepEqual([...testSet.images.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS)], raw.slice((n - TEST_PER_CLASS) * MNIST_PIXELS, (n - TEST_PER_CLASS + 1) * MNIST_PIXELS).map(Math.fround));
    assert.equal([...train.labels].filter((l) => l === d).length, n - TEST_PER_CLASS);
  }
});

test('the batch stream: a permutation per epoch from the seed, batches across an epoch\'s end, and a resume that continues exactly', async () => {
  const order = epochOrder(9000, 4, 0);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 9000 }, (_, i) => i));
  assert.notDeepEqual(order, epochOrder(9000, 4, 1));
  assert.deepEqual(order, epochOrder(9000, 4, 0));
  // 9000 = 2 * 4000 + 1000: the third batch takes 1000 digits of epoch 0 and 3000 of epoch 1.
  const read = async (resume?: ReturnType<ReturnType<typeof openDigitBatches>['state']>, n = 4) => {
    const s = openDigitBatches({ batch: 4000, seed: 4, resume, skipCorrupt: false });
    const sums: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = (await s.next())!;
      sums.push(tf.tidy(() => tf.sum(tf.mul(b.x, tf.range(0, 4000).reshape([4000, 1]))).dataSync()[0]));
      s.dispose(b);
    }
    return { sums, state: s.state() };
  };
  const straight = await read();
  assert.deepEqual(straight.state, { seed: 4, epoch: 1, position: 7000, batch: 4 });
  const first = await read(undefined, 2);
  const rest = await read(first.state, 2);
  assert.deepEqual([...first.sums, ...rest.sums], straight.sums);
  assert.deepEqual(rest.state, straight.state);
  assert.equal(tf.memory().numTensors, 0);
});
