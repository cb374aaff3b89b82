/**
 * `gqn train/eval/render` for the MNIST kinds as a user runs them: a test-sized CVAE trains from
 * the command line with no --data, evaluates and draws; a flag the kind does not take, or one it
 * needs, is a one-line error naming the flag.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gqn-vae-cli-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function gqn(...args: string[]) {
  return spawnSync(process.execPath, [bin, '--threads', '1', ...args], { encoding: 'utf8', timeout: 120_000 });
}

function fails(args: string[], message: RegExp): void {
  const r = gqn(...args);
  assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  assert.match(lines[0], message);
}

test('train --model vae|cvae: flags of another kind and unknown presets are one-line errors naming the flag', () => {
  const out = join(dir, 'refused');
  fails(['train', '--model', 'vae', '--data', 'data/rooms', '--out', out], /^gqn: --data: not a flag of --model vae, which trains on the mnist package's digits .*\(its own flags: none\)$/);
  fails(['train', '--model', 'cvae', '--sigma-start', '1', '--out', out], /^gqn: --sigma-start: not a flag of --model cvae/);
  fails(['train', '--model', 'vae', '--preset', 'huge', '--out', out], /^gqn: --preset: expected one of test, cpu, z2 \(the vae presets\), got 'huge'$/);
  fails(['train', '--model', 'gan', '--out', out], /--model/);
  assert.ok(!existsSync(out), 'a refusal writes nothing');
});

test('a test-sized cvae trains, evaluates and draws from the command line; eval and render refuse flags it does not take', async () => {
  const run = join(dir, 'cvae');
  const t = gqn('train', '--model', 'cvae', '--preset', 'test', '--steps', '6', '--checkpoint-every', '3', '--out', run);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /gqn train: stopped at step 6; 0 steps rejected; checkpoint .*000000006/);
  const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as { kind: string; train: Record<string, unknown> };
  assert.equal(config.kind, 'cvae');
  assert.equal('data' in config.train, false);
  assert.ok(!existsSync(join(run, 'dataset.json')), 'no dataset folder, no dataset.json');
  const e = gqn('eval', run, '--batch', '500', '--json');
  assert.equal(e.status, 0, e.stderr);
  const report = JSON.parse(e.stdout) as { digits: number; elbo: number; nll: number; kl: number };
  assert.equal(report.digits, 1000);
  const png = join(dir, 'classes.png');
  const r = gqn('render', run, '--grid', 'classes', '--samples', '3', '--out', png);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(png));
  fails(['eval', run, '--data', 'data/rooms'], /^gqn: --data: not a flag of eval for a cvae run \(it takes --split, --batch, --json, --out\)$/);
  fails(['eval', run, '--contexts', '1,2'], /^gqn: --contexts: not a flag of eval for a cvae run/);
  fails(['render', run, '--grid', 'samples', '--out', png], /^gqn: --grid: a cvae run draws classes or traversal, not samples$/);
  fails(['render', run, '--grid', 'traversal', '--digit', '12', '--out', png], /^gqn: --digit: expected a class 0\.\.9, got 12$/);
  fails(['render', run, '--scenes', '2', '--out', png], /^gqn: --scenes: not a flag of render for a cvae run/);
  fails(['train', '--out', run, '--resume', '--steps', '8', '--data', 'x'], /^gqn: --data: not a flag of --model cvae/);
  const resumed = gqn('train', '--out', run, '--resume', '--steps', '8');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resumed from .*000000006 at step 6/);
});
