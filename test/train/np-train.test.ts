/**
 * CNP, NP and ANP runs through the trainer, eval, render and the CLI: a resumed run continues the
 * same curve bit for bit, the eval report on the fixed test set, the plot's size, and flags of
 * other kinds refused by name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { FunctionEvalReport } from '../../src/eval/function-eval.js';
import type { EvalOptions, RenderOptions } from '../../src/models/model.js';
import type { NpKindName } from '../../src/models/np/config.js';
import { getModelKind, kindOf } from '../../src/models/registry.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { loadRun } from '../../src/train/load-run.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { assertResumeBitForBit } from './resume-check.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';
before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-np-train-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

function runConfig(kind: NpKindName, steps: number): RunConfig {
  const { model, train: t } = getModelKind(kind).presets.tiny;
  return {
    format: 'gqn-run/1', kind, model,
    train: { preset: 'tiny', batch: 4, steps, seed: 3, task: t.task, lr: { start: 1e-3, end: 1e-3, steps: 1 }, adam: PAPER_ADAM, checkpointEvery: 2, logEvery: 1 },
  } as RunConfig;
}

for (const kind of ['cnp', 'np', 'anp'] as const) {
  test(`a resumed ${kind} run continues the same curve, bit for bit`, async () => {
    await assertResumeBitForBit(dir, kind, runConfig(kind, 6), kind === 'cnp' ? ['nll'] : ['elbo', 'nll', 'kl'], { seed: 3, epoch: 0, position: 24, batch: 6 });
  });
}

const evalOptions = (over: Partial<EvalOptions> = {}): EvalOptions => ({ split: 'test', scenes: 0, batch: 250, seed: 1, contexts: [3, 10], ...over });

test('eval: 1,000 test functions of 100 targets, the oracle above the models, the same report for the same seed', async () => {
  const trained = await loadRun(join(dir, 'anp-straight'));
  const kind = kindOf(trained.config);
  try {
    const { json, text } = await kind.evaluation.run(trained, evalOptions());
    const r = json as FunctionEvalReport;
    assert.equal(r.functions, 1000);
    assert.equal(r.targets, 100);
    assert.equal(r.samples, 32);
    assert.deepEqual(r.results.map((x) => x.contexts), [3, 10]);
    for (const x of r.results) {
      // Six steps of training: far below the GP that knows the kernel.
      assert.ok(x.target.mean < x.oracleMarginals.mean && x.oracleMarginals.mean < x.oracleJoint.mean, JSON.stringify(x));
      assert.ok(x.target.stderr > 0 && x.target.stderr < 0.1);
    }
    assert.ok(r.results[1].oracleMarginals.mean > r.results[0].oracleMarginals.mean, 'more context, better oracle');
    assert.match(text, /1000 test functions of the gp task/);
    assert.deepEqual((await kind.evaluation.run(trained, evalOptions())).json, r);
    await assert.rejects(kind.evaluation.run(trained, evalOptions({ contexts: [60] })), /^Error: --contexts: at most 50 \(the test set's context pool\), got 60$/);
  } finally {
    trained.model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0, 'eval leaked tensors');
});

test('render: one panel per function, sized by --zoom', async () => {
  const trained = await loadRun(join(dir, 'np-straight'));
  const kind = kindOf(trained.config);
  try {
    const options: RenderOptions = { split: 'test', scenes: 3, context: 5, samples: 2, zoom: 1, seed: 2 };
    const { png, caption } = await kind.render.run(trained, options);
    const img = PNG.sync.read(Buffer.from(png));
    assert.equal(img.width, 180 + 8);
    assert.equal(img.height, 3 * (75 + 4) + 4);
    assert.match(caption, /^3 functions, 5 contexts each/);
    assert.deepEqual((await kind.render.run(trained, options)).png, png, 'the same seed draws the same picture');
  } finally {
    trained.model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0, 'render leaked tensors');
});

test('the CLI trains, evaluates and draws a cnp run; flags of other kinds are refused by name', () => {
  const run = join(dir, 'cli-cnp');
  const gqn = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/gqn.js'), '--threads', '1', ...args], { cwd: root, encoding: 'utf8' });
  const t = gqn('train', '--model', 'cnp', '--preset', 'tiny', '--out', run, '--steps', '3');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /gqn train: stopped at step 3; 0 steps rejected/);
  const bad = gqn('train', '--model', 'np', '--preset', 'tiny', '--out', join(dir, 'cli-bad'), '--data', 'x');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--data: not a flag of --model np, which trains on functions drawn by the run's task/);
  const e = gqn('eval', run, '--contexts', '3', '--batch', '500');
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /run .* \(cnp, step 3\): 1000 test functions/);
  const scenes = gqn('eval', run, '--data', 'x');
  assert.match(scenes.stderr, /--data: not a flag of eval for a cnp run/);
  const r = gqn('render', run, '--out', join(dir, 'cnp.png'), '--scenes', '2', '--zoom', '1');
  assert.equal(r.status, 0, r.stderr);
});
