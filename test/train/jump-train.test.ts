/**
 * JUMP runs through the trainer, eval and render on a tiny mnist-dice dataset: a resumed run
 * continues the same curve bit for bit; the scene eval and the consistency test report sane
 * figures for it; the grid has the size its layout says; targets the data cannot give are refused
 * naming the flag.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import { generateDataset } from '../../src/data/generate.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { evaluateConsistency, formatConsistency } from '../../src/eval/consistency.js';
import { trainFaceClassifier } from '../../src/eval/face-classifier.js';
import type { EvalReport } from '../../src/eval/scene-eval.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import type { JUMP } from '../../src/models/jump/jump.js';
import { getModelKind, kindOf } from '../../src/models/registry.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { loadRun } from '../../src/train/load-run.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { startNewRun } from '../../src/train/run-start.js';
import { train } from '../../src/train/trainer.js';
import { TINY, TINY_JUMP } from '../models/tiny-config.js';
import { assertResumeBitForBit, metricLines } from './resume-check.js';

let dir = '';
let data = '';
before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-jump-train-'));
  await generateDataset({ out: dir, world: 'mnist-dice', scenes: 20, views: 6, size: 16, seed: 3, workers: 0, testScenes: 6 });
  data = join(dir, 'mnist-dice');
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const runConfig = (targets = 2): RunConfig => ({
  format: 'gqn-run/1', kind: 'jump', model: TINY_JUMP,
  train: {
    preset: 'tiny', data, batch: 3, steps: 6, seed: 5, contextViews: 'random', targets,
    sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM, checkpointEvery: 2, logEvery: 1,
  },
});

test('a resumed jump run continues the same curve, bit for bit', async () => {
  await assertResumeBitForBit(dir, 'jump', runConfig(), ['elbo', 'nll', 'kl', 'sigma'], { seed: 5, epoch: 1, position: 4, batch: 6 });
});

test('eval: the scene report (one query per scene) for a jump run, and the consistency test', async () => {
  const trained = await loadRun(join(dir, 'jump-straight'));
  const kind = kindOf(trained.config);
  try {
    const { json, text } = await kind.evaluation.run(trained, { data, split: 'test', scenes: 6, batch: 4, contexts: [1, 3], seed: 1 });
    const r = json as EvalReport;
    assert.equal(r.scenes, 6);
    assert.deepEqual(r.results.map((x) => x.contextViews), [1, 3]);
    for (const x of r.results) {
      assert.ok(Math.abs(x.elbo - (x.nll + x.kl)) < 1e-9 * x.elbo);
      assert.ok(x.kl > 0 && Number.isFinite(x.psnrPriorMean) && Number.isFinite(x.psnrSceneMean));
    }
    assert.match(text, /prior mean/);

    // The consistency test with a classifier made here at the model's 16 px.
    const { classifier, info } = trainFaceClassifier({ imageSize: 16, seed: 1, views: 60, steps: 4, batch: 8, lr: 1e-3, spreadDegrees: 35, heldOut: 20 });
    const faces = join(dir, 'faces');
    await rm(faces, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(faces);
    await saveWeights(join(faces, 'model.safetensors'), classifier.store);
    await writeFile(join(faces, 'classifier.json'), JSON.stringify(info));
    classifier.dispose();
    const subject = { kind: 'jump' as const, run: trained.run, step: trained.step, model: trained.model as JUMP };
    const c = await evaluateConsistency(subject, { scenes: 5, samples: 3, batch: 2, seed: 4, classifier: faces });
    assert.equal(c.scenes, 5);
    for (const a of [c.truth, c.samplesWithin, c.priorMean]) {
      for (const x of [a.pairAgreement, a.allAgree, a.accuracy]) assert.ok(x >= 0 && x <= 1);
      assert.ok(a.allAgree <= a.pairAgreement + 1e-12, 'all four agreeing implies every pair agrees');
    }
    assert.ok(c.samplesAcross != null && c.samplesAcross >= 0 && c.samplesAcross <= 1);
    assert.deepEqual(await evaluateConsistency(subject, { scenes: 5, samples: 3, batch: 5, seed: 4, classifier: faces }), c, 'the same report whatever the batch');
    assert.match(formatConsistency(c), /hidden face C/);
    // The GQN's path: a latent per view; an untrained GQN's views of one sample need not agree.
    const gqn = new GQN({ ...TINY, representation: 'tower' }, 2);
    try {
      const g = await evaluateConsistency({ kind: 'gqn', run: trained.run, step: 0, model: gqn }, { scenes: 4, samples: 2, batch: 4, seed: 4, classifier: faces });
      assert.equal(g.kind, 'gqn');
      assert.ok(g.samplesWithin.pairAgreement >= 0 && g.samplesWithin.pairAgreement <= 1);
    } finally {
      gqn.dispose();
    }
    // A run of another world is refused by name.
    const other = join(dir, 'other-world');
    await (await import('node:fs/promises')).mkdir(other, { recursive: true });
    await writeFile(join(other, 'dataset.json'), JSON.stringify({ world: 'rooms' }));
    await assert.rejects(evaluateConsistency({ ...subject, run: other }, { scenes: 1, samples: 1, batch: 1, seed: 1, classifier: faces }),
      /^Error: --consistency: .*other-world was trained on rooms/);
  } finally {
    trained.model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0, 'eval leaked tensors');
});

test('render: contexts | truth at 4 cameras | each sample at the same 4 cameras', async () => {
  const trained = await loadRun(join(dir, 'jump-straight'));
  const kind = kindOf(trained.config);
  try {
    const { png, caption } = await kind.render.run(trained, { data, split: 'test', scenes: 3, context: 2, samples: 2, zoom: 2, seed: 1 });
    const img = PNG.sync.read(Buffer.from(png));
    const cols = 2 + 4 + 2 * 4;
    assert.equal(img.width, cols * 32 + (cols - 1) * 2 + 3 * 4);
    assert.equal(img.height, 3 * 32 + 2 * 2);
    assert.match(caption, /one scene latent/);
  } finally {
    trained.model.dispose();
  }
});

test('more targets than the data has views are refused, naming the flag', async () => {
  const kind = getModelKind('jump');
  const t = runConfig(6).train as Parameters<typeof kind.data.check>[1];
  await assert.rejects(kind.data.check(TINY_JUMP, t), /6 query views and at least one context view need 7 views per scene, but .* has 6/);
  await assert.rejects(kind.data.check(TINY_JUMP, { ...t, contextViews: 2, targets: 5 }), /^Error: --context-views: 2 context views and 5 query views need 7 views per scene/);
});

test('a KL weight (beta) trains on NLL + beta KL, logs the -ELBO itself and beta, and resumes bit for bit', async () => {
  const config = runConfig();
  config.train = { ...config.train, klWeight: { start: 0.1, end: 1, steps: 4 } } as RunConfig['train'];
  await assertResumeBitForBit(dir, 'jump-beta', config, ['elbo', 'nll', 'kl', 'sigma', 'beta'], { seed: 5, epoch: 1, position: 4, batch: 6 });
  const lines = await metricLines(join(dir, 'jump-beta-straight'));
  // Step n trains at the schedule's value for n - 1 (as sigma): 0.1 -> 1 over 4 steps, then 1.
  const expected = [0.1, 0.325, 0.55, 0.775, 1, 1];
  lines.forEach((m, i) => assert.ok(Math.abs(m.beta - expected[i]) < 1e-9, `step ${m.step}: beta ${m.beta}, expected ${expected[i]}`));
  for (const m of lines) assert.ok(Math.abs(m.elbo - (m.nll + m.kl)) <= 1e-3 * Math.abs(m.elbo), `step ${m.step}: elbo ${m.elbo} is nll + kl`);
});

test('a KL weight without all three of start, end and steps is refused before anything is written, naming the flags', async () => {
  const config = runConfig();
  config.train = { ...config.train, klWeight: { start: 0.1 } } as unknown as RunConfig['train'];
  const run = join(dir, 'jump-partial-beta');
  await assert.rejects(startNewRun(run, config, () => undefined), /^Error: train\.klWeight: expected a positive start, end and steps \(--kl-weight-start, --kl-weight-end, --kl-weight-steps\), got \{"start":0\.1\}$/);
  assert.equal(existsSync(run), false, 'no run folder was written');
  config.train = { ...config.train, klWeight: { start: 0.1, end: 1, steps: 2, from: 1.5 } } as RunConfig['train'];
  await assert.rejects(startNewRun(run, config, () => undefined), /^Error: train\.klWeight\.from: expected the step the ramp begins at, an integer >= 0 \(--kl-weight-from\), got 1\.5$/);
  assert.equal(existsSync(run), false, 'no run folder was written');
});

test('a resumed run can start a KL-weight ramp where it is (train.klWeight.from), recorded as an override', async () => {
  const config = runConfig();
  config.train = { ...config.train, steps: 2, klWeight: { start: 0.1, end: 0.1, steps: 1 } } as RunConfig['train'];
  const run = join(dir, 'jump-beta-from');
  await train(run, config, false);
  const ramp = { ...config, train: { ...config.train, steps: 5, klWeight: { start: 0.5, end: 1, steps: 2, from: 2 } } } as RunConfig;
  await assert.rejects(train(run, ramp, true), /the resume conflicts with the run's config: .*pass --override/);
  await train(run, ramp, true, {}, { override: true });
  // Step n trains at the schedule's value for n - 1: 0.1 before the resume, then 0.5 -> 1 over 2 steps from step 2.
  assert.deepEqual((await metricLines(run)).map((m) => m.beta), [0.1, 0.1, 0.5, 0.75, 1]);
  const saved = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as { train: { klWeight: object }; overrides: { field: string }[] };
  assert.deepEqual(saved.train.klWeight, { start: 0.5, end: 1, steps: 2, from: 2 });
  assert.ok(saved.overrides.some((o) => o.field === 'train.klWeight.from'), JSON.stringify(saved.overrides));
});
