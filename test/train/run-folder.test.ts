/**
 * Damaged or misused run folders: each case is refused with a message naming the file or flag
 * and changing nothing on disk, or repaired with a note.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { generateDataset } from '../../src/data/generate.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import type { GqnRunConfig, RunConfig } from '../../src/train/run-config.js';
import { train, type TrainHooks } from '../../src/train/trainer.js';
import { TINY } from '../models/tiny-config.js';

let dir = '';
let data = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-run-folder-'));
  await generateDataset({ out: dir, world: 'shepard-metzler-7', scenes: 16, views: 4, size: 16, seed: 3, workers: 0, testScenes: 2 });
  data = join(dir, 'shepard-metzler-7');
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

function cfg(steps: number, over: Partial<RunConfig['train']> = {}): RunConfig {
  return {
    format: 'gqn-run/1', model: TINY,
    train: {
      preset: 'tiny', data, batch: 2, steps, seed: 5, contextViews: 'random',
      sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
      checkpointEvery: 2, logEvery: 1, ...over,
    },
  };
}

/** Every file under `root` with its bytes, to prove a refusal changed nothing. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(p, (await readFile(p)).toString('base64'));
    }
  };
  await walk(root);
  return out;
}

async function refusedUnchanged(root: string, run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshot(root);
  await assert.rejects(run, message);
  assert.deepEqual(await snapshot(root), before, 'a refusal changed the folder');
}

function notes(): { hooks: TrainHooks; text: string[] } {
  const text: string[] = [];
  return { hooks: { onNote: (t) => text.push(t) }, text };
}

async function metricSteps(run: string): Promise<number[]> {
  return (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
}

async function config(run: string): Promise<GqnRunConfig> {
  return JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as GqnRunConfig;
}

test('a new run needs an empty or absent folder: an existing run or a folder with files is refused untouched', async () => {
  const run = join(dir, 'case1');
  await train(run, cfg(2), false);
  await refusedUnchanged(run, () => train(run, cfg(4), false), /--out: .*case1 already holds a run \(config\.json, latest checkpoint .*000000002\); pass --resume/);
  const notes = join(dir, 'case1-notes');
  await mkdir(notes);
  await writeFile(join(notes, 'notes.txt'), 'mine');
  await refusedUnchanged(notes, () => train(notes, cfg(2), false), /--out: .*case1-notes is not empty \(notes\.txt\); a new run needs an empty or absent folder/);
  await assert.rejects(train(join(dir, 'case1-none'), cfg(2), true), /--resume: .*case1-none does not exist; start a new run without --resume/);
  // An empty folder is a fine place for a new run.
  await mkdir(join(dir, 'case1-empty'));
  assert.equal((await train(join(dir, 'case1-empty'), cfg(1), false)).step, 1);
});

test('one trainer per run: a live lock refuses, naming it and the pid; a dead one is taken over with a note', async () => {
  const run = join(dir, 'case2');
  let second: Promise<unknown> | null = null;
  await train(run, cfg(2), false, {
    shouldStop: () => {
      second ??= train(run, cfg(2), true).then(() => null, (e: Error) => e);
      return false;
    },
  });
  const refused = (await second) as Error | null;
  assert.ok(refused instanceof Error, 'the second trainer ran');
  assert.match(refused.message, new RegExp(`case2/train\\.lock: another trainer \\(pid ${process.pid}, since .*\\) is using this run`));
  assert.deepEqual(await metricSteps(run), [1, 2], 'the second trainer wrote nothing');
  await assert.rejects(stat(join(run, 'train.lock')), 'the lock is removed when training ends');

  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  await writeFile(join(run, 'train.lock'), JSON.stringify({ pid: dead, host: hostname(), started: 'then' }));
  const n = notes();
  assert.equal((await train(run, cfg(3), true, n.hooks)).step, 3);
  assert.ok(n.text.some((t) => new RegExp(`train\\.lock: took over a stale lock \\(pid ${dead} on .* is no longer running\\)`).test(t)), n.text.join('\n'));

  await writeFile(join(run, 'train.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then' }));
  await refusedUnchanged(run, () => train(run, cfg(4), true), /train\.lock: the run is locked by pid 1 on host elsewhere/);
  await rm(join(run, 'train.lock'));
});

test('a bad --data changes nothing: no folder for a new run, the same config.json for a resume', async () => {
  const fresh = join(dir, 'case3-new');
  await assert.rejects(train(fresh, cfg(2, { data: `${data}-typo` }), false), /--data: .*shepard-metzler-7-typo does not exist; expected a dataset folder/);
  await assert.rejects(stat(fresh), 'no run folder was created');
  const run = join(dir, 'case3');
  await train(run, cfg(2), false);
  await refusedUnchanged(run, () => train(run, cfg(4, { data: `${data}-typo` }), true), /--data: .*-typo does not exist/);
  await refusedUnchanged(run, () => train(run, cfg(4, { contextViews: 4 }), true), /--context-views: 4 context views and a query view need 5 views per scene, but .* has 4/);
  assert.equal((await train(run, cfg(4), true)).step, 4, 'the run resumes as before');
});

test('--resume refuses flags that conflict with config.json unless --override, which records them', async () => {
  const run = join(dir, 'case4');
  await train(run, cfg(2), false);
  await refusedUnchanged(run, () => train(run, cfg(4, { batch: 3, lr: { start: 1, end: 1e-4, steps: 10 } }), true),
    /case4\/config\.json: the resume conflicts with the run's config: --batch 3 \(run: 2\); --lr-start 1 \(run: 0\.001\); pass --override to change them/);
  await refusedUnchanged(run, () => train(run, cfg(2), true), /--steps: the run has reached its last step, 2 \(.*000000002\); pass --steps above 2 to continue it/);
  await refusedUnchanged(run, () => train(run, cfg(1), true), /--steps: the run is already at step 2 \(.*000000002\); expected a step above 2 to continue to, got 1/);

  // The same dataset in another folder (a clone on another machine) is accepted and recorded.
  const moved = join(dir, 'moved', 'shepard-metzler-7');
  await cp(data, moved, { recursive: true });
  const n = notes();
  await train(run, cfg(4, { data: moved, batch: 3 }), true, n.hooks, { override: true });
  const c = await config(run);
  assert.equal(c.train.data, moved);
  assert.equal(c.train.batch, 3);
  assert.equal(c.train.steps, 4);
  assert.deepEqual(c.overrides!.map((o) => [o.step, o.flag, o.old, o.new]), [[2, '--data', data, moved], [2, '--batch', 2, 3], [2, '--steps', 2, 4]]);
  assert.ok(n.text.some((t) => /^--batch: 2 -> 3 from step 2 \(recorded in .*config\.json\)$/.test(t)), n.text.join('\n'));

  // Another dataset (its manifest settings differ) is a conflict.
  const manifest = JSON.parse(await readFile(join(moved, 'manifest.json'), 'utf8')) as { settings: { seed: number } };
  manifest.settings.seed = 99;
  await writeFile(join(moved, 'manifest.json'), JSON.stringify(manifest));
  await refusedUnchanged(run, () => train(run, cfg(6, { data: moved, batch: 3 }), true),
    /the resume conflicts with the run's config: --data .*moved\/shepard-metzler-7: its manifest\.json differs from the run's dataset\.json \(seed 3 -> 99\)/);
  // Back to the first folder (same settings as the run's dataset.json): accepted, recorded.
  await train(run, cfg(6, { batch: 3 }), true);
  assert.deepEqual((await config(run)).overrides!.slice(-2).map((o) => [o.step, o.flag, o.new]), [[4, '--data', data], [4, '--steps', 6]]);
});

test('resume repairs a torn last metrics line and recovers a missing latest.json from the newest complete checkpoint', async () => {
  const run = join(dir, 'case5');
  await train(run, cfg(4), false);
  const metrics = join(run, 'metrics.jsonl');
  await writeFile(metrics, `${await readFile(metrics, 'utf8')}{"step": 5, "elb`);
  await rm(join(run, 'checkpoints', 'latest.json'));
  // The newest folder is damaged (a crash or a bad copy): the one before it is used.
  await writeFile(join(run, 'checkpoints', '000000004', 'model.safetensors'), new Uint8Array(10));
  const n = notes();
  const r = await train(run, cfg(5), true, n.hooks);
  assert.equal(r.step, 5);
  assert.ok(n.text.some((t) => /metrics\.jsonl: dropped a torn last line \(16 characters, a crash mid-write\)/.test(t)), n.text.join('\n'));
  assert.ok(n.text.some((t) => /latest\.json: was missing; resuming from the newest complete checkpoint, .*000000002/.test(t)), n.text.join('\n'));
  assert.deepEqual(await metricSteps(run), [1, 2, 3, 4, 5]);

  // A damaged line that is not the last is not guessed at.
  await writeFile(metrics, `{"step": 1}\nnot json\n{"step": 2}\n`);
  await refusedUnchanged(run, () => train(run, cfg(6), true), /metrics\.jsonl: line 2 is not JSON \(.*\); expected one metrics object per line/);
  // No complete checkpoint at all: refused, naming what is wrong with each.
  await writeFile(metrics, '');
  await rm(join(run, 'checkpoints', 'latest.json'));
  for (const d of await readdir(join(run, 'checkpoints'))) await rm(join(run, 'checkpoints', d, 'state.json'));
  await refusedUnchanged(run, () => train(run, cfg(6), true), /latest\.json: missing, and no checkpoint folder is complete \(.*state\.json: ENOENT; expected the checkpoint's state JSON/);
});

test('a run whose steps are all rejected stops with an error and leaves the good checkpoint alone', async () => {
  const run = join(dir, 'case6');
  await train(run, cfg(2), false);
  const good = join(run, 'checkpoints', '000000002');
  const before = await snapshot(join(run, 'checkpoints'));
  // lr 1e30: step 3's update is finite but ruinous; every later step's loss is non-finite.
  const bad = { lr: { start: 1e30, end: 1e30, steps: 1 } };
  await assert.rejects(train(run, cfg(40, bad), true, {}, { override: true, rejectedLimit: 5 }),
    new RegExp(`stopped at step 8: the last 5 steps were all rejected \\(non-finite loss or gradient at lr 1e\\+30, .*nothing saved, the latest checkpoint stays ${good}`));
  assert.deepEqual(await snapshot(join(run, 'checkpoints')), before, 'no checkpoint was written or pruned');
  // A shorter run that ends on rejected steps fails the same way (fewer than the limit).
  await assert.rejects(train(run, cfg(6, bad), true, {}, { override: true }), /stopped at step 6: the last 3 steps were all rejected/);
  assert.deepEqual(await snapshot(join(run, 'checkpoints')), before);
  await assert.rejects(stat(join(run, 'train.lock')), 'the lock is released after the error');
});
