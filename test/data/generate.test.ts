/** generate: layout, manifest, determinism across worker counts, resume, settings checks. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

import { generateDataset, readManifest, readSceneRecords, splitCounts, type GenerateOptions } from '../../src/data/index.js';
import { FAKE_SOURCE, fakeDataset, tempDir } from './helpers.js';

/** Every file under dir, relative path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('DeepMind layout, manifest and scenes side files', async () => {
  const dir = await fakeDataset({ scenes: 12, recordsPerFile: 5 });
  assert.ok(dir.endsWith('/rooms'));
  const files = [...snapshot(dir).keys()].sort();
  assert.deepEqual(files, [
    'manifest.json',
    'test/1-of-1.scenes.jsonl',
    'test/1-of-1.tfrecord',
    'train/1-of-3.scenes.jsonl',
    'train/1-of-3.tfrecord',
    'train/2-of-3.scenes.jsonl',
    'train/2-of-3.tfrecord',
    'train/3-of-3.scenes.jsonl',
    'train/3-of-3.tfrecord',
  ]);
  const m = (await readManifest(dir))!;
  assert.equal(m.complete, true);
  assert.deepEqual(m.settings, { world: 'rooms', views: 4, size: 16, seed: 1, quality: 95, antialias: false, recordsPerFile: 5, scenes: { train: 11, test: 1 } });
  assert.deepEqual(m.files.train.map((f) => f.records), [5, 5, 1]);
  for (const f of [...m.files.train, ...m.files.test]) {
    assert.equal(f.sha256, sha(readFileSync(join(dir, f.path))));
    assert.equal(f.scenesSha256, sha(readFileSync(join(dir, f.scenes))));
    assert.equal(f.bytes, readFileSync(join(dir, f.path)).length);
  }
  assert.equal(m.features.map, undefined);
  // scenes.jsonl: one scene graph per record, in record order, indices continuing across files.
  const lines = readFileSync(join(dir, 'train/2-of-3.scenes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.index), [5, 6, 7, 8, 9]);
  assert.equal(lines[0].scene.world, 'rooms');
  let n = 0;
  for await (const s of readSceneRecords(join(dir, 'train/2-of-3.tfrecord'))) {
    assert.equal(s.record.frames.length, 4);
    assert.equal(s.record.cameras.length, 20);
    n++;
  }
  assert.equal(n, 5);
});

test('shard numbers are zero-padded to the width of the count', async () => {
  const dir = await fakeDataset({ scenes: 10, testScenes: 0, recordsPerFile: 1, views: 2, size: 8 });
  const names = readdirSync(join(dir, 'train')).filter((n) => n.endsWith('.tfrecord')).sort();
  assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `${String(i + 1).padStart(2, '0')}-of-10.tfrecord`));
  assert.deepEqual(readdirSync(join(dir, 'test')), []);
});

test('the same seed gives byte-identical files with 0, 1 and 2 workers', async () => {
  const opts = { world: 'mazes', scenes: 14, views: 3, size: 16, seed: 7, recordsPerFile: 4, sourceModule: FAKE_SOURCE };
  const snaps = [];
  for (const workers of [1, 2, 0]) {
    const s = await generateDataset({ ...opts, out: tempDir(), workers });
    assert.equal(s.scenesRendered, 14);
    snaps.push(snapshot(s.dir));
  }
  assert.ok(snaps[0].size > 5);
  assert.deepEqual(snaps[1], snaps[0]);
  assert.deepEqual(snaps[2], snaps[0]);
  // mazes records carry the map.
  const m = JSON.parse(snaps[0].get('manifest.json')!.toString());
  assert.ok(m.features.map);
  const file = join(tempDir(), 'x.tfrecord');
  writeFileSync(file, snaps[0].get('train/1-of-4.tfrecord')!);
  for await (const s of readSceneRecords(file)) assert.ok(s.record.map && s.record.map[0] === 0xff);
});

test('scenes depend on (seed, world, split, index); more views keep the first cameras', async () => {
  const a = await fakeDataset({ scenes: 4, testScenes: 0, views: 2, seed: 3 });
  const b = await fakeDataset({ scenes: 4, testScenes: 0, views: 5, seed: 3 });
  const c = await fakeDataset({ scenes: 4, testScenes: 0, views: 2, seed: 4 });
  const read = async (dir: string) => {
    const out = [];
    for await (const s of readSceneRecords(join(dir, 'train/1-of-1.tfrecord'))) out.push(s.record);
    return out;
  };
  const [ra, rb, rc] = await Promise.all([a, b, c].map(read));
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(rb[i].cameras.subarray(0, 10), ra[i].cameras);
    assert.deepEqual(rb[i].frames.slice(0, 2), ra[i].frames);
    assert.notDeepEqual(rc[i].cameras, ra[i].cameras);
  }
  assert.equal(readFileSync(join(a, 'train/1-of-1.scenes.jsonl'), 'utf8'), readFileSync(join(b, 'train/1-of-1.scenes.jsonl'), 'utf8'));
});

test('resume: a rerun keeps intact shards and regenerates missing or damaged ones', async () => {
  const out = tempDir();
  const dir = await fakeDataset({ out, scenes: 15, testScenes: 3, recordsPerFile: 4 });
  const before = snapshot(dir);
  // Simulate a crash: a shard gone, one damaged, a leftover temp file, manifest marked unfinished.
  rmSync(join(dir, 'train/2-of-3.tfrecord'));
  const damaged = readFileSync(join(dir, 'train/3-of-3.tfrecord'));
  damaged[100] ^= 1;
  writeFileSync(join(dir, 'train/3-of-3.tfrecord'), damaged);
  writeFileSync(join(dir, 'train/1-of-3.tfrecord.tmp-12345'), 'partial');
  const m = JSON.parse(before.get('manifest.json')!.toString());
  m.complete = false;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));

  const s = await generateDataset({ out, world: 'rooms', scenes: 15, testScenes: 3, seed: 1, workers: 0, recordsPerFile: 4, sourceModule: FAKE_SOURCE });
  assert.deepEqual(s.written.sort(), ['train/2-of-3.tfrecord', 'train/3-of-3.tfrecord']);
  assert.deepEqual(s.kept.sort(), ['test/1-of-1.tfrecord', 'train/1-of-3.tfrecord']);
  assert.equal(s.scenesRendered, 8);
  assert.deepEqual(snapshot(dir), before);
});

test('other settings are refused without overwrite; overwrite replaces and clears stale shards', async () => {
  const out = tempDir();
  await fakeDataset({ out, scenes: 12, recordsPerFile: 3 });
  await assert.rejects(fakeDataset({ out, scenes: 12, recordsPerFile: 3, seed: 2 }), /other settings \(seed 1 -> 2\); pass --overwrite/);
  const dir = await fakeDataset({ out, scenes: 6, testScenes: 1, recordsPerFile: 5, seed: 2, overwrite: true });
  assert.deepEqual([...snapshot(dir).keys()].filter((k) => k.endsWith('.tfrecord')).sort(), ['test/1-of-1.tfrecord', 'train/1-of-1.tfrecord']);
  assert.equal((await readManifest(dir))!.settings.seed, 2);
  assert.ok(!existsSync(join(dir, 'train/4-of-4.tfrecord')));
});

test('shards without a manifest are not deleted unless --overwrite', async () => {
  const out = tempDir();
  const dir = await fakeDataset({ out, scenes: 12, recordsPerFile: 3 });
  rmSync(join(dir, 'manifest.json'));
  const before = snapshot(dir);
  await assert.rejects(fakeDataset({ out, scenes: 6, recordsPerFile: 2, seed: 2 }), (e: Error) => {
    assert.equal(e.message, `${dir} holds 5 .tfrecord file(s) but no manifest.json, so they cannot be checked against these settings; pass --overwrite to replace them, or choose another --out`);
    return true;
  });
  assert.deepEqual(snapshot(dir), before);
  await fakeDataset({ out, scenes: 6, recordsPerFile: 2, seed: 2, overwrite: true });
  assert.ok(!existsSync(join(dir, 'train/1-of-4.tfrecord')));
});

test('settings are checked before any file is written; an --out that cannot be made fails at once', async () => {
  const out = tempDir();
  const cases: [Partial<GenerateOptions>, RegExp][] = [
    [{ views: 1 }, /^--views: expected an integer in 2\.\.1000 \(a GQN scene needs context views and a query view\), got 1$/],
    [{ size: 100000 }, /^--size: expected an integer in 1\.\.1024, got 100000$/],
    [{ workers: 100000 }, /^--workers: expected an integer in 0\.\.256, got 100000$/],
    [{ quality: 0 }, /^--quality: expected an integer in 1\.\.100, got 0$/],
  ];
  for (const [opts, message] of cases) {
    await assert.rejects(fakeDataset({ out, ...opts }), (e: Error) => message.test(e.message));
    assert.deepEqual(readdirSync(out), [], JSON.stringify(opts));
  }
  await assert.rejects(fakeDataset({ out: '/proc/gqn-test' }), (e: Error) => /^--out \/proc\/gqn-test: cannot create \/proc\/gqn-test: \/proc does not accept new folders$/.test(e.message));
  writeFileSync(join(out, 'file'), 'x');
  await assert.rejects(fakeDataset({ out: join(out, 'file') }), (e: Error) => e.message === `--out ${join(out, 'file')}: ${join(out, 'file')} is a file, not a folder`);
});

test('a failing scene stops the run with its split and index, leaving no temp files', async () => {
  for (const workers of [0, 2]) {
    const out = tempDir();
    await assert.rejects(
      generateDataset({ out, world: 'mnist-dice', scenes: 8, seed: 1, workers, recordsPerFile: 2, sourceModule: FAKE_SOURCE }),
      workers ? /rendering train scene 3 failed: .*fake failure/ : /fake failure/,
    );
    const left = [...snapshot(join(out, 'mnist-dice')).keys()].sort();
    assert.deepEqual(left, ['manifest.json', 'train/1-of-4.scenes.jsonl', 'train/1-of-4.tfrecord']);
    assert.equal((await readManifest(join(out, 'mnist-dice')))!.complete, false);
  }
});

test('split counts', () => {
  assert.deepEqual(splitCounts(100), { train: 90, test: 10 });
  assert.deepEqual(splitCounts(100, 0.25), { train: 75, test: 25 });
  assert.deepEqual(splitCounts(100, undefined, 7), { train: 93, test: 7 });
  assert.deepEqual(splitCounts(5, 0), { train: 5, test: 0 });
  assert.throws(() => splitCounts(5, undefined, 6), /--test-scenes 6 is more than --scenes 5/);
});
