/**
 * Bad input: every kind of damage gives a DataError naming file, record index and byte offset;
 * with skipCorrupt it is counted and reading carries on.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { DataError } from '../../src/data/errors.js';
import { encodeExample, encodeScene, type Features } from '../../src/data/example.js';
import { encodeJpeg } from '../../src/data/jpeg.js';
import { openReader } from '../../src/data/prefetch.js';
import { batches } from '../../src/data/reader.js';
import { readSceneRecords } from '../../src/data/records.js';
import { frameRecord } from '../../src/data/tfrecord.js';
import { verifyDataset } from '../../src/data/verify.js';
import { tempDir } from './helpers.js';

const SIDE = 8;
const K = 3;

function goodScene(seed: number): Uint8Array {
  const frames = Array.from({ length: K }, (_, k) => encodeJpeg(new Uint8Array(SIDE * SIDE * 3).fill(seed * 10 + k), SIDE, SIDE, 90));
  return encodeScene({ frames, cameras: Float32Array.from({ length: 5 * K }, (_, i) => seed + i / 10) });
}

/** A dataset folder whose train split is one file: 4 framed records, then `tail` bytes. */
function datasetWith(records: Uint8Array[], tail: Uint8Array = new Uint8Array(0)) {
  const dir = tempDir();
  mkdirSync(join(dir, 'train'));
  const file = join(dir, 'train', '1-of-1.tfrecord');
  const framed = records.map(frameRecord);
  const offsets = framed.map((_, i) => framed.slice(0, i).reduce((n, f) => n + f.length, 0));
  const bytes = new Uint8Array(framed.reduce((n, f) => n + f.length, 0) + tail.length);
  framed.forEach((f, i) => bytes.set(f, offsets[i]));
  bytes.set(tail, bytes.length - tail.length);
  writeFileSync(file, bytes);
  return { dir, file, bytes, offsets };
}

async function readAll(file: string, skipCorrupt = false) {
  const errors: DataError[] = [];
  const good: number[] = [];
  for await (const s of readSceneRecords(file, { skipCorrupt, onCorrupt: (e) => errors.push(e) })) good.push(s.index);
  return { good, errors };
}

/** The error must be a DataError naming file, record and offset, with the given reason. */
async function expectError(file: string, record: number, offset: number, reason: RegExp) {
  await assert.rejects(readAll(file), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.record, record);
    assert.equal(e.offset, offset);
    assert.ok(e.message.startsWith(`${file}: record ${record} at byte ${offset}: `), e.message);
    assert.match(e.reason, reason);
    return true;
  });
}

const four = () => [0, 1, 2, 3].map(goodScene);

test('truncated inside a record: error at that record; skip keeps the ones before', async () => {
  const { file, bytes, offsets } = datasetWith(four());
  writeFileSync(file, bytes.subarray(0, offsets[3] + 30));
  await expectError(file, 3, offsets[3], /truncated: record needs \d+ bytes after its header, 18 left/);
  assert.deepEqual(await readAll(file, true).then((r) => [r.good, r.errors.length]), [[0, 1, 2], 1]);
});

test('truncated inside a header', async () => {
  const { file, offsets } = datasetWith(four().slice(0, 2), Uint8Array.from([1, 2, 3, 4, 5]));
  await expectError(file, 2, offsets[1] + frameRecord(goodScene(1)).length, /truncated: 5 bytes left, a record header needs 12/);
});

test('length CRC mismatch: error; skipping loses the rest of the file', async () => {
  const { file, bytes, offsets } = datasetWith(four());
  bytes[offsets[2] + 9] ^= 0x01; // inside the masked length CRC
  writeFileSync(file, bytes);
  await expectError(file, 2, offsets[2], /length CRC mismatch/);
  const r = await readAll(file, true);
  assert.deepEqual(r.good, [0, 1]);
  assert.equal(r.errors.length, 1);
});

test('data CRC mismatch: error; skipping loses only that record', async () => {
  const { file, bytes, offsets } = datasetWith(four());
  bytes[offsets[1] + 12 + 20] ^= 0x40; // inside record 1's data
  writeFileSync(file, bytes);
  await expectError(file, 1, offsets[1], /data CRC mismatch/);
  const r = await readAll(file, true);
  assert.deepEqual(r.good, [0, 2, 3]);
  assert.equal(r.errors[0].record, 1);
});

test('a length field past the end of the file is reported as truncation', async () => {
  const { file, bytes, offsets } = datasetWith(four());
  const len = new DataView(bytes.buffer, offsets[3]);
  len.setBigUint64(0, 1n << 20n, true);
  // Recompute the length CRC so only the length itself is wrong.
  const { maskedCrc32c } = await import('../../src/data/crc32c.js');
  len.setUint32(8, maskedCrc32c(bytes.subarray(offsets[3], offsets[3] + 8)), true);
  writeFileSync(file, bytes);
  await expectError(file, 3, offsets[3], /truncated/);
});

function badRecordCases(): [string, Uint8Array, RegExp][] {
  const jpeg = encodeJpeg(new Uint8Array(SIDE * SIDE * 3), SIDE, SIDE, 90);
  const cams = (n: number) => ({ kind: 'float' as const, value: new Float32Array(n) });
  const ex = (entries: [string, Features extends Map<string, infer F> ? F : never][]) => encodeExample(new Map(entries));
  return [
    ['no frames', ex([['cameras', cams(15)]]), /no 'frames' feature/],
    ['no cameras', ex([['frames', { kind: 'bytes', value: [jpeg, jpeg, jpeg] }]]), /no 'cameras' feature/],
    ['not a JPEG', ex([['frames', { kind: 'bytes', value: [jpeg, new TextEncoder().encode('GIF89a...'), jpeg] }], ['cameras', cams(15)]]), /frame 1 is not a JPEG/],
    ['counts', ex([['frames', { kind: 'bytes', value: [jpeg, jpeg, jpeg] }], ['cameras', cams(14)]]), /inconsistent counts: 14 camera floats for 3 frames/],
    ['not an Example', Uint8Array.from([0xff, 0xff, 0xff]), /not a tf.train.Example/],
  ];
}

for (const [name, record, reason] of badRecordCases()) {
  test(`bad record (${name}): error names file, record and offset; skipCorrupt counts it`, async () => {
    const records = four();
    records.splice(2, 0, record);
    const { dir, file, offsets } = datasetWith(records);
    await expectError(file, 2, offsets[2], reason);
    const r = await readAll(file, true);
    assert.deepEqual(r.good, [0, 1, 3, 4]);
    // The same through verify and the batch reader.
    await assert.rejects(verifyDataset(dir), DataError);
    const report = await verifyDataset(dir, { skipCorrupt: true });
    assert.equal(report.splits.train.records, 4);
    assert.equal(report.splits.train.corrupt, 1);
    assert.equal(report.ok, false);
    const seen: DataError[] = [];
    let scenes = 0;
    for await (const b of batches({ dir, batchSize: 2, epochs: 1, shuffle: false, skipCorrupt: true, onCorrupt: (e) => seen.push(e) })) scenes += b.scenes.length;
    assert.equal(scenes, 4);
    assert.equal(seen.length, 1);
  });
}

test('a JPEG that starts right but does not decode: error at decode time, naming the frame', async () => {
  const frames = Array.from({ length: K }, () => encodeJpeg(new Uint8Array(SIDE * SIDE * 3).fill(99), SIDE, SIDE, 90));
  frames[2] = frames[2].subarray(0, 40); // SOI and headers intact, the rest gone
  const records = four();
  records[1] = encodeScene({ frames, cameras: new Float32Array(5 * K) });
  const { dir, file, offsets } = datasetWith(records);
  await assert.rejects(verifyDataset(dir), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.file, file);
    assert.equal(e.record, 1);
    assert.equal(e.offset, offsets[1]);
    assert.match(e.reason, /frame 2: JPEG does not decode/);
    return true;
  });
  const report = await verifyDataset(dir, { skipCorrupt: true });
  assert.equal(report.splits.train.records, 3);
  assert.equal(report.corrupt.length, 1);
  // The reader decodes only the views it picks, so use all of them to be sure to hit frame 2.
  await assert.rejects(async () => {
    for await (const _ of batches({ dir, batchSize: 4, epochs: 1, shuffle: false, contextViews: 2, queryViews: 1 })) void _;
  }, /record 1 at byte \d+: frame 2: JPEG does not decode/);
});

test('the prefetching reader passes DataErrors and skipped records back from its worker', async () => {
  const { dir, file, bytes, offsets } = datasetWith(four());
  bytes[offsets[2] + 12 + 20] ^= 0x40;
  writeFileSync(file, bytes);
  const strict = openReader({ dir, batchSize: 2, epochs: 1, shuffle: false, prefetch: 2 });
  await assert.rejects(
    async () => {
      for await (const _ of strict) void _;
    },
    (e: unknown) => e instanceof DataError && e.file === file && e.record === 2 && e.offset === offsets[2] && /data CRC mismatch/.test(e.message),
  );
  await strict.close();
  const lenient = openReader({ dir, batchSize: 2, epochs: 1, shuffle: false, prefetch: 2, skipCorrupt: true });
  let scenes = 0;
  for await (const b of lenient) scenes += b.scenes.length;
  assert.equal(scenes, 3);
  assert.equal(lenient.corrupt.length, 1);
  assert.equal(lenient.corrupt[0].record, 2);
});
