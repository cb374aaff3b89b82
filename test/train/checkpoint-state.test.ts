/** A damaged CHECKPOINT/state.json is one error naming the file and field, before any weight changes. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { ParamStore } from '../../src/models/layers/params.js';
import { Adam } from '../../src/train/adam.js';
import { checkCheckpointFiles, checkpointFiles, loadCheckpoint } from '../../src/train/checkpoint.js';

let dir = '';
let checkpoint = '';
const good = { step: 3, adamStep: 3, reader: { seed: 0, epoch: 0, position: 6, batch: 3 }, extra: {} };

before(async () => {
  await setupEngine({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'gqn-ckpt-state-'));
  const store = new ParamStore(0);
  store.uniform('w', [2, 2], 2, 'vector');
  checkpoint = join(dir, '000000003');
  await mkdir(checkpoint);
  for (const [name, bytes] of checkpointFiles(store, new Adam(), good)) await writeFile(join(checkpoint, name), bytes);
  store.dispose();
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await shutdownEngine();
});

test('a bad state.json names the file and the field', async () => {
  const path = join(checkpoint, 'state.json');
  const saved = await readFile(path, 'utf8');
  const cases: [string, string][] = [
    ['null', 'expected a JSON object, got null'],
    ['{', "Expected property name or '}' in JSON at position 1"],
    [JSON.stringify({ ...good, step: undefined }), 'field step: expected a non-negative integer, got undefined'],
    [JSON.stringify({ ...good, adamStep: -1 }), 'field adamStep: expected a non-negative integer, got -1'],
    [JSON.stringify({ ...good, reader: null }), 'field reader: expected {seed, epoch, position, batch} as non-negative integers, got null'],
    [JSON.stringify({ ...good, extra: 1 }), 'field extra: expected an object, got 1'],
  ];
  for (const [text, reason] of cases) {
    await writeFile(path, text);
    const store = new ParamStore(1);
    const w = store.uniform('w', [2, 2], 2, 'vector');
    const before = w.dataSync().slice();
    await assert.rejects(loadCheckpoint(checkpoint, store, new Adam()), (e: Error) => e.message.startsWith(`${path}: ${reason}`), text);
    // What a resume checks first (run-folder.ts) says the same.
    await assert.rejects(checkCheckpointFiles(checkpoint), (e: Error) => e.message.startsWith(`${path}: ${reason}`), text);
    assert.deepEqual(w.dataSync(), before, 'weights untouched');
    tf.dispose(w);
  }
  await writeFile(path, saved);
  const store = new ParamStore(1);
  store.uniform('w', [2, 2], 2, 'vector');
  assert.deepEqual(await loadCheckpoint(checkpoint, store, new Adam()), good);
  assert.deepEqual(await checkCheckpointFiles(checkpoint), good);
});
