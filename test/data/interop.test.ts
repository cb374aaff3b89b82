/**
 * Compatibility with Google's own protobuf runtime and an independent CRC-32C: interop.py reads
 * our files (CRCs, Example parse, byte-identical deterministic re-serialization) and writes a
 * DeepMind-shaped file that we read. Skipped where python3 lacks `google.protobuf` and `crc32c`
 * (Debian: apt-get install python3-protobuf python3-crc32c).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { batches, encodeJpeg, verifyDataset } from '../../src/data/index.js';
import { fakeDataset, tempDir } from './helpers.js';

const script = fileURLToPath(new URL('./interop.py', import.meta.url));
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import google.protobuf, crc32c'], { encoding: 'utf8' }).status === 0,
);
const skip = python ? false : 'python3 with google.protobuf and crc32c not found';

test('Google protobuf reads our records and re-serializes them to the same bytes', { skip }, async () => {
  const dir = await fakeDataset({ world: 'mazes', scenes: 7, views: 3 });
  const r = spawnSync(python!, [script, 'read', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /records 7/);
});

test('we read a file written by Google protobuf and crc32c', { skip }, async () => {
  const dir = tempDir();
  const jpeg = join(dir, 'frame.jpg');
  writeFileSync(jpeg, encodeJpeg(new Uint8Array(16 * 16 * 3).fill(77), 16, 16, 90));
  const r = spawnSync(python!, [script, 'write', join(dir, 'dm'), jpeg], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const report = await verifyDataset(join(dir, 'dm'));
  assert.ok(report.ok, JSON.stringify(report));
  assert.equal(report.splits.train.records, 3);
  const got = [];
  for await (const b of batches({ dir: join(dir, 'dm'), batchSize: 3, contextViews: 3, epochs: 1, shuffle: false })) got.push(b);
  assert.deepEqual(got[0].contextImages.shape, [3, 3, 16, 16, 3]);
  // Scene i's camera rows are i + (5k + j) / 10: view k has x = i + k / 2.
  for (let m = 0; m < 3; m++) {
    const x = got[0].contextViewpoints.data[(3 + m) * 7];
    assert.ok([1, 1.5, 2, 2.5].some((v) => Math.abs(x - v) < 1e-6), `scene 1 view x = ${x}`);
  }
});
