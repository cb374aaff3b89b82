/**
 * CNP, NP and ANP runs on the mnist task through the trainer, eval, render and the CLI: a resumed
 * run continues the same curve bit for bit, the eval report on held-out digits is finite and the
 * same for the same seed, the grid's size and colours, and the CLI's train/eval/render.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { baselineLogLikelihoods } from '../../src/eval/image-baselines.js';
import { evalDigits, evaluateImages, formatImageReport, IMAGE_EVAL_SAMPLES } from '../../src/eval/image-eval.js';
import type { EvalOptions, RenderOptions } from '../../src/models/model.js';
import type { NpKindName } from '../../src/models/np/config.js';
import type { NeuralProcess } from '../../src/models/np/neural-process.js';
import type { NpConfig } from '../../src/models/np/config.js';
import type { NpTrainSettings } from '../../src/models/np/task.js';
import type { TrainedModel } from '../../src/models/model.js';
import { getModelKind, kindOf } from '../../src/models/registry.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { loadRun } from '../../src/train/load-run.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { assertResumeBitForBit } from './resume-check.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';

/** The CLI as a user runs it, on one thread. */
const gqn = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/gqn.js'), '--threads', '1', ...args], { cwd: root, encoding: 'utf8' });

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-np-mnist-train-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

function runConfig(kind: NpKindName, steps: number): RunConfig {
  const { model, train: t } = getModelKind(kind).presets['mnist-tiny'];
  return {
    format: 'gqn-run/1', kind, model,
    train: { preset: 'mnist-tiny', batch: 4, steps, seed: 3, task: t.task, lr: { start: 1e-3, end: 1e-3, steps: 1 }, adam: PAPER_ADAM, checkpointEvery: 2, logEvery: 1 },
  } as RunConfig;
}

for (const kind of ['cnp', 'anp'] as const) {
  test(`a resumed ${kind} run on the mnist task continues the same curve, bit for bit`, async () => {
    await assertResumeBitForBit(dir, kind, runConfig(kind, 6), kind === 'cnp' ? ['nll'] : ['elbo', 'nll', 'kl'], { seed: 3, epoch: 0, position: 24, batch: 6 });
  });
}

const evalOptions: EvalOptions = { split: 'test', scenes: 0, batch: 10, seed: 1, contexts: [10, 784], digits: 20 };

test('eval: finite log-likelihoods per pixel on held-out digits, all 784 targets, the same report for the same seed', async () => {
  const trained = await loadRun(join(dir, 'anp-straight')) as TrainedModel<NeuralProcess, NpConfig, NpTrainSettings>;
  try {
    const r = await evaluateImages(trained, evalOptions);
    assert.equal(r.digits, 20);
    assert.equal(r.targets, 784);
    assert.equal(r.samples, IMAGE_EVAL_SAMPLES);
    assert.equal(r.task, 'mnist');
    assert.deepEqual(r.results.map((x) => x.contexts), [10, 784]);
    // The baselines' columns are theirs on the same digits and contexts.
    for (const x of r.results) {
      const copy = evalDigits(20).reduce((a, d) => a + baselineLogLikelihoods(d, x.contexts).copy, 0) / 20;
      assert.ok(Math.abs(x.copy.mean - copy) < 1e-9 && x.marginal.mean < x.copy.mean, JSON.stringify(x));
    }
    for (const x of r.results) assert.ok(Number.isFinite(x.target.mean) && Number.isFinite(x.target.stderr) && x.target.stderr > 0, JSON.stringify(x));
    assert.match(formatImageReport(r), /20 of the 1000 held-out digits of the mnist task, contexts from seed 20190102, all 784 pixels as targets/);
    assert.deepEqual(await evaluateImages(trained, evalOptions), r);
    await assert.rejects(evaluateImages(trained, { ...evalOptions, contexts: [800] }), /^Error: --contexts: at most 784 pixels, got 800$/);
    await assert.rejects(evaluateImages(trained, { ...evalOptions, digits: 1001 }), /^Error: --digits: expected 1\.\.1000 held-out digits, got 1001$/);
    assert.deepEqual(evalDigits(20).slice(0, 3), [0, 50, 100]);
  } finally {
    trained.model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0, 'eval leaked tensors');
});

test('render: per context size the context, mean, sigma (and samples with a latent), then the truth; blue where no context', async () => {
  for (const [kind, tiles] of [['anp', 16], ['cnp', 10]] as const) {
    const trained = await loadRun(join(dir, `${kind}-straight`));
    try {
      const options: RenderOptions = { split: 'test', scenes: 3, context: 3, samples: 2, zoom: 1, seed: 2 };
      const { png, caption } = await kindOf(trained.config).render.run(trained, options);
      const img = PNG.sync.read(Buffer.from(png));
      // 30 per tile (28 and a 2-pixel gap), 4 more after each of the three context sizes' groups.
      assert.equal(img.width, tiles * 30 + 3 * 4 - 2, kind);
      assert.equal(img.height, 3 * 30 - 2);
      // The first tile's top-left pixel is no context pixel at 10 contexts for this seed: blue.
      assert.deepEqual([...img.data.subarray(0, 3)], [40, 70, 160]);
      assert.match(caption, /^3 held-out digits; for 10, 100, 300 context pixels/);
      assert.deepEqual((await kindOf(trained.config).render.run(trained, options)).png, png, 'the same seed draws the same picture');
    } finally {
      trained.model.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, 0, 'render leaked tensors');
});

test('the CLI trains, evaluates and draws a cnp run on the mnist task', () => {
  const run = join(dir, 'cli-cnp');
  const t = gqn('train', '--model', 'cnp', '--preset', 'mnist-tiny', '--out', run, '--steps', '3');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /gqn train: stopped at step 3; 0 steps rejected/);
  const e = gqn('eval', run, '--contexts', '10,784', '--batch', '50', '--json');
  assert.equal(e.status, 0, e.stderr);
  const report = JSON.parse(e.stdout) as { digits: number; results: { target: { mean: number } }[] };
  assert.equal(report.digits, 1000);
  assert.ok(report.results.every((x) => Number.isFinite(x.target.mean)));
  const r = gqn('render', run, '--out', join(dir, 'cnp.png'), '--scenes', '2', '--zoom', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /2 held-out digits/);
});

test('--deterministic-path none trains the latent-only NP from the CLI (no deterministic encoder); other kinds and values are refused', async () => {
  const run = join(dir, 'cli-np-latent');
  const t = gqn('train', '--model', 'np', '--preset', 'mnist-tiny', '--deterministic-path', 'none', '--out', run, '--steps', '2');
  assert.equal(t.status, 0, t.stderr);
  const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as RunConfig;
  assert.equal((config.model as NpConfig).deterministicPath, 'none');
  const loaded = await loadRun(run);
  try {
    const names = [...(loaded.model as NeuralProcess).store.params.keys()];
    assert.ok(names.some((n) => n.startsWith('latent_encoder')), `a latent encoder: ${names.join(', ')}`);
    assert.ok(!names.some((n) => n.startsWith('deterministic_encoder')), `no deterministic encoder: ${names.join(', ')}`);
  } finally {
    loaded.model.dispose();
  }
  for (const [args, message] of [
    [['--model', 'cnp'], /^gqn: --deterministic-path: not a flag of --model cnp/],
    [['--model', 'anp'], /^gqn: --deterministic-path: not a flag of --model anp/],
  ] as const) {
    const r = gqn('train', ...args, '--preset', 'mnist-tiny', '--deterministic-path', 'none', '--out', join(dir, 'refused'));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr.trim(), message);
  }
  const bad = gqn('train', '--model', 'np', '--preset', 'mnist-tiny', '--deterministic-path', 'attention', '--out', join(dir, 'refused'));
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /--deterministic-path/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
