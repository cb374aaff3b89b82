/**
 * The consistency test's judge: the shipped face classifier (classifiers/mnist-dice-faces) reads
 * the digit a mnist-dice view shows most squarely on views of scenes it never saw; a short
 * training run lowers its loss; a missing classifier is an error naming the file and the script.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { facingFace, labelledFaceViews, SIDE_FACES } from '../../src/eval/dice-views.js';
import { loadFaceClassifier, trainFaceClassifier } from '../../src/eval/face-classifier.js';

let dir = '';
before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-faces-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

test('the shipped classifier reads the squarely seen face of unseen scenes (>= 95% of 300 views)', async () => {
  const { classifier, info } = await loadFaceClassifier();
  try {
    assert.equal(info.imageSize, 32);
    // Another seed and stream than its training and held-out views.
    const views = labelledFaceViews(1234, 'face-check', 300, 32, (35 * Math.PI) / 180);
    const predicted = classifier.classify(views.images);
    const accuracy = predicted.reduce((n, c, i) => n + (c === views.labels[i] ? 1 : 0), 0) / 300;
    assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  } finally {
    classifier.dispose();
  }
  assert.equal(tf.memory().numTensors, 0);
});

test('a short training run lowers the loss; a missing classifier names its file and the script', async () => {
  const losses: number[] = [];
  const { classifier, info } = trainFaceClassifier({
    imageSize: 16, seed: 2, views: 200, steps: 30, batch: 16, lr: 1e-3, spreadDegrees: 35, heldOut: 50, onProgress: (_, l) => losses.push(l),
  });
  classifier.dispose();
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(mean(losses.slice(-5)) < mean(losses.slice(0, 5)), `loss ${losses[0]} -> ${losses[losses.length - 1]}`);
  assert.ok(info.heldOut.accuracy >= 0 && info.heldOut.accuracy <= 1);
  await assert.rejects(loadFaceClassifier(dir), new RegExp(`^Error: ${join(dir, 'classifier.json')}: no face classifier \\(make it with: npx tsx scripts/train-face-classifier.ts\\)$`));
  assert.equal(tf.memory().numTensors, 0);
});

test('each side face is the one a camera at its azimuth sees squarely', () => {
  for (const f of SIDE_FACES) for (const o of [-40, 0, 40]) assert.equal(facingFace(f.azimuth + (o * Math.PI) / 180), f.face);
});
