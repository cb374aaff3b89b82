/** TFRecord framing: byte layout per the spec, file round trip, chunk boundaries. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { maskedCrc32c } from '../../src/data/crc32c.js';
import { frameRecord, frameRecords, readTFRecords, TFRecordFileWriter } from '../../src/data/tfrecord.js';
import { tempDir } from './helpers.js';

async function readAll(file: string, chunk?: number) {
  const out = [];
  for await (const r of readTFRecords(file, {}, chunk)) out.push(r);
  return out;
}

test('a framed record is uint64 LE length, masked CRC of it, data, masked CRC of data', () => {
  const data = new TextEncoder().encode('hello');
  const f = frameRecord(data);
  assert.equal(f.length, 8 + 4 + 5 + 4);
  assert.deepEqual([...f.subarray(0, 8)], [5, 0, 0, 0, 0, 0, 0, 0]);
  const view = new DataView(f.buffer);
  assert.equal(view.getUint32(8, true), maskedCrc32c(f.subarray(0, 8)));
  assert.deepEqual(f.subarray(12, 17), data);
  assert.equal(view.getUint32(17, true), maskedCrc32c(data));
});

test('writer and reader round trip, including empty and chunk-spanning records', async () => {
  const dir = tempDir();
  const path = join(dir, 'a.tfrecord');
  const records = [new Uint8Array(0), Uint8Array.from([1, 2, 3]), Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff), Uint8Array.from([9])];
  const w = await TFRecordFileWriter.create(path);
  for (const r of records) await w.write(r);
  assert.ok(!existsSync(path), 'nothing under the final name before commit');
  const sha = await w.commit();
  assert.match(sha, /^[0-9a-f]{64}$/);
  assert.ok(!existsSync(w.tmpPath));
  assert.deepEqual(readFileSync(path), Buffer.from(frameRecords(records)));
  for (const chunk of [7, 64, 1 << 20]) {
    const got = await readAll(path, chunk);
    assert.deepEqual(got.map((r) => [...r.data]), records.map((r) => [...r]), `chunk ${chunk}`);
    assert.deepEqual(got.map((r) => r.index), [0, 1, 2, 3]);
    assert.deepEqual(got.map((r) => r.offset), [0, 16, 16 + 19, 16 + 19 + 5016]);
  }
});

test('an empty file has no records', async () => {
  const path = join(tempDir(), 'empty.tfrecord');
  writeFileSync(path, new Uint8Array(0));
  assert.deepEqual(await readAll(path), []);
});
