/**
 * The Neural Processes' mnist task: batches fixed by (seed, index), contexts the first targets,
 * pixels on [-1, 1]^2 with the digit's grey levels, only training digits in training batches, the
 * held-out test set's nesting, the baselines without a model, the size check's message, refusals naming the field, and live
 * tensors flat over training steps on image batches.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { baselineLogLikelihoods, pixelMarginals } from '../../src/eval/image-baselines.js';
import { npPresets, type NpKindName } from '../../src/models/np/config.js';
import { NeuralProcess } from '../../src/models/np/neural-process.js';
import { disposePointBatch, toPointBatch } from '../../src/models/np/point-batch.js';
import { NP_DATA, validateTask, type NpTask, type NpTrainSettings } from '../../src/models/np/task.js';
import { loadDigits } from '../../src/models/vae/digits.js';
import { MNIST_COMPLETION, mnistTrainingBatch, pixelX } from '../../src/tasks/mnist-completion.js';
import { mnistTestBatch, testPixelOrder } from '../../src/tasks/mnist-test-set.js';
import { GP_RANDOM_KERNEL } from '../../src/tasks/gp-regression.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { trainStep } from '../../src/train/step.js';

before(() => setupEngine({ backend: 'wasm', threads: 2 }));
after(shutdownEngine);

const MNIST: NpTask = { name: 'mnist', ...MNIST_COMPLETION };

test('mnist batches: the same for the same (seed, index), contexts are the first targets, counts in range, pixels of training digits', () => {
  const a = mnistTrainingBatch(MNIST_COMPLETION, 3, 7, 12);
  assert.deepEqual(mnistTrainingBatch(MNIST_COMPLETION, 3, 7, 12), a);
  assert.notDeepEqual(mnistTrainingBatch(MNIST_COMPLETION, 3, 7, 13).targetY, a.targetY);
  assert.notDeepEqual(mnistTrainingBatch(MNIST_COMPLETION, 3, 8, 12).targetY, a.targetY);
  const train = loadDigits('train');
  for (let index = 0; index < 10; index++) {
    const x = mnistTrainingBatch(MNIST_COMPLETION, 2, 1, index);
    assert.equal(x.xSize, 2);
    assert.equal(x.ySize, 1);
    assert.ok(x.contexts >= 3 && x.contexts < 200, `contexts ${x.contexts}`);
    assert.ok(x.targets - x.contexts >= 3 && x.targets - x.contexts < 200, `extra targets ${x.targets - x.contexts}`);
    for (let f = 0; f < 2; f++) {
      assert.deepEqual(x.contextX.subarray(2 * f * x.contexts, 2 * (f + 1) * x.contexts), x.targetX.subarray(2 * f * x.targets, 2 * (f * x.targets + x.contexts)));
      assert.deepEqual(x.contextY.subarray(f * x.contexts, (f + 1) * x.contexts), x.targetY.subarray(f * x.targets, f * x.targets + x.contexts));
      // Every target is a distinct pixel of the digit drawn, with its grey level.
      const seen = new Set<number>();
      for (let i = 0; i < x.targets; i++) {
        const row = Math.round((x.targetX[2 * (f * x.targets + i)] + 1) * 13.5);
        const col = Math.round((x.targetX[2 * (f * x.targets + i) + 1] + 1) * 13.5);
        const p = row * 28 + col;
        assert.ok(!seen.has(p), 'a pixel twice');
        seen.add(p);
        assert.equal(x.targetY[f * x.targets + i], train.images[x.digits[f] * 784 + p]);
      }
    }
    assert.ok(x.digits.every((d) => d >= 0 && d < train.count));
  }
  assert.deepEqual(pixelX(0), [-1, -1]);
  assert.deepEqual(pixelX(783), [1, 1]);
  assert.deepEqual(pixelX(28 + 27), [2 / 27 - 1, 1]);
});

test('held-out split: 9,000 training and 1,000 test digits, no test image among the training ones', () => {
  const train = loadDigits('train');
  const held = loadDigits('test');
  assert.equal(train.count, 9000);
  assert.equal(held.count, 1000);
  const key = (set: typeof train, i: number) => Buffer.from(set.images.buffer, set.images.byteOffset + i * 784 * 4, 784 * 4).toString('base64');
  const training = new Set(Array.from({ length: train.count }, (_, i) => key(train, i)));
  let shared = 0;
  for (let i = 0; i < held.count; i++) if (training.has(key(held, i))) shared += 1;
  // The package may hold a few identical images; the split is by position, so at most those.
  assert.ok(shared <= 2, `${shared} test digits are also training digits`);
});

test('the test set: fixed pixel orders, contexts nested, all 784 pixels as targets in row-major order', () => {
  assert.deepEqual(testPixelOrder(5), testPixelOrder(5));
  assert.notDeepEqual(testPixelOrder(5), testPixelOrder(6));
  const small = mnistTestBatch([3, 999], 10);
  const large = mnistTestBatch([3, 999], 300);
  assert.equal(small.targets, 784);
  assert.deepEqual(large.contextX.subarray(0, 20), small.contextX.subarray(0, 20));
  assert.deepEqual(large.targetY, small.targetY);
  const held = loadDigits('test');
  assert.deepEqual(small.targetY.subarray(784), held.images.subarray(999 * 784, 1000 * 784));
  assert.deepEqual(Array.from(small.targetX.subarray(0, 4)), [-1, -1, -1, 2 / 27 - 1].map(Math.fround));
  assert.throws(() => mnistTestBatch([0], 785), /^Error: --contexts: expected 1\.\.784 pixels, got 785$/);
});

test('baselines without a model: the training digits\' per-pixel marginal, and copying the context at the floor\'s sigma', () => {
  const { mean, sigma } = pixelMarginals();
  const train = loadDigits('train');
  // Pixel (14, 14), in the middle of most strokes: the mean and standard deviation computed directly.
  const p = 14 * 28 + 14;
  const ys = Array.from({ length: train.count }, (_, d) => train.images[d * 784 + p]);
  const m = ys.reduce((a, y) => a + y, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((a, y) => a + (y - m) ** 2, 0) / ys.length);
  assert.ok(Math.abs(mean[p] - m) < 1e-9 && Math.abs(sigma[p] - sd) < 1e-9 && sd > 0.1, `${mean[p]} ${sigma[p]} against ${m} ${sd}`);
  // A corner is background in every digit: mean 0, sigma at the floor.
  assert.equal(mean[0], 0);
  assert.equal(sigma[0], 0.1);
  assert.ok(sigma.every((s) => s >= 0.1));
  // Every pixel given: the copy scores the most a decoder with sigma >= 0.1 can, -log(0.1 sqrt(2 pi)).
  const best = -Math.log(0.1) - 0.5 * Math.log(2 * Math.PI);
  for (const d of [0, 517, 999]) {
    const b = [1, 10, 100, 300, 784].map((c) => baselineLogLikelihoods(d, c));
    assert.ok(Math.abs(b[4].copy - best) < 1e-9, `digit ${d}: ${b[4].copy}`);
    // The marginal ignores the context; the copy rises with it (the contexts are nested).
    assert.ok(b.every((x) => x.marginal === b[0].marginal), `digit ${d}`);
    for (let i = 1; i < b.length; i++) assert.ok(b[i].copy >= b[i - 1].copy, `digit ${d}: ${b.map((x) => x.copy)}`);
    assert.ok(b[0].copy >= b[0].marginal && b[0].marginal < best);
  }
});

test('the size check: a gp preset on the mnist task (and back) is refused naming the preset and both sizes', async () => {
  const gpModel = npPresets('anp')['gp-cpu'].model;
  const train = (task: NpTask, preset: string) => ({ task, preset }) as NpTrainSettings & { preset: string };
  await assert.rejects(NP_DATA.check(gpModel, train(MNIST, 'gp-cpu') as never), /^Error: --preset: gp-cpu's model takes points of 1 -> 1 values, the mnist task has 2 -> 1$/);
  await assert.rejects(NP_DATA.check(npPresets('np')['mnist-cpu'].model, train({ name: 'gp', ...GP_RANDOM_KERNEL }, 'mnist-cpu') as never), /^Error: --preset: mnist-cpu's model takes points of 2 -> 1 values, the gp task has 1 -> 1$/);
  assert.equal(await NP_DATA.check(npPresets('cnp')['mnist-cpu'].model, train(MNIST, 'mnist-cpu') as never), null);
});

test('mnist task settings are refused naming the field', () => {
  assert.throws(() => validateTask({ name: 'mnist', contexts: [0, 10], extraTargets: [3, 10] }), /^Error: train\.task\.contexts: expected integers \[lo, hi\) with 1 <= lo < hi <= 785, got \[0,10\]$/);
  assert.throws(() => validateTask({ name: 'mnist', contexts: [3, 600], extraTargets: [3, 400] }), /^Error: train\.task\.extraTargets: contexts and extra targets may reach 599 \+ 399 pixels, an image has 784$/);
  assert.throws(() => validateTask({ name: 'celeba' } as unknown as NpTask), /^Error: train\.task\.name: expected 'gp' or 'mnist', got "celeba"$/);
});

for (const kind of ['cnp', 'np', 'anp'] as NpKindName[]) {
  test(`live tensors stay flat over 10 ${kind} training steps on mnist batches`, () => {
    const model = new NeuralProcess(kind, npPresets(kind)['mnist-tiny'].model, 4);
    const objective = model.objective({ task: MNIST });
    const adam = new Adam(PAPER_ADAM);
    const step = (i: number) => {
      const batch = toPointBatch(mnistTrainingBatch({ contexts: [3, 20], extraTargets: [3, 20] }, 3, 1, i));
      const r = trainStep(model, objective, adam, batch, i, 1e-3, i);
      disposePointBatch(batch);
      return r;
    };
    step(0); // Adam makes its moments on the first step
    const start = tf.memory().numTensors;
    for (let i = 1; i <= 10; i++) assert.ok(step(i).applied);
    assert.equal(tf.memory().numTensors, start, 'live tensors grew');
    adam.dispose();
    model.dispose();
  });
}
