/**
 * VAE and CVAE runs through the trainer, eval and render: a resumed run continues the same curve
 * bit for bit, the eval report's arithmetic and its fixed test set, the grids' pixel sizes, and
 * refusals that name the flag.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { DigitEvalReport } from '../../src/eval/digit-eval.js';
import type { EvalOptions, RenderOptions } from '../../src/models/model.js';
import { getModelKind, kindOf } from '../../src/models/registry.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { loadRun } from '../../src/train/load-run.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { assertResumeBitForBit } from './resume-check.js';

let dir = '';
before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-vae-train-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

function runConfig(kind: 'vae' | 'cvae', steps: number): RunConfig {
  const { model } = getModelKind(kind).presets.test;
  return {
    format: 'gqn-run/1', kind, model,
    train: { preset: 'test', batch: 8, steps, seed: 3, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM, checkpointEvery: 2, logEvery: 1 },
  };
}

for (const kind of ['vae', 'cvae'] as const) {
  test(`a resumed ${kind} run continues the same curve, bit for bit`, async () => {
    await assertResumeBitForBit(dir, kind, runConfig(kind, 6), ['elbo', 'nll', 'kl'], { seed: 3, epoch: 0, position: 48, batch: 6 });
  });
}

const evalOptions = (over: Partial<EvalOptions> = {}): EvalOptions => ({ split: 'test', scenes: 0, batch: 300, seed: 1, ...over });
const renderOptions = (over: Partial<RenderOptions> = {}): RenderOptions => ({ split: 'test', scenes: 0, context: 0, samples: 4, zoom: 1, seed: 1, ...over });

test('eval: -ELBO = NLL + KL over the 1,000 held-out digits, 100 per class, the same for the same seed', async () => {
  const run = join(dir, 'cvae-straight');
  const trained = await loadRun(run);
  const kind = kindOf(trained.config);
  try {
    const { json, text } = await kind.evaluation.run(trained, evalOptions());
    const r = json as DigitEvalReport;
    assert.equal(r.digits, 1000);
    assert.equal(r.step, 6);
    assert.deepEqual(r.byClass.map((c) => c.digits), Array(10).fill(100));
    assert.ok(Math.abs(r.elbo - (r.nll + r.kl)) < 1e-9 * r.elbo);
    assert.ok(Math.abs(r.elbo - r.byClass.reduce((s, c) => s + c.elbo, 0) / 10) < 1e-9 * r.elbo, 'equal classes: the mean of the class means');
    assert.ok(Math.abs(r.elboBitsPerPixel - r.elbo / (784 * Math.LN2)) < 1e-12);
    assert.ok(r.kl > 0 && r.nll > r.nllFloor && r.nllFloor > 0);
    assert.match(text, /test split of the mnist package's digits: 1000 digits/);
    // Each digit's posterior noise comes from --seed and the digit: the same report for the same seed, whatever the batch.
    assert.deepEqual((await kind.evaluation.run(trained, evalOptions())).json, r);
    const other = (await kind.evaluation.run(trained, evalOptions({ batch: 128 }))).json as DigitEvalReport;
    assert.ok(Math.abs(other.elbo - r.elbo) < 1e-6 * r.elbo, `${other.elbo} vs ${r.elbo}`);
    assert.notEqual(((await kind.evaluation.run(trained, evalOptions({ seed: 2 }))).json as DigitEvalReport).elbo, r.elbo);
    const train = (await kind.evaluation.run(trained, evalOptions({ split: 'train' }))).json as DigitEvalReport;
    assert.equal(train.digits, 9000);
  } finally {
    trained.model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0, 'eval leaked tensors');
});

test('render: sample, class and traversal grids of the right size; a grid the kind does not draw is refused naming --grid', async () => {
  for (const [kind, grids] of [['vae', ['samples', 'traversal']], ['cvae', ['classes', 'traversal']]] as const) {
    const trained = await loadRun(join(dir, `${kind}-straight`));
    const k = kindOf(trained.config);
    try {
      for (const grid of grids) {
        const { png, caption } = await k.render.run(trained, renderOptions({ grid, samples: 5, zoom: 2, digit: 4 }));
        const img = PNG.sync.read(Buffer.from(png));
        const rows = grid === 'traversal' ? 5 : 10;
        assert.equal(img.width, 5 * 56 + 4 * 2, `${kind} ${grid}`);
        assert.equal(img.height, rows * 56 + (rows - 1) * 2, `${kind} ${grid}`);
        assert.ok(caption.length > 0);
        if (kind === 'cvae' && grid === 'traversal') assert.match(caption, /for digit 4/);
      }
      const other = kind === 'vae' ? 'classes' : 'samples';
      await assert.rejects(k.render.run(trained, renderOptions({ grid: other })), new RegExp(`^Error: --grid: a ${kind} run draws ${grids.join(' or ')}, not ${other}$`));
    } finally {
      trained.model.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, 0, 'render leaked tensors');
});
