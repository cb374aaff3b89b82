/**
 * The Neural Processes and their GP task, piece by piece: the sampler's kernel and determinism,
 * the oracle's analytic one-point posterior, the fixed test set's nesting, golden values with
 * zero weights, invariance to the order of the context, a posterior equal to the prior when the
 * targets are the context, sizes from the config, refusals that name the field, and live tensors
 * flat over training steps.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { NP_MODELS, npPresets, validateNpConfig, type NpConfig, type NpKindName } from '../../src/models/np/config.js';
import { npParameterCount } from '../../src/models/np/memory.js';
import { NeuralProcess } from '../../src/models/np/neural-process.js';
import { disposePointBatch, toPointBatch, type PointBatch } from '../../src/models/np/point-batch.js';
import { Rng } from '../../src/random/rng.js';
import { gpPredictive } from '../../src/tasks/gp-posterior.js';
import { GP_FIXED_KERNEL, GP_RANDOM_KERNEL, gpTrainingBatch, sampleGpValues, seKernel, validateGpSettings } from '../../src/tasks/gp-regression.js';
import { gpGrid, gpTestBatch, makeGpTestSet } from '../../src/tasks/gp-test-set.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { trainStep } from '../../src/train/step.js';

before(() => setupEngine({ backend: 'wasm', threads: 2 }));
after(shutdownEngine);

const KINDS: NpKindName[] = ['cnp', 'np', 'anp'];
const small = (kind: NpKindName): NpConfig => ({ ...npPresets(kind).tiny.model, hidden: 16, heads: 4, encoderLayers: 3, decoderLayers: 2 });

test('GP batches: the same for the same (seed, step), contexts are the first targets, counts in their ranges', () => {
  const a = gpTrainingBatch(GP_RANDOM_KERNEL, 4, 7, 12);
  const b = gpTrainingBatch(GP_RANDOM_KERNEL, 4, 7, 12);
  assert.deepEqual(a, b);
  assert.notDeepEqual(gpTrainingBatch(GP_RANDOM_KERNEL, 4, 7, 13).targetY, a.targetY);
  for (let step = 0; step < 20; step++) {
    const x = gpTrainingBatch(GP_RANDOM_KERNEL, 2, 1, step);
    assert.ok(x.contexts >= 3 && x.contexts < 50, `contexts ${x.contexts}`);
    assert.ok(x.targets - x.contexts >= 2 && x.targets - x.contexts < 50, `extra targets ${x.targets - x.contexts}`);
    for (let f = 0; f < 2; f++) {
      assert.deepEqual(x.contextX.subarray(f * x.contexts, (f + 1) * x.contexts), x.targetX.subarray(f * x.targets, f * x.targets + x.contexts));
    }
    assert.ok(x.targetX.every((v) => v >= -2 && v <= 2));
  }
});

test('GP draws have the squared-exponential covariance: sigma_f^2 exp(-d^2 / 2 l^2) + noise^2 on the diagonal', () => {
  // l = 0.4, sigma_f = 1: at d = 0.4 the correlation is exp(-1/2) = 0.607.
  const rng = new Rng(5);
  const x = Float64Array.from([0, 0.4]);
  const kernel = { lengthScale: 0.4, signalScale: 1, noise: 0.02 };
  let s00 = 0;
  let s01 = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const y = sampleGpValues(x, kernel, rng);
    s00 += y[0] * y[0];
    s01 += y[0] * y[1];
  }
  assert.ok(Math.abs(s00 / n - (1 + 0.02 ** 2)) < 0.08, `variance ${s00 / n}`);
  assert.ok(Math.abs(s01 / n - Math.exp(-0.5)) < 0.08, `covariance ${s01 / n}`);
  assert.equal(seKernel(x, x, kernel)[1], Math.exp(-0.5));
});

test('the oracle with one context point: mean k/(k0+s^2) y, variance k0 + s^2 - k^2/(k0+s^2)', () => {
  const kernel = { lengthScale: 0.5, signalScale: 0.8, noise: 0.1 };
  const k0 = 0.64;
  const k = 0.64 * Math.exp(-0.5 * (0.3 / 0.5) ** 2);
  const p = gpPredictive(Float64Array.from([0.2]), Float64Array.from([1.5]), Float64Array.from([0.5]), kernel);
  assert.ok(Math.abs(p.mean[0] - (k / (k0 + 0.01)) * 1.5) < 1e-12);
  assert.ok(Math.abs(p.cov[0] - (k0 + 0.01 - (k * k) / (k0 + 0.01))) < 1e-12);
});

test('the test set: fixed by its seed, function i the same whatever the count; contexts nested, targets the same for every C', () => {
  const set = makeGpTestSet(GP_RANDOM_KERNEL, 3, { count: 5 });
  assert.deepEqual(makeGpTestSet(GP_RANDOM_KERNEL, 3, { count: 2 }).y[1], set.y[1]);
  assert.notDeepEqual(makeGpTestSet(GP_RANDOM_KERNEL, 4, { count: 2 }).y[1], set.y[1]);
  const [c3, c10] = [gpTestBatch(set, 1, 4, 3), gpTestBatch(set, 1, 4, 10)];
  assert.deepEqual(c3.targetY, c10.targetY);
  assert.equal(c10.targets, 100);
  assert.deepEqual(c3.contextX.subarray(0, 3), c10.contextX.subarray(0, 3));
  assert.throws(() => gpTestBatch(set, 0, 1, 51), /^Error: --contexts: expected context sizes in 1\.\.50 \(the test set's pool\), got 51$/);
  const grid = gpGrid(GP_RANDOM_KERNEL);
  assert.equal(grid.length, 400);
  assert.equal(grid[0], -2);
  assert.equal(grid[399], -2 + 4 * 399 / 400);
});

/** Sets every weight to zero: each layer then outputs its (zero) bias. */
function zeroWeights(model: NeuralProcess): void {
  for (const v of model.store.variables()) v.assign(tf.zerosLike(v));
}

function randomBatch(config: NpConfig, b: number, c: number, t: number, seed: number): PointBatch {
  return tf.tidy(() => ({
    contextX: tf.randomUniform([b, c, config.xSize], -2, 2, 'float32', seed) as tf.Tensor3D,
    contextY: tf.randomNormal([b, c, config.ySize], 0, 1, 'float32', seed + 1) as tf.Tensor3D,
    targetX: tf.randomUniform([b, t, config.xSize], -2, 2, 'float32', seed + 2) as tf.Tensor3D,
    targetY: tf.randomNormal([b, t, config.ySize], 0, 1, 'float32', seed + 3) as tf.Tensor3D,
  }));
}

test('golden values with zero weights: mean 0, sigma 0.1 + 0.9 ln 2, NLL per point from the formula; KL 0', () => {
  const sigma = 0.1 + 0.9 * Math.LN2; // 0.7238...
  for (const kind of KINDS) {
    const model = new NeuralProcess(kind, small(kind), 1);
    zeroWeights(model);
    const batch = randomBatch(model.config, 2, 4, 6, 10);
    const e = model.elbo(batch, model.noise(2, 3));
    const y = batch.targetY.arraySync() as number[][][];
    const expected = y.map((f) => f.reduce((s, [v]) => s + 0.5 * (v / sigma) ** 2 + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI), 0) / f.length);
    const nll = e.nll.arraySync();
    expected.forEach((v, i) => assert.ok(Math.abs(nll[i] - v) < 1e-5, `${kind}: nll ${nll[i]} against ${v}`));
    assert.ok(e.predictive.sigma.dataSync().every((s) => Math.abs(s - sigma) < 1e-6));
    // Zero weights: the prior and the posterior are both N(0, (0.1 + 0.9 / 2)^2).
    assert.ok(e.kl.dataSync().every((k) => Math.abs(k) < 1e-6), `${kind}: KL ${e.kl.dataSync()}`);
    tf.dispose([e.loss, e.nll, e.kl, e.predictive.mean, e.predictive.sigma]);
    disposePointBatch(batch);
    model.dispose();
  }
});

test('predictions do not depend on the order of the context points', () => {
  for (const kind of KINDS) {
    const model = new NeuralProcess(kind, small(kind), 2);
    const batch = randomBatch(model.config, 2, 7, 5, 20);
    const perm = tf.tensor1d([3, 0, 6, 1, 5, 2, 4], 'int32');
    const shuffled = { contextX: tf.gather(batch.contextX, perm, 1), contextY: tf.gather(batch.contextY, perm, 1) };
    const [a] = model.predict(batch.contextX, batch.contextY, batch.targetX, [17]);
    const [b] = model.predict(shuffled.contextX as tf.Tensor3D, shuffled.contextY as tf.Tensor3D, batch.targetX, [17]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.mean, b.mean))).dataSync()[0]);
    assert.ok(diff < 1e-5, `${kind}: order changed the mean by ${diff}`);
    tf.dispose([perm, shuffled.contextX, shuffled.contextY, a.mean, a.sigma, b.mean, b.sigma]);
    disposePointBatch(batch);
    model.dispose();
  }
});

test('targets that are the context: the posterior is the prior (KL 0), as eval\'s context log-likelihood assumes', () => {
  for (const kind of ['np', 'anp'] as const) {
    const model = new NeuralProcess(kind, small(kind), 3);
    const batch = randomBatch(model.config, 3, 6, 1, 30);
    const onContext = { contextX: batch.contextX, contextY: batch.contextY, targetX: batch.contextX, targetY: batch.contextY };
    const e = model.elbo(onContext, model.noise(3, 1));
    assert.ok(e.kl.dataSync().every((k) => Math.abs(k) < 1e-4), `${kind}: KL ${e.kl.dataSync()}`);
    // And importance sampling from q(z | C u C) = the prior: the log-likelihood is a plain Monte Carlo average.
    const ll = model.targetLogLikelihood(onContext, 4, 9);
    assert.ok(ll.dataSync().every(Number.isFinite));
    tf.dispose([e.loss, e.nll, e.kl, e.predictive.mean, e.predictive.sigma, ll]);
    disposePointBatch(batch);
    model.dispose();
  }
});

test('parameter counts from the config equal the built models\'; the papers\' widths', () => {
  for (const kind of KINDS) {
    for (const [name, preset] of Object.entries(npPresets(kind))) {
      const model = new NeuralProcess(kind, preset.model, 0);
      assert.equal(npParameterCount(preset.model), model.store.count(), `${kind} ${name}`);
      model.dispose();
    }
  }
  assert.equal(NP_MODELS.anp.heads, 8);
  assert.equal(NP_MODELS.np.hidden, 128);
});

test('configurations and task settings are refused naming the field', () => {
  const cases: [NpKindName, Partial<NpConfig>, RegExp][] = [
    ['cnp', { latentSize: 8 }, /^Error: config\.latentSize: a cnp has no latent/],
    ['np', { deterministicPath: 'attention' }, /^Error: config\.latentSize: an np has a latent .* and no attention/],
    ['anp', { deterministicPath: 'mean' }, /^Error: config\.deterministicPath: an anp has a latent and attention/],
    ['anp', { heads: 3 }, /^Error: config\.heads: 3 heads do not divide config\.hidden 128$/],
    ['np', { hidden: 0 }, /^Error: config\.hidden: expected an integer in 1\.\.4096, got 0$/],
    ['np', { selfAttention: 1 }, /^Error: config\.selfAttention: only an anp has self-attention, got 1 for a np$/],
  ];
  for (const [kind, change, message] of cases) assert.throws(() => validateNpConfig(kind, { ...NP_MODELS[kind], ...change }), message);
  assert.throws(() => validateGpSettings({ ...GP_FIXED_KERNEL, contexts: [5, 5] }, 'train.task'), /^Error: train\.task\.contexts: expected integers \[lo, hi\) with 1 <= lo < hi, got \[5,5\]$/);
  assert.throws(() => validateGpSettings({ ...GP_FIXED_KERNEL, lengthScale: [0, 1] }, 'train.task'), /^Error: train\.task\.lengthScale: expected \[lo, hi\] with lo <= hi and lo > 0, got \[0,1\]$/);
});

for (const kind of KINDS) {
  test(`live tensors stay flat over 15 ${kind} training steps; predict and the log-likelihood free what they make`, () => {
    const model = new NeuralProcess(kind, small(kind), 4);
    const objective = model.objective({ task: { name: 'gp', ...GP_RANDOM_KERNEL } });
    const adam = new Adam(PAPER_ADAM);
    const step = (i: number) => {
      const batch = toPointBatch(gpTrainingBatch(GP_RANDOM_KERNEL, 3, 1, i));
      const r = trainStep(model, objective, adam, batch, i, 1e-3, i);
      disposePointBatch(batch);
      return r;
    };
    step(0); // Adam makes its moments on the first step
    const start = tf.memory().numTensors;
    for (let i = 1; i <= 15; i++) assert.ok(step(i).applied);
    const batch = toPointBatch(gpTrainingBatch(GP_RANDOM_KERNEL, 3, 1, 99));
    for (const p of model.predict(batch.contextX, batch.contextY, batch.targetX, ['mean', 5])) tf.dispose([p.mean, p.sigma]);
    model.targetLogLikelihood(batch, 3, 1).dispose();
    disposePointBatch(batch);
    assert.equal(tf.memory().numTensors, start, 'live tensors grew');
    adam.dispose();
    model.dispose();
  });
}
