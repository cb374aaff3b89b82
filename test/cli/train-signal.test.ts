/** `gqn train` as a user runs it: Ctrl-C checkpoints and stops; --resume picks up from there. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqn-cli-train-'));
  const r = spawnSync(process.execPath, [bin, 'data', 'generate', '--world', 'shepard-metzler-5', '--scenes', '12', '--views', '4', '--size', '32', '--workers', '0', '--out', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
after(() => rm(dir, { recursive: true, force: true }));

test('SIGINT writes a checkpoint and stops cleanly; --resume continues from it', async () => {
  const run = join(dir, 'run');
  const args = [bin, '--threads', '2', 'train', '--preset', 'cpu', '--data', join(dir, 'shepard-metzler-5'), '--out', run,
    '--batch', '2', '--steps', '100000', '--log-every', '1', '--checkpoint-every', '100000'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/step 3\//.test(stderr)) resolve();
    });
  });
  child.kill('SIGINT');
  assert.equal(await exit, 0, stderr);
  assert.match(stderr, /SIGINT: checkpointing/);
  assert.match(stderr, /\(interrupted\)/);
  const latest = JSON.parse(await readFile(join(run, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
  assert.ok(latest.step >= 3, `checkpoint at step ${latest.step}`);
  assert.ok(existsSync(join(run, 'checkpoints', String(latest.step).padStart(9, '0'), 'model.safetensors')));

  const resumed = spawnSync(process.execPath, [...args.slice(0, -6), '--steps', String(latest.step + 2), '--log-every', '1', '--checkpoint-every', '100000', '--resume'], { encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resumed from .* at step ${latest.step}`));
  assert.match(resumed.stderr, new RegExp(`stopped at step ${latest.step + 2}`));
});

test('SIGINT stops after the current step, not at the next metrics line or checkpoint', async () => {
  const run = join(dir, 'run-quiet');
  // No metrics line and no checkpoint before step 100,000: nothing in the loop waits on I/O.
  const child = spawn(process.execPath, [bin, '--threads', '2', 'train', '--preset', 'cpu', '--data', join(dir, 'shepard-metzler-5'), '--out', run,
    '--batch', '2', '--steps', '100000', '--log-every', '100000', '--checkpoint-every', '100000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Steps are running once the first step's metrics exist in memory; a few seconds in is enough.
  await new Promise((resolve) => setTimeout(resolve, 6000));
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30000).unref());
  const result = await Promise.race([exit, timeout]);
  if (result === 'timeout') child.kill('SIGKILL');
  assert.equal(result, 0, `still running 30 s after SIGINT: ${stderr}`);
  const stopped = /stopped at step (\d+) \(interrupted\)/.exec(stderr);
  assert.ok(stopped && Number(stopped[1]) < 100000, stderr);
});

test('a run is refused, unchanged, when --out holds one without --resume or --resume conflicts with its config', async () => {
  const run = join(dir, 'run');
  const data = join(dir, 'shepard-metzler-5');
  const config = await readFile(join(run, 'config.json'), 'utf8');
  const metrics = await readFile(join(run, 'metrics.jsonl'), 'utf8');
  const cases: [string[], RegExp][] = [
    [['--data', data, '--out', run, '--batch', '2'], /^gqn: --out: .*run already holds a run \(config\.json, latest checkpoint .*\); pass --resume to continue it/],
    [['--data', data, '--out', run, '--resume'], /^gqn: --steps: the run has reached its last step, \d+ \(.*\); pass --steps above \d+ to continue it$/],
    [['--data', data, '--out', run, '--resume', '--steps', '100', '--batch', '3'], /^gqn: .*run\/config\.json: the resume conflicts with the run's config: --batch 3 \(run: 2\); pass --override to change it/],
    [['--data', data, '--out', run, '--resume', '--steps', '1'], /^gqn: --steps: the run is already at step \d+ .*got 1$/],
    [['--data', `${data}x`, '--out', run, '--resume'], /^gqn: --data: .*shepard-metzler-5x does not exist/],
    [['--data', data, '--out', join(dir, 'new'), '--override'], /^gqn: --override: only with --resume/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, [bin, '--threads', '2', 'train', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 1, args.join(' '));
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('gqn train: preset'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
  }
  assert.equal(await readFile(join(run, 'config.json'), 'utf8'), config);
  assert.equal(await readFile(join(run, 'metrics.jsonl'), 'utf8'), metrics);
  assert.ok(!existsSync(join(dir, 'new')));
});

test('train without --data names the flag', () => {
  const r = spawnSync(process.execPath, [bin, 'train', '--out', join(dir, 'x')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr.trim(), /--data/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
