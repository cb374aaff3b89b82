/**
 * The model registry and interface: kinds and presets by name with one-line errors, config.json's
 * `kind` (absent = gqn), a resume that keeps the kind, and the training step's three parts giving
 * what trainStep gives.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { GQN_PRESETS, PRESETS } from '../../src/models/gqn/config.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { getModelKind, kindOf, MODEL_KINDS, presetOf } from '../../src/models/registry.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { planResume } from '../../src/train/resume-plan.js';
import { readRunConfig, type GqnRunConfig, type RunConfig } from '../../src/train/run-config.js';
import { applyStep, checkStep, disposeGradients, lossAndGradients, trainStep } from '../../src/train/step.js';
import { TINY } from './tiny-config.js';

let dir = '';
before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-registry-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const runConfig = (kind?: 'gqn'): GqnRunConfig => ({
  format: 'gqn-run/1', ...(kind ? { kind } : {}), model: TINY,
  train: {
    preset: 'tiny', data: 'data/x', batch: 2, steps: 4, seed: 1, contextViews: 'random',
    sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
    checkpointEvery: 2, logEvery: 1,
  },
});

test('kinds and presets by name; unknown ones are one-line errors listing the choices', () => {
  assert.deepEqual(MODEL_KINDS, ['gqn', 'vae', 'cvae', 'cnp', 'np', 'anp', 'jump']);
  assert.equal(getModelKind('gqn').name, 'gqn');
  assert.throws(() => getModelKind('dcgan'), /^Error: --model: expected one of gqn, vae, cvae, cnp, np, anp, jump, got "dcgan"$/);
  assert.equal(kindOf({}).name, 'gqn', 'a config without kind is a GQN');
  assert.throws(() => kindOf({ kind: 'slim' }), /^Error: field kind: expected one of gqn, vae, cvae, cnp, np, anp, jump, got "slim"$/);
  const gqn = getModelKind('gqn');
  assert.throws(() => presetOf(gqn, 'huge'), /^Error: --preset: expected one of paper, cpu \(the gqn presets\), got 'huge'$/);
  assert.ok(gqn.presets[gqn.defaultPreset], 'the default preset is in the table');
  // One table: the PRESETS view is its models, and a preset taken from it is a copy.
  assert.deepEqual(Object.keys(PRESETS), Object.keys(GQN_PRESETS));
  for (const [name, p] of Object.entries(GQN_PRESETS)) {
    assert.deepEqual(PRESETS[name], p.model);
    gqn.validate(p.model);
    assert.ok(p.train.batch > 0 && p.train.steps > 0 && p.train.sigma.steps > 0 && p.train.lr.steps > 0, name);
  }
  const copy = presetOf(gqn, 'cpu');
  copy.model.hChannels = 1;
  copy.train.sigma.start = 99;
  assert.notEqual(GQN_PRESETS.cpu.model.hChannels, 1);
  assert.notEqual(GQN_PRESETS.cpu.train.sigma.start, 99);
  // The progress line's metrics start with the objective's loss.
  const model = gqn.create(TINY, 1);
  assert.equal(gqn.metrics[0].key, model.objective(runConfig().train).lossKey);
  model.dispose();
});

test('config.json: kind absent loads as a GQN, an unknown kind is refused naming the file and field', async () => {
  const write = async (name: string, c: object) => {
    await rm(join(dir, name), { recursive: true, force: true });
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'config.json'), JSON.stringify(c));
    return join(dir, name);
  };
  assert.equal(kindOf(await readRunConfig(await write('old', runConfig()))).name, 'gqn');
  assert.equal((await readRunConfig(await write('new', runConfig('gqn')))).kind, 'gqn');
  const bad = await write('bad', { ...runConfig(), kind: 'slim' });
  await assert.rejects(readRunConfig(bad), (e: Error) => e.message === `${join(bad, 'config.json')}: field kind: expected one of gqn, vae, cvae, cnp, np, anp, jump, got "slim"`);
});

test('a resume keeps the run\'s kind, and writes none into a config that had none', () => {
  const input = (saved: RunConfig, requested: RunConfig) => ({
    saved, requested, step: 2, at: 'ckpt', configPath: 'RUN/config.json', savedDataset: null, newDataset: null, override: true,
  });
  const plan = planResume(input(runConfig(), runConfig('gqn')));
  assert.equal('kind' in plan.config, false);
  assert.deepEqual(plan.changes, []);
  assert.throws(() => planResume(input(runConfig('gqn'), { ...runConfig('gqn'), kind: 'vae' } as unknown as RunConfig)),
    /^Error: --model: the run trains a gqn model \(RUN\/config\.json\), not vae; a resume keeps the run's model$/);
});

test('the step\'s three parts give what trainStep gives, and a non-finite step is refused by the check', () => {
  const batch = tf.tidy(() => ({
    contextImages: tf.randomUniform([2, 2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
    contextViewpoints: tf.randomNormal([2, 2, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
    queryImage: tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
    queryViewpoint: tf.randomNormal([2, 7], 0, 1, 'float32', 4) as tf.Tensor2D,
  }));
  const settings = runConfig().train;
  const [a, b] = [new GQN(TINY, 4), new GQN(TINY, 4)];
  const [adamA, adamB] = [new Adam(PAPER_ADAM), new Adam(PAPER_ADAM)];
  const [objA, objB] = [a.objective(settings), b.objective(settings)];
  for (let step = 0; step < 3; step++) {
    const whole = trainStep(a, objA, adamA, batch, step, 1e-3, 10 + step);
    const g = lossAndGradients(b, objB, batch, step, 10 + step);
    const check = checkStep(g, objB.lossKey);
    assert.equal(check.finite, true);
    applyStep(b, adamB, g.grads, 1e-3);
    disposeGradients(g);
    assert.deepEqual(Object.keys(check.values), ['elbo', 'nll', 'kl']);
    assert.deepEqual({ ...check, applied: true }, whole);
    assert.deepEqual(objA.settings(step), { sigma: 2 + (0.7 - 2) * (step / 10) });
  }
  a.store.variables().forEach((v, i) => assert.deepEqual(v.dataSync(), b.store.variables()[i].dataSync()));
  const nan = { ...batch, queryImage: tf.mul(batch.queryImage, NaN) as tf.Tensor4D };
  const g = lossAndGradients(b, objB, nan, 3, 13);
  assert.equal(checkStep(g, objB.lossKey).finite, false);
  disposeGradients(g);
  tf.dispose([...Object.values(batch), nan.queryImage]);
  for (const x of [a, b, adamA, adamB]) x.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('predict: one image per draw from one encoding of the context; \'mean\' is deterministic', () => {
  const model = new GQN(TINY, 2);
  tf.tidy(() => {
    const ctx = tf.randomUniform([2, 3, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
    const ctxV = tf.randomNormal([2, 3, 7], 0, 1, 'float32', 2) as tf.Tensor3D;
    const v = tf.randomNormal([2, 7], 0, 1, 'float32', 3) as tf.Tensor2D;
    const [mean, s5, mean2, s5again] = model.predict(ctx, ctxV, v, ['mean', 5, 'mean', 5]);
    assert.deepEqual(mean.shape, [2, 16, 16, 3]);
    assert.deepEqual(mean.dataSync(), mean2.dataSync());
    assert.deepEqual(s5.dataSync(), s5again.dataSync());
    const { r, v: vq } = model.condition(ctx, ctxV, v);
    assert.deepEqual(s5.dataSync(), model.sample(vq, r, model.noise(2, 5)).dataSync());
    assert.notDeepEqual(s5.dataSync(), mean.dataSync());
  });
  model.dispose();
  assert.equal(tf.memory().numTensors, 0);
});
