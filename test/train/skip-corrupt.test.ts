/**
 * `gqn train --skip-corrupt`: a damaged record stops a plain run with an error naming its file,
 * and with skipCorrupt the run goes on, counts the record and says so.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { generateDataset } from '../../src/data/generate.js';
import { readTFRecords } from '../../src/data/tfrecord.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { train } from '../../src/train/trainer.js';
import { TINY } from '../models/tiny-config.js';

let dir = '';
let data = '';
let shard = '';

before(async () => {
  await setupEngine({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'gqn-skip-corrupt-'));
  await generateDataset({ out: dir, world: 'shepard-metzler-7', scenes: 12, views: 4, size: 16, seed: 3, workers: 0, testScenes: 2 });
  data = join(dir, 'shepard-metzler-7');
  shard = join(data, 'train', (await readdir(join(data, 'train'))).find((f) => f.endsWith('.tfrecord'))!);
  // Flip one bit inside the second record's data: its CRC no longer matches (same shard size).
  const bytes = await readFile(shard);
  let offset = -1;
  for await (const r of readTFRecords(shard)) {
    if (r.index === 1) offset = r.offset;
  }
  assert.ok(offset > 0, 'the shard has a second record');
  bytes[offset + 12 + 40] ^= 0x10;
  await writeFile(shard, bytes);
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const config = (): RunConfig => ({
  format: 'gqn-run/1', model: TINY,
  train: {
    preset: 'tiny', data, batch: 4, steps: 4, seed: 1, contextViews: 'random',
    sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
    checkpointEvery: 4, logEvery: 1,
  },
});

test('a corrupt record stops training, naming its file and record', async () => {
  await assert.rejects(train(join(dir, 'strict'), config(), false), (e: Error) => e.message.includes(shard) && /record 1/.test(e.message));
});

test('with skipCorrupt the run goes on and counts the record', async () => {
  const notes: string[] = [];
  const r = await train(join(dir, 'lenient'), config(), false, { onNote: (t) => notes.push(t) }, { skipCorrupt: true });
  assert.equal(r.step, 4);
  assert.ok(r.skippedRecords >= 1, `skipped ${r.skippedRecords}`);
  assert.ok(notes.some((t) => t.startsWith('skipped a corrupt record') && t.includes(shard)), notes.join('\n'));
});
