/** The batch reader: shapes, viewpoint encoding, seeded sampling, resume, prefetch worker. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { batches, encodeViewpoint, openReader, readSceneRecords, decodeView, type Batch, type ReaderOptions } from '../../src/data/index.js';
import { listShards } from '../../src/data/layout.js';
import { readManifest } from '../../src/data/manifest.js';
import { fakeDataset } from './helpers.js';

const datasetP = fakeDataset({ scenes: 22, testScenes: 2, views: 5, size: 16, recordsPerFile: 6 });

async function take(opts: ReaderOptions, n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of batches(opts)) {
    out.push(b);
    if (out.length === n) break;
  }
  return out;
}

/** file:index -> decoded views and camera rows, for checking batches against the records. */
async function allScenes(dir: string) {
  const out = new Map<string, { frames: Uint8Array[]; cameras: Float32Array }>();
  for (const f of listShards(join(dir, 'train'))) {
    for await (const s of readSceneRecords(f)) {
      out.set(`${s.file}:${s.index}`, { frames: s.record.frames.map((_, k) => decodeView(s, k).data), cameras: s.record.cameras });
    }
  }
  return out;
}

test('encodeViewpoint: (x, y, z, yaw, pitch) -> (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch)', () => {
  const v = encodeViewpoint([1, -2, 3, Math.PI / 2, -Math.PI / 6]);
  const expected = [1, -2, 3, 0, 1, Math.sqrt(3) / 2, -0.5];
  v.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-6, `component ${i}: ${x} vs ${expected[i]}`));
});

test('batch shapes, value ranges, and each image matches the view its viewpoint names', async () => {
  const dir = await datasetP;
  const scenes = await allScenes(dir);
  const [b] = await take({ dir, batchSize: 3, contextViews: 2, queryViews: 2, seed: 5 }, 1);
  assert.deepEqual(b.contextImages.shape, [3, 2, 16, 16, 3]);
  assert.deepEqual(b.contextViewpoints.shape, [3, 2, 7]);
  assert.deepEqual(b.queryImages.shape, [3, 2, 16, 16, 3]);
  assert.deepEqual(b.queryViewpoints.shape, [3, 2, 7]);
  assert.equal(b.contextImages.data.length, 3 * 2 * 16 * 16 * 3);
  assert.ok(b.contextImages.data.every((x) => x >= 0 && x <= 1));
  const px = 16 * 16 * 3;
  b.scenes.forEach((where, i) => {
    const scene = scenes.get(`${where.file}:${where.index}`)!;
    const used = new Set<number>();
    for (const [images, vps, n] of [[b.contextImages, b.contextViewpoints, 2], [b.queryImages, b.queryViewpoints, 2]] as const) {
      for (let m = 0; m < n; m++) {
        const vp = vps.data.subarray((i * n + m) * 7, (i * n + m + 1) * 7);
        const k = [0, 1, 2, 3, 4].find((kk) => encodeViewpoint(scene.cameras.subarray(kk * 5, kk * 5 + 5)).every((x, j) => Math.abs(x - vp[j]) < 1e-6));
        assert.ok(k !== undefined, 'viewpoint is one of the scene cameras');
        assert.ok(!used.has(k), 'views are drawn without replacement');
        used.add(k);
        const img = images.data.subarray((i * n + m) * px, (i * n + m + 1) * px);
        img.forEach((x, j) => assert.ok(Math.abs(x - scene.frames[k][j] / 255) < 1e-6));
      }
    }
  });
});

test('M ~ U{1..K-Q} per batch; the same seed gives the same batches, another seed others', async () => {
  const dir = await datasetP;
  const a = await take({ dir, batchSize: 4, seed: 1 }, 12);
  const ms = a.map((b) => b.contextImages.shape[1]);
  assert.ok(ms.every((m) => m >= 1 && m <= 4), `${ms}`);
  assert.ok(new Set(ms).size > 1, `M varies: ${ms}`);
  assert.ok(a.every((b) => b.queryImages.shape[1] === 1));
  const again = await take({ dir, batchSize: 4, seed: 1 }, 12);
  assert.deepEqual(again, a);
  const other = await take({ dir, batchSize: 4, seed: 2 }, 12);
  assert.notDeepEqual(other.map((b) => b.scenes), a.map((b) => b.scenes));
});

test('epochs: every scene once per epoch, shuffled differently each epoch', async () => {
  const dir = await datasetP;
  const all: Batch[] = [];
  for await (const b of batches({ dir, batchSize: 7, epochs: 2, seed: 3, shuffleBlock: 8 })) all.push(b);
  const ids = all.flatMap((b) => b.scenes.map((s) => `${s.file}:${s.index}`));
  assert.equal(ids.length, 40);
  const e1 = ids.slice(0, 20);
  const e2 = ids.slice(20);
  assert.equal(new Set(e1).size, 20);
  assert.deepEqual([...e2].sort(), [...e1].sort());
  assert.notDeepEqual(e2, e1);
  assert.deepEqual(all.map((b) => b.scenes.length), [7, 7, 7, 7, 7, 5]);
  const dropped: Batch[] = [];
  for await (const b of batches({ dir, batchSize: 7, epochs: 2, seed: 3, dropRemainder: true })) dropped.push(b);
  assert.equal(dropped.length, 5);
});

test('resume from a batch state reproduces the rest of the stream exactly', async () => {
  const dir = await datasetP;
  const opts: ReaderOptions = { dir, batchSize: 3, seed: 9, shuffleBlock: 4 };
  const full = await take(opts, 16); // crosses two epoch boundaries (20 scenes per epoch)
  for (const cut of [0, 2, 6, 7, 13]) {
    const resumed = await take({ ...opts, resume: full[cut].state }, 16 - cut - 1);
    assert.deepEqual(resumed, full.slice(cut + 1), `resume after batch ${cut}`);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(full[5].state)), full[5].state, 'state is plain JSON');
  await assert.rejects(take({ ...opts, seed: 10, resume: full[2].state }, 1), /saved with seed 9/);
});

test('the prefetching reader (worker thread) gives the same batches and tracks state', async () => {
  const dir = await datasetP;
  const opts: ReaderOptions = { dir, batchSize: 4, seed: 4, epochs: 1 };
  const inline = await take(opts, 100);
  const reader = openReader({ ...opts, prefetch: 2 });
  assert.deepEqual(reader.state(), { seed: 4, epoch: 0, position: 0, batch: 0 });
  const got: Batch[] = [];
  for await (const b of reader) {
    got.push(b);
    assert.deepEqual(reader.state(), b.state);
  }
  assert.deepEqual(got, inline);
  await reader.close();
  // Closing early stops the worker; the process does not hang on it.
  const r2 = openReader({ ...opts, epochs: Infinity, prefetch: 3 });
  assert.ok(await r2.next());
  await r2.close();
});

test('imageSize box-filters frames down; a size that does not divide is an error', async () => {
  const dir = await datasetP;
  const [small] = await take({ dir, batchSize: 2, contextViews: 1, seed: 1, imageSize: 8 }, 1);
  const [big] = await take({ dir, batchSize: 2, contextViews: 1, seed: 1 }, 1);
  assert.deepEqual(small.contextImages.shape, [2, 1, 8, 8, 3]);
  // Pixel (0,0) of the small image is the mean of the 2x2 block (rounded to a byte first).
  const at = (y: number, x: number, c: number) => big.contextImages.data[(y * 16 + x) * 3 + c];
  const mean = (at(0, 0, 0) + at(0, 1, 0) + at(1, 0, 0) + at(1, 1, 0)) / 4;
  assert.ok(Math.abs(small.contextImages.data[0] - mean) <= 0.5 / 255 + 1e-6);
  await assert.rejects(take({ dir, batchSize: 1, seed: 1, imageSize: 5 }, 1), /cannot resize to 5/);
});

test('a folder without manifest or side files (DeepMind-style) reads the same', async () => {
  const dir = await fakeDataset({ scenes: 6, testScenes: 0, views: 3 });
  const before = await take({ dir, batchSize: 2, seed: 1, epochs: 1 }, 10);
  rmSync(join(dir, 'manifest.json'));
  rmSync(join(dir, 'train/1-of-2.scenes.jsonl'));
  assert.deepEqual(await take({ dir, batchSize: 2, seed: 1, epochs: 1 }, 10), before);
});

test('bad requests fail clearly', async () => {
  const dir = await datasetP;
  await assert.rejects(take({ dir, batchSize: 1, contextViews: 4, queryViews: 2 }, 1), /4 context \+ 2 query views asked for, but scenes have 5 views/);
  await assert.rejects(take({ dir, split: 'test', batchSize: 1, queryViews: 5 }, 1), /too few for 5 query view/);
  await assert.rejects(take({ dir: join(dir, 'nowhere'), batchSize: 1 }, 1), /no \.tfrecord files/);
});

test('a shard shorter than manifest.json lists (emptied, or cut at a record boundary) is an error naming it', async () => {
  for (const cut of ['empty', 'boundary'] as const) {
    const dir = await fakeDataset({ scenes: 6, testScenes: 0, views: 3, recordsPerFile: 3 });
    const file = join(dir, 'train/2-of-2.tfrecord');
    const listed = (await readManifest(dir))!.files.train[1];
    // The first record's length field gives where the second starts: a cut there is valid framing.
    const first = 12 + Number(Buffer.from(readFileSync(file)).readBigUInt64LE(0)) + 4;
    const size = cut === 'empty' ? 0 : first;
    truncateSync(file, size);
    const expected = `${file}: ${size} bytes, but manifest.json lists ${listed.bytes} (3 records): the shard is truncated or was replaced; regenerate it with the same gqn data generate flags`;
    for (const prefetch of [0, 1]) {
      const reader = openReader({ dir, batchSize: 2, epochs: 1, prefetch, skipCorrupt: true });
      await assert.rejects(reader.next(), (e: Error) => e.message === expected);
      await reader.close();
    }
  }
});
