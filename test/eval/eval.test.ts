/**
 * `gqn eval` and `gqn render` on a tiny trained run: the report's shape and its arithmetic
 * (ELBO = NLL + KL, bits/dim), the wrong-scene control row, the grid's pixel size, and an
 * exported run giving the same figures without the optimizer state.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import { generateDataset } from '../../src/data/generate.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { evaluateRun } from '../../src/eval/evaluate.js';
import { renderGrid } from '../../src/eval/render-grid.js';
import { formatReport } from '../../src/cli/eval.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { exportRun } from '../../src/train/export.js';
import { train } from '../../src/train/trainer.js';
import { TINY } from '../models/tiny-config.js';

let dir = '';
let data = '';
let run = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-eval-'));
  await generateDataset({ out: dir, world: 'shepard-metzler-7', scenes: 16, views: 5, size: 16, seed: 5, workers: 0, testScenes: 6 });
  data = join(dir, 'shepard-metzler-7');
  run = join(dir, 'run');
  await train(run, {
    format: 'gqn-run/1', model: TINY,
    train: {
      preset: 'tiny', data, batch: 4, steps: 4, seed: 2, contextViews: 'random',
      sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
      checkpointEvery: 4, logEvery: 1,
    },
  }, false);
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

test('eval reports every context count, consistent units, and the wrong-scene control', async () => {
  const report = await evaluateRun(run, { data, split: 'test', scenes: 6, batch: 4, seed: 1 });
  assert.equal(report.step, 4);
  assert.equal(report.scenes, 6);
  assert.deepEqual(report.results.map((r) => r.contextViews), [1, 2, 3, 4]);
  const d = 16 * 16 * 3;
  for (const r of [...report.results, report.wrongScene!]) {
    assert.ok(Math.abs(r.elbo - (r.nll + r.kl)) <= 1e-9 * Math.abs(r.elbo));
    assert.ok(Math.abs(r.elboBitsPerDim - r.elbo / (d * Math.LN2)) < 1e-9);
    assert.ok(r.kl >= 0, `KL ${r.kl} < 0`);
    for (const v of [r.psnrPriorSample, r.psnrPosterior, r.ssimPriorSample, r.ssimPosterior, r.psnrPriorMean, r.psnrWrongCamera, r.psnrSceneMean, r.psnrContextMean, r.psnrNearestView]) {
      assert.ok(Number.isFinite(v));
    }
    assert.ok(Math.abs(r.viewpointGap - (r.psnrPriorMean - r.psnrWrongCamera)) < 1e-12);
    assert.ok(Math.abs(r.marginOverOracle - (r.psnrPriorMean - r.psnrSceneMean)) < 1e-12);
    assert.equal(r.byAngle.reduce((n, b) => n + b.scenes, 0), 6, 'every scene lands in one angle bin');
    // The camera reaches the generator even untrained: another camera changes the prediction.
    assert.notEqual(r.psnrWrongCamera, r.psnrPriorMean);
  }
  // Both batches (4 + 2 scenes) have two or more scenes, so every scene is in the control row.
  assert.equal(report.wrongScene!.contextViews, 4);
  // Another scene's contexts change the representation, so the figures differ from the M=4 row.
  assert.notEqual(report.wrongScene!.nll, report.results[3].nll);
  // The same seed gives the same report.
  const again = await evaluateRun(run, { data, split: 'test', scenes: 6, batch: 4, seed: 1 });
  assert.deepEqual(again.results, report.results);
  const text = formatReport(report);
  assert.match(text, /4 other scene/);
  assert.match(text, /viewpoint gap/);
  assert.equal(tf.memory().numTensors, 0, 'eval leaked tensors');
});

test('render draws contexts | truth | reconstruction | samples for each scene', async () => {
  const { png, step } = await renderGrid(run, { data, split: 'test', scenes: 3, contextViews: 2, samples: 3, zoom: 2, seed: 1 });
  assert.equal(step, 4);
  const img = PNG.sync.read(png);
  const tile = 16 * 2;
  // 2 contexts + truth + reconstruction + 3 samples = 7 tiles, 2-px gaps, 4 px more after the
  // contexts and after the truth.
  assert.equal(img.width, 7 * tile + 6 * 2 + 8);
  assert.equal(img.height, 3 * tile + 2 * 2);
  assert.equal(tf.memory().numTensors, 0, 'render leaked tensors');
});

test('an exported run holds the weights without optimizer state and evaluates the same', async () => {
  assert.ok((await readdir(run)).includes('dataset.json'), 'gqn train records its data\'s settings');
  const out = join(dir, 'exported');
  const r = await exportRun(run, out);
  assert.equal(r.step, 4);
  assert.deepEqual((await readdir(out)).sort(), ['checkpoints', 'config.json', 'dataset.json', 'export.json', 'metrics.jsonl']);
  const record = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8')) as { world: string; seed: number; size: number };
  assert.deepEqual([record.world, record.seed, record.size], ['shepard-metzler-7', 5, 16]);
  assert.deepEqual((await readdir(join(out, 'checkpoints', '000000004'))).sort(), ['model.safetensors', 'state.json']);
  const a = await evaluateRun(run, { data, split: 'test', scenes: 4, batch: 4, seed: 3, contexts: [2] });
  const b = await evaluateRun(out, { data, split: 'test', scenes: 4, batch: 4, seed: 3, contexts: [2] });
  assert.deepEqual(b.results, a.results);
  await assert.rejects(exportRun(run, out), /--out: .*exported exists; pass --force/);
  await exportRun(run, out, { force: true });
  await assert.rejects(exportRun(join(dir, 'nothing'), join(dir, 'x')), /nothing.*config\.json|config\.json.*nothing/);
});
