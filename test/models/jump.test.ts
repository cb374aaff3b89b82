/**
 * JUMP's model: one scene latent shared by every view of a sample (the property the
 * consistency test rests on), the ELBO's parts, sizes from the config, and configuration errors
 * that name the field.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { validateJumpConfig, JUMP_PRESETS } from '../../src/models/jump/config.js';
import { JUMP } from '../../src/models/jump/jump.js';
import { jumpParameterCount } from '../../src/models/jump/memory.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { toFrameOf } from '../../src/models/gqn/query-frame.js';
import { TINY, TINY_JUMP } from './tiny-config.js';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

const inputs = (b: number, m: number, q: number) => tf.tidy(() => ({
  ctx: tf.randomUniform([b, m, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
  ctxV: tf.randomNormal([b, m, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
  queryV: tf.randomNormal([b, q, 7], 0, 1, 'float32', 3) as tf.Tensor3D,
}));

for (const contextFrame of ['world', 'query'] as const) test(`one sample is one scene: a camera asked twice gets the same view; the GQN draws each query anew (${contextFrame} frame)`, () => {
  const jump = new JUMP({ ...TINY_JUMP, contextFrame }, 3);
  const gqn = new GQN(TINY, 3);
  tf.tidy(() => {
    const { ctx, ctxV, queryV } = inputs(2, 2, 2);
    const twice = tf.concat([queryV.slice([0, 0, 0], [2, 1, 7]), queryV.slice([0, 0, 0], [2, 1, 7])], 1) as tf.Tensor3D;
    const [views] = jump.predictViews(ctx, ctxV, twice, [17]);
    const [a, b] = tf.split(views, 2, 1).map((t) => t.dataSync());
    assert.deepEqual(a, b, 'one latent, one camera: one view');
    // Another draw is another scene: the views differ (the untrained prior has unit spread).
    const [other] = jump.predictViews(ctx, ctxV, twice, [18]);
    assert.notDeepEqual(other.dataSync(), views.dataSync());
    // predict (one query per scene) is predictViews with Q = 1.
    const one = queryV.slice([0, 1, 0], [2, 1, 7]) as tf.Tensor3D;
    const [single] = jump.predict(ctx, ctxV, one.reshape([2, 7]) as tf.Tensor2D, ['mean']);
    const [multi] = jump.predictViews(ctx, ctxV, one, ['mean']);
    assert.deepEqual(single.dataSync(), multi.dataSync());
    // The GQN's generator draws a latent per query: the same camera with two seeds gives two views.
    const v = one.reshape([2, 7]) as tf.Tensor2D;
    const [g1, g2] = gqn.predict(ctx, ctxV, v, [17, 18]);
    assert.notDeepEqual(g1.dataSync(), g2.dataSync());
  });
  jump.dispose();
  gqn.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('the ELBO: NLL summed over the T targets plus one KL per scene; the renderer reads r_C only with the deterministic path', () => {
  const model = new JUMP(TINY_JUMP, 4);
  const batch = tf.tidy(() => ({
    contextImages: tf.randomUniform([2, 1, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
    contextViewpoints: tf.randomNormal([2, 1, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
    targetImages: tf.randomUniform([2, 3, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor5D,
    targetViewpoints: tf.randomNormal([2, 3, 7], 0, 1, 'float32', 4) as tf.Tensor3D,
  }));
  const eps = model.noise(2, 9);
  const e = model.elbo(batch, 0.8, eps);
  assert.deepEqual(e.mean.shape, [2, 3, 16, 16, 3]);
  const [nll, kl, loss] = [e.nll.dataSync(), e.kl.dataSync(), e.loss.dataSync()[0]];
  assert.ok(kl.every((k) => k > 0));
  assert.ok(Math.abs(loss - (nll[0] + kl[0] + nll[1] + kl[1]) / 2) < 1e-3 * Math.abs(loss));
  // Each target's NLL from its own reconstruction: their sum is the scene's NLL.
  const d = 16 * 16 * 3;
  const perView = tf.tidy(() => tf.sum(tf.square(tf.sub(batch.targetImages, e.mean)), [2, 3, 4]).dataSync() as Float32Array);
  const expected0 = perView.slice(0, 3).reduce((s, x) => s + 0.5 * x / 0.64 + d * (Math.log(0.8) + 0.5 * Math.log(2 * Math.PI)), 0);
  assert.ok(Math.abs(nll[0] - expected0) < 1e-3 * Math.abs(expected0));
  // The renderer's inputs: z (and r_C with the deterministic path), the camera and its canvas.
  const core = model.store.params.get('renderer.core.conv.weight')!.variable;
  assert.equal(core.shape[2], TINY_JUMP.latentSteps * TINY_JUMP.zChannels + TINY_JUMP.rChannels + 7 + TINY_JUMP.uChannels + TINY_JUMP.hChannels);
  const paper = new JUMP({ ...TINY_JUMP, deterministicPath: false }, 4);
  assert.equal(paper.store.params.get('renderer.core.conv.weight')!.variable.shape[2], TINY_JUMP.latentSteps * TINY_JUMP.zChannels + 7 + TINY_JUMP.uChannels + TINY_JUMP.hChannels);
  paper.dispose();
  // With a KL weight beta the objective descends NLL + beta KL and still reports the -ELBO.
  const sigma = { start: 0.8, end: 0.8, steps: 1 };
  const weighted = model.objective({ sigma, klWeight: { start: 0.25, end: 0.25, steps: 1 } });
  const noiseSeed = 9; // the seed of `eps` above: the same z
  const [trained, logged] = tf.tidy(() => {
    const o = weighted.compute(batch, 0, noiseSeed);
    return [o.loss.dataSync()[0], o.scalars.elbo.dataSync()[0]];
  });
  const meanNll = (nll[0] + nll[1]) / 2;
  const meanKl = (kl[0] + kl[1]) / 2;
  assert.ok(Math.abs(trained - (meanNll + 0.25 * meanKl)) < 1e-3 * Math.abs(meanNll));
  assert.ok(Math.abs(logged - loss) < 1e-3 * Math.abs(loss));
  assert.deepEqual(weighted.settings(0), { sigma: 0.8, beta: 0.25 });
  assert.deepEqual(model.objective({ sigma }).settings(0), { sigma: 0.8 });
  tf.dispose([...Object.values(batch), ...eps, e.loss, e.nll, e.kl, e.mean]);
  model.dispose();
});

test('the parameter count from the config is the built model\'s, for every preset and the tiny config', () => {
  for (const config of [TINY_JUMP, { ...TINY_JUMP, representation: 'pool' as const, deterministicPath: false }, ...Object.values(JUMP_PRESETS).map((p) => p.model)]) {
    const model = new JUMP(config, 1);
    const built = [...model.store.params.values()].reduce((n, p) => n + p.variable.size, 0);
    assert.equal(jumpParameterCount(config), built);
    model.dispose();
  }
});

test('configuration errors name the field and what was expected', () => {
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, latentSteps: 0 }), /^Error: config\.latentSteps: expected an integer in 1\.\.256, got 0$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, representation: 'pyramid' }), /^Error: config\.representation: expected tower or pool, got "pyramid"$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, imageSize: 18 }), /^Error: config\.imageSize: expected a multiple of 4, got 18$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, coreKernel: 4 }), /^Error: config\.coreKernel: expected an odd kernel, got 4$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, deterministicPath: 'yes' as unknown as boolean }), /^Error: config\.deterministicPath: expected true or false, got "yes"$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, contextFrame: 'camera' as 'world' }), /^Error: config\.contextFrame: expected 'world', 'context' or 'query', got "camera"$/);
  assert.throws(() => validateJumpConfig({ ...TINY_JUMP, contextFrame: 'query', deterministicPath: false }), /^Error: config\.contextFrame: 'query' rebuilds the renderer's r_C per query; it needs deterministicPath true$/);
});

for (const contextFrame of ['context', 'query'] as const) test(`the ${contextFrame} frame: turning every camera of a scene by one angle changes no view`, () => {
  const model = new JUMP({ ...TINY_JUMP, contextFrame }, 6);
  const world = new JUMP({ ...TINY_JUMP, contextFrame: 'world' }, 6);
  tf.tidy(() => {
    const { ctx, ctxV, queryV } = inputs(2, 2, 3);
    // Unit headings, as real cameras have: (cos yaw, sin yaw) and (cos pitch, sin pitch).
    const unit = (v: tf.Tensor3D) => {
      const [p, yaw, pitch] = tf.split(v, [3, 2, 2], -1);
      return tf.concat([p, tf.div(yaw, tf.norm(yaw, 2, -1, true)), tf.div(pitch, tf.norm(pitch, 2, -1, true))], -1) as tf.Tensor3D;
    };
    const [cv, qv] = [unit(ctxV), unit(queryV)];
    const angle = 1.234;
    const heading = tf.tensor2d([[0, 0, 0, Math.cos(angle), Math.sin(angle), 1, 0], [0, 0, 0, Math.cos(angle), Math.sin(angle), 1, 0]]);
    const [turnedC, turnedQ] = [toFrameOf(heading, cv), toFrameOf(heading, qv)];
    const [a] = model.predictViews(ctx, cv, qv, [5]);
    const [b] = model.predictViews(ctx, turnedC, turnedQ, [5]);
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    assert.ok(diff < 1e-4, `turned scene: views differ by ${diff}`);
    // In the world frame the same turn is a different scene to the model.
    const [c] = world.predictViews(ctx, cv, qv, [5]);
    const [d] = world.predictViews(ctx, turnedC, turnedQ, [5]);
    assert.ok(tf.max(tf.abs(tf.sub(c, d))).dataSync()[0] > 1e-4);
  });
  model.dispose();
  world.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('the query frame rebuilds the renderer\'s r_C per camera: same weights, other views than the context frame, same latent', () => {
  const query = new JUMP({ ...TINY_JUMP, contextFrame: 'query' }, 6);
  const context = new JUMP({ ...TINY_JUMP, contextFrame: 'context' }, 6);
  tf.tidy(() => {
    const { ctx, ctxV, queryV } = inputs(2, 2, 3);
    const [a] = query.predictViews(ctx, ctxV, queryV, [5]);
    const [b] = context.predictViews(ctx, ctxV, queryV, [5]);
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] > 1e-4, 'the path reads r_C in the query frame');
    // The latent is the context frame's in both: the same z from the same noise.
    const za = query.drawScene(query.context(ctx, ctxV).rC, query.noise(2, 5));
    const zb = context.drawScene(context.context(ctx, ctxV).rC, context.noise(2, 5));
    assert.deepEqual(za.dataSync(), zb.dataSync());
  });
  query.dispose();
  context.dispose();
  assert.equal(tf.memory().numTensors, 0);
});
