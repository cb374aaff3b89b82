/**
 * Every command that starts a tensor engine exits after a runtime error or a signal. On the wasm
 * backend with threads, the worker threads used to keep the process alive after the one-line
 * error was printed; the timeouts here only guard against that hang (they are not speed limits).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));
const fake = fileURLToPath(new URL('../data/fake-source.ts', import.meta.url));
const defaultRun = fileURLToPath(new URL('../../models/default', import.meta.url));
const HANG_GUARD_MS = 60_000;
let dir = '';
let data = '';

function gqn(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '--backend', 'wasm', '--threads', '2', ...args], { encoding: 'utf8', timeout: HANG_GUARD_MS });
  assert.notEqual(r.signal, 'SIGTERM', `hung (killed after ${HANG_GUARD_MS / 1000} s): gqn ${args.join(' ')}\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Non-zero exit with exactly one stderr line (progress lines aside) that matches `message`. */
function fails(args: string[], message: RegExp) {
  const r = gqn(...args);
  assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
  const lines = r.stderr.split(/[\r\n]/).filter((l) => l.startsWith('gqn: '));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], message);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gqn-engine-exit-'));
  const g = spawnSync(process.execPath, [bin, 'data', 'generate', '--world', 'rooms', '--source', fake, '--scenes', '6', '--test-scenes', '6',
    '--views', '3', '--size', '32', '--workers', '0', '--records-per-file', '3', '--out', dir], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  data = join(dir, 'rooms');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('eval of a missing run exits with the error', () => {
  fails(['eval', join(dir, 'missing'), '--data', data], /^gqn: .*missing\/config\.json: cannot read the run's config \(ENOENT\)/);
});

test('eval and render with data that is not there exit with the error', () => {
  fails(['eval', defaultRun, '--data', join(dir, 'nowhere')], /nowhere\/test: no \.tfrecord files/);
  fails(['render', defaultRun, '--data', join(dir, 'nowhere'), '--out', join(dir, 'grid.png')], /nowhere\/test: no \.tfrecord files/);
});

test('render with more context views than the data has exits with the error', () => {
  fails(['render', defaultRun, '--data', data, '--context', '5', '--out', join(dir, 'grid.png')], /5 context \+ 1 query views asked for, but scenes have 3 views/);
});

test('train hitting an error after the engine started exits', () => {
  // 16x16 frames for the cpu preset's 32x32: found once the engine is up and the data is opened.
  const g = spawnSync(process.execPath, [bin, 'data', 'generate', '--world', 'mazes', '--source', fake, '--scenes', '4', '--test-scenes', '0',
    '--views', '3', '--size', '16', '--workers', '0', '--out', dir], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  fails(['train', '--data', join(dir, 'mazes'), '--out', join(dir, 'run'), '--steps', '2', '--batch', '2'], /^gqn: --data: .*mazes has 16x16 frames/);
});

test('demo --batch too big for the wasm heap is refused before it aborts the module', () => {
  fails(['demo', '--batch', '100000', '--steps', '1'], /^gqn: --batch 100000: needs about 6\.\d GiB of tensors at once, more than the wasm backend's 4\.0 GiB heap; lower it$/);
});

test('an absurd model size in config.json is refused naming the file and field', () => {
  const run = join(dir, 'huge');
  cpSync(defaultRun, run, { recursive: true });
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  config.model.hChannels = 100000;
  writeFileSync(join(run, 'config.json'), JSON.stringify(config));
  fails(['eval', run, '--data', data], new RegExp(`^gqn: ${join(run, 'config.json')}: config\\.hChannels: expected an integer in 1\\.\\.4096, got 100000$`));
});

test('eval --skip-corrupt counts a corrupt record and reports it; without it the record is an error', () => {
  const corrupt = join(dir, 'corrupt');
  cpSync(data, corrupt, { recursive: true });
  const file = join(corrupt, 'test', '1-of-2.tfrecord');
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] ^= 0xff; // inside the last record's data: its data CRC fails
  writeFileSync(file, bytes);
  rmSync(join(corrupt, 'manifest.json')); // the sizes still match; keep the check to the CRC
  fails(['eval', defaultRun, '--data', corrupt, '--batch', '2'], /1-of-2\.tfrecord: record 2 at byte \d+: data CRC mismatch/);
  const r = gqn('eval', defaultRun, '--data', corrupt, '--batch', '2', '--skip-corrupt');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /: 5 scenes, 32x32/);
  assert.match(r.stdout, /^1 corrupt record skipped \(--skip-corrupt\)$/m);
});

test('SIGTERM stops a running engine command and the process exits', async () => {
  const child = spawn(process.execPath, [bin, '--backend', 'wasm', '--threads', '2', 'demo', '--steps', '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGTERM');
  const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
  const code = await exit;
  clearTimeout(guard);
  assert.equal(code, 143);
});
