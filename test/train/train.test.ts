/**
 * Training: schedules, NaN rejection, checkpoint files, and a resumed run continuing the same
 * curve bit for bit on the same backend.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { generateDataset } from '../../src/data/generate.js';
import { readTFRecords } from '../../src/data/tfrecord.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { linearAt, PAPER_LR, PAPER_SIGMA } from '../../src/models/schedules.js';
import { Adam, PAPER_ADAM } from '../../src/train/adam.js';
import { loadWeights, saveWeights } from '../../src/train/checkpoint.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { readSafetensors, writeSafetensors } from '../../src/train/safetensors.js';
import { trainStep } from '../../src/train/gqn-step.js';
import { decodeEvent } from '../../src/train/tensorboard.js';
import { train } from '../../src/train/trainer.js';
import { TINY } from '../models/tiny-config.js';

let dir = '';
let data = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-train-'));
  await generateDataset({ out: dir, world: 'shepard-metzler-7', scenes: 24, views: 5, size: 16, seed: 3, workers: 0, testScenes: 4 });
  data = join(dir, 'shepard-metzler-7');
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

test('schedules: the paper\'s sigma and learning rate anneal linearly, then hold', () => {
  assert.equal(linearAt(PAPER_SIGMA, 0), 2.0);
  assert.ok(Math.abs(linearAt(PAPER_SIGMA, 1e5) - 1.35) < 1e-12);
  assert.equal(linearAt(PAPER_SIGMA, 2e5), 0.7);
  assert.equal(linearAt(PAPER_SIGMA, 5e6), 0.7);
  assert.equal(linearAt(PAPER_LR, 0), 5e-4);
  assert.ok(Math.abs(linearAt(PAPER_LR, 8e5) - 2.75e-4) < 1e-12);
  assert.equal(linearAt(PAPER_LR, 1.6e6), 5e-5);
  // A ramp that begins at step 100 (`from`): start until then, end from 110.
  const late = { start: 0.5, end: 1, steps: 10, from: 100 };
  assert.deepEqual([0, 50, 100, 105, 110, 200].map((s) => linearAt(late, s)), [0.5, 0.5, 0.5, 0.75, 1, 1]);
});

function tinyBatch(nan: boolean) {
  return tf.tidy(() => {
    const q = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 7);
    return {
      contextImages: tf.randomUniform([2, 2, 16, 16, 3], 0, 1, 'float32', 8) as tf.Tensor5D,
      contextViewpoints: tf.randomNormal([2, 2, 7], 0, 1, 'float32', 9) as tf.Tensor3D,
      queryImage: (nan ? tf.mul(q, tf.scalar(NaN)) : q) as tf.Tensor4D,
      queryViewpoint: tf.randomNormal([2, 7], 0, 1, 'float32', 10) as tf.Tensor2D,
    };
  });
}

test('a step with a non-finite loss is rejected and changes nothing', () => {
  const model = new GQN(TINY, 4);
  const adam = new Adam(PAPER_ADAM);
  const good = tinyBatch(false);
  assert.equal(trainStep(model, adam, good, 1.0, 1e-3, 1).applied, true);
  const before = model.store.variables().map((v) => v.dataSync().slice());
  const bad = tinyBatch(true);
  const r = trainStep(model, adam, bad, 1.0, 1e-3, 2);
  assert.equal(r.applied, false);
  assert.ok(!Number.isFinite(r.elbo));
  assert.equal(adam.step, 1, 'Adam did not count the rejected step');
  model.store.variables().forEach((v, i) => assert.deepEqual(v.dataSync(), before[i]));
  tf.dispose([...Object.values(good), ...Object.values(bad)]);
  adam.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, 0);
});

test('weights round-trip through safetensors in PyTorch layout', async () => {
  const a = new GQN(TINY, 1);
  const b = new GQN(TINY, 2);
  const path = join(dir, 'w.safetensors');
  await saveWeights(path, a.store);
  const { tensors } = await readSafetensors(path);
  const w = tensors.get('generator.prior.weight')!;
  assert.deepEqual(w.shape, [2 * TINY.zChannels, TINY.hChannels, 3, 3], 'conv weight is (out, in, kh, kw)');
  const canvas = tensors.get('generator.canvas.weight')!;
  assert.deepEqual(canvas.shape, [TINY.hChannels, TINY.uChannels, 4, 4], 'transposed conv weight is (in, out, kh, kw)');
  // Element check of the permutation: torch[o][i][y][x] == tfjs[y][x][i][o].
  const tfw = a.store.get('generator.prior.weight').arraySync() as number[][][][];
  assert.equal(w.data[((1 * TINY.hChannels + 2) * 3 + 0) * 3 + 1], tfw[0][1][2][1]);
  await loadWeights(path, b.store);
  for (const [name, p] of a.store.params) assert.deepEqual(p.variable.dataSync(), b.store.get(name).dataSync(), name);
  a.dispose();
  b.dispose();
});

test('bad checkpoint files give errors naming the file and what is wrong', async () => {
  const model = new GQN(TINY, 1);
  const truncated = join(dir, 'truncated.safetensors');
  await writeFile(truncated, new Uint8Array([1, 2, 3]));
  await assert.rejects(loadWeights(truncated, model.store), /truncated\.safetensors: not a valid safetensors file/);
  const other = join(dir, 'other.safetensors');
  await writeSafetensors(other, new Map([['generator.prior.weight', { shape: [1], data: new Float32Array(1) }]]));
  await assert.rejects(loadWeights(other, model.store), /other\.safetensors: no tensor representation\.conv1\.weight|other\.safetensors: tensor/);
  model.dispose();
});

function runConfig(out: string, steps: number): RunConfig {
  return {
    format: 'gqn-run/1', model: TINY,
    train: {
      preset: 'tiny', data, batch: 3, steps, seed: 11, contextViews: 'random',
      sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
      checkpointEvery: 2, logEvery: 1,
    },
  };
}

async function metricLines(run: string) {
  return (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n')
    .map((l) => JSON.parse(l) as { step: number; elbo: number; nll: number; kl: number; gradNorm: number });
}

test('a resumed run continues the same curve, bit for bit', async () => {
  const straight = join(dir, 'straight');
  const resumed = join(dir, 'resumed');
  await train(straight, runConfig(straight, 6), false);
  let calls = 0;
  const first = await train(resumed, runConfig(resumed, 6), false, { shouldStop: () => ++calls > 3 });
  assert.equal(first.stoppedEarly, true);
  assert.equal(first.step, 3);
  const second = await train(resumed, runConfig(resumed, 6), true);
  assert.equal(second.step, 6);
  const a = await metricLines(straight);
  const b = await metricLines(resumed);
  assert.deepEqual(b.map((m) => m.step), [1, 2, 3, 4, 5, 6]);
  for (let i = 0; i < a.length; i++) {
    for (const k of ['elbo', 'nll', 'kl', 'gradNorm'] as const) assert.equal(b[i][k], a[i][k], `step ${a[i].step} ${k}`);
  }
  const wa = await readSafetensors(join(straight, 'checkpoints', '000000006', 'model.safetensors'));
  const wb = await readSafetensors(join(resumed, 'checkpoints', '000000006', 'model.safetensors'));
  for (const [name, t] of wa.tensors) assert.deepEqual(wb.tensors.get(name)!.data, t.data, name);
  // TensorBoard events were written: a file-version record, then scalars per logged step.
  const tb = join(straight, 'tensorboard');
  const files = await (await import('node:fs/promises')).readdir(tb);
  const events = [];
  for await (const r of readTFRecords(join(tb, files[0]))) events.push(decodeEvent(r.data));
  assert.equal(events[0].fileVersion, 'brain.Event:2');
  assert.equal(events.length, 7);
  assert.equal(events[6].step, 6);
  assert.ok(Math.abs(events[6].scalars.elbo - a[5].elbo) <= 1e-3 * Math.abs(a[5].elbo));
  assert.equal(tf.memory().numTensors, 0, 'training leaked tensors');
});
