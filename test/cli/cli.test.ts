/** The `gqn` command as a user runs it: help everywhere, one-line errors for bad flags, doctor. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));

function gqn(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists the commands and the global options', () => {
  const r = gqn('--help');
  assert.equal(r.status, 0);
  for (const s of ['doctor', 'demo', '--backend', '--threads', '--seed']) assert.match(r.stdout, new RegExp(s));
});

test('every command has --help', () => {
  const lines = gqn('--help').stdout.split('\n');
  // Command rows are indented two spaces; wrapped descriptions are indented further.
  const commands = lines.slice(lines.findIndex((l) => l.startsWith('Commands:')) + 1)
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((c): c is string => c != null && c !== 'help');
  assert.ok(commands.includes('doctor') && commands.includes('demo'), `found ${commands}`);
  for (const c of commands) {
    const r = gqn(c, '--help');
    assert.equal(r.status, 0, `${c} --help`);
    assert.match(r.stdout, new RegExp(`Usage: gqn ${c}`));
  }
});

test('bad flags give a one-line error naming the flag and a non-zero exit', () => {
  const cases: [string[], RegExp][] = [
    [['doctor', '--bogus'], /--bogus/],
    [['--threads', 'abc', 'doctor'], /--threads/],
    [['--threads', '0', 'doctor'], /--threads/],
    [['--backend', 'tensorflow', 'doctor'], /--backend/],
    [['--seed', '-1', 'doctor'], /--seed/],
    [['demo', '--steps', '1.5'], /--steps/],
  ];
  for (const [args, flag] of cases) {
    const r = gqn(...args);
    assert.notEqual(r.status, 0, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], flag);
  }
});

test('doctor --json reports the runtime and full kernel coverage on wasm', () => {
  const r = gqn('--threads', '2', 'doctor', '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.engine.backend, 'wasm');
  assert.equal(report.engine.threads, 2);
  assert.equal(report.engine.simd, true);
  assert.equal(report.coverage.ok, true);
  assert.deepEqual(report.coverage.missing, []);
  assert.ok(report.coverage.kernels.includes('Conv2DBackpropFilter'));
});

test('doctor prints a readable summary', () => {
  const r = gqn('doctor');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /backend\s+wasm/);
  assert.match(r.stdout, /every training kernel is present on wasm/);
});
