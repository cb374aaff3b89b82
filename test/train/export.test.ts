/**
 * `gqn export` writes only new folders or over earlier exports, never over the source run,
 * checks the weights it copies, and ships no machine paths.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { generateDataset } from '../../src/data/generate.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { exportRun } from '../../src/train/export.js';
import type { GqnRunConfig, RunConfig } from '../../src/train/run-config.js';
import { train } from '../../src/train/trainer.js';
import { TINY } from '../models/tiny-config.js';

let dir = '';
let run = '';

before(async () => {
  await setupEngine({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'gqn-export-'));
  await generateDataset({ out: dir, world: 'shepard-metzler-7', scenes: 8, views: 4, size: 16, seed: 3, workers: 0, testScenes: 2 });
  run = join(dir, 'run');
  const config: RunConfig = {
    format: 'gqn-run/1', model: TINY,
    train: {
      preset: 'tiny', data: join(dir, 'shepard-metzler-7'), batch: 2, steps: 1, seed: 5, contextViews: 'random',
      sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
      checkpointEvery: 1, logEvery: 1,
    },
  };
  await train(run, config, false);
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

test('an export carries a marker, the data folder by name only, and replaces only an earlier export', async () => {
  const out = join(dir, 'exported');
  assert.equal((await exportRun(run, out)).step, 1);
  assert.deepEqual((await readdir(out)).sort(), ['checkpoints', 'config.json', 'dataset.json', 'export.json', 'metrics.jsonl']);
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as GqnRunConfig;
  assert.equal(config.train.data, 'shepard-metzler-7', 'no machine path');
  assert.doesNotMatch(await readFile(join(out, 'config.json'), 'utf8'), new RegExp(dir));
  assert.deepEqual(JSON.parse(await readFile(join(out, 'export.json'), 'utf8')), { format: 'gqn-export/1', step: 1, checkpoint: '000000001' });
  await assert.rejects(exportRun(run, out), /--out: .*exported exists; pass --force to replace it \(it is an earlier export\)/);
  await exportRun(run, out, { force: true });
});

test('export never writes over the run, into it, or over a folder that is not an export', async () => {
  const before = await readdir(run);
  await assert.rejects(exportRun(run, run, { force: true }), /--out: .*run is the source run .*run, inside it or holds it/);
  await assert.rejects(exportRun(run, join(run, 'export'), { force: true }), /--out: .*inside it or holds it/);
  await assert.rejects(exportRun(run, dir, { force: true }), /--out: .*inside it or holds it/);
  assert.deepEqual(await readdir(run), before);
  const notes = join(dir, 'notes');
  await mkdir(notes);
  await writeFile(join(notes, 'todo.txt'), 'mine');
  await assert.rejects(exportRun(run, notes, { force: true }), /--out: .*notes exists and is not a gqn export \(no export\.json\)/);
  assert.equal(await readFile(join(notes, 'todo.txt'), 'utf8'), 'mine');
});

test('export refuses truncated or mismatched weights, naming the file', async () => {
  const copy = join(dir, 'damaged');
  await cp(run, copy, { recursive: true });
  const weights = join(copy, 'checkpoints', '000000001', 'model.safetensors');
  await truncate(weights, (await stat(weights)).size - 5);
  await assert.rejects(exportRun(copy, join(dir, 'out-truncated')), /damaged\/checkpoints\/000000001\/model\.safetensors: not a valid safetensors file: tensor .* do not fit/);
  await assert.rejects(stat(join(dir, 'out-truncated')), 'nothing was written');
  const other = new GQN({ ...TINY, hChannels: 4 }, 1);
  await saveWeights(weights, other.store, { step: '1' });
  other.dispose();
  await assert.rejects(exportRun(copy, join(dir, 'out-mismatched')), /damaged\/checkpoints\/000000001\/model\.safetensors: .*(shape|tensor)/);
  await assert.rejects(stat(join(dir, 'out-mismatched')), 'nothing was written');
});

test('the committed models and training runs hold no machine path in their text files', async () => {
  const root = new URL('../../', import.meta.url).pathname;
  const texts: string[] = [];
  for (const top of ['models', 'training']) {
    for (const name of await readdir(join(root, top)).catch(() => [] as string[])) {
      for (const file of ['config.json', 'dataset.json', 'export.json', 'checkpoints/latest.json']) {
        const path = join(root, top, name, file);
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text == null) continue;
        texts.push(path);
        // An absolute POSIX path or a Windows drive path inside a JSON string.
        assert.doesNotMatch(text, /"(\/(?:home|work|tmp|root|Users|mnt|var)\/|[A-Za-z]:\\\\)/, `${top}/${name}/${file} holds a machine path`);
      }
    }
  }
  assert.ok(texts.some((p) => p.includes('models/default')), 'models/default/config.json was read');
});
