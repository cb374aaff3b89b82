/** `gqn data` as a user runs it, on the fake world (hidden --source flag). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { PNG } from 'pngjs';

import { tempDir, unprivileged } from './helpers.js';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));
const fake = fileURLToPath(new URL('./fake-source.ts', import.meta.url));

function gqn(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('generate, verify, show; then verify catches a damaged file', () => {
  const out = tempDir();
  const g = gqn('data', 'generate', '--world', 'mazes', '--source', fake, '--scenes', '10', '--views', '3', '--out', out, '--workers', '2', '--seed', '3', '--records-per-file', '4');
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /mazes: 9 train \+ 1 test scenes, 3 views, 16x16, seed 3/);
  const manifest = JSON.parse(readFileSync(join(out, 'mazes/manifest.json'), 'utf8'));
  assert.equal(manifest.settings.seed, 3);

  const v = gqn('data', 'verify', out);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /train {2}3 files, 9 scenes, 3 views, 16x16 px, 9 maps/);
  assert.match(v.stdout, /OK/);

  const sheet = join(out, 'sheet.png');
  const s = gqn('data', 'show', out, '--scenes', '4', '--out', sheet);
  assert.equal(s.status, 0, s.stderr);
  const png = PNG.sync.read(readFileSync(sheet));
  // 16 px frames are drawn at 4x: 3 views + map, 4 rows, 2 px gaps, 8 px before the map.
  assert.equal(png.width, 2 + 3 * (64 + 2) + 8 + 64 + 2);
  assert.equal(png.height, 2 + 4 * (64 + 2));

  const file = join(out, 'mazes/train/2-of-3.tfrecord');
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] ^= 0xff; // inside the last record's data
  writeFileSync(file, bytes);
  const bad = gqn('data', 'verify', join(out, 'mazes'));
  assert.notEqual(bad.status, 0);
  const lines = bad.stderr.trim().split('\n');
  assert.equal(lines.length, 1, bad.stderr);
  assert.match(lines[0], /2-of-3\.tfrecord: record 3 at byte \d+: data CRC mismatch/);
  const skip = gqn('data', 'verify', out, '--skip-corrupt');
  assert.notEqual(skip.status, 0);
  assert.match(skip.stdout, /train {2}3 files, 8 scenes.*1 CORRUPT/);
  assert.match(skip.stdout, /FAILED/);
});

test('bad flags give a one-line error naming the flag and a non-zero exit', () => {
  const out = tempDir();
  const base = ['data', 'generate', '--world', 'rooms', '--out', out];
  const cases: [string[], RegExp][] = [
    [[...base, '--scenes', '0'], /--scenes/],
    [[...base, '--scenes', '5', '--quality', '101'], /--quality/],
    [[...base, '--scenes', '5', '--test-fraction', '1.5'], /--test-fraction/],
    [[...base, '--scenes', '5', '--test-fraction', '0.1', '--test-scenes', '1'], /--test-fraction.*--test-scenes|--test-scenes.*--test-fraction/],
    [[...base, '--scenes', '5', '--workers', '-1'], /--workers/],
    [[...base, '--scenes', '5', '--records-per-file', 'x'], /--records-per-file/],
    [['data', 'generate', '--world', 'nowhere', '--scenes', '5', '--out', out], /--world/],
    [['data', 'generate', '--world', 'rooms', '--scenes', '5'], /--out/],
    [['data', 'show', out, '--out', join(out, 'x.png'), '--scenes', 'two'], /--scenes/],
    [['data', 'verify', join(out, 'missing')], /missing: no such directory/],
    [[...base, '--scenes', '5', '--views', '1'], /^gqn: --views: expected an integer in 2\.\.1000 .*got 1$/],
    [[...base, '--scenes', '5', '--size', '100000'], /^gqn: --size: expected an integer in 1\.\.1024, got 100000$/],
    // Node's recursive mkdir retried this forever (ENOENT under an existing /proc).
    [['data', 'generate', '--world', 'rooms', '--scenes', '5', '--out', '/proc/x'], /^gqn: --out \/proc\/x: cannot create \/proc\/x: \/proc does not accept new folders$/],
  ];
  for (const [args, flag] of cases) {
    const r = gqn(...args);
    assert.ok(r.status != null, `exited: ${args.join(' ')}`);
    assert.notEqual(r.status, 0, args.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], flag);
  }
});

const asUser = unprivileged();
test('a read-only --out folder is reported as permission denied for that path', { skip: asUser.skip }, () => {
  const root = tempDir();
  const ro = join(root, 'ro');
  mkdirSync(ro);
  chmodSync(root, 0o755);
  chmodSync(ro, 0o555);
  // root ignores folder permissions: run the command as nobody to see what a user sees.
  const r = spawnSync(process.execPath, [bin, 'data', 'generate', '--world', 'rooms', '--source', fake, '--scenes', '2', '--workers', '0', '--out', ro],
    { encoding: 'utf8', timeout: 120_000, ...asUser.user });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `gqn: --out ${ro}: permission denied for ${join(ro, 'rooms')}\n`);
});
