/** writeFileAtomic: errors name the target and the reason, never the temp file. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { writeFileAtomic } from '../../src/data/atomic.js';
import { tempDir, unprivileged } from './helpers.js';

test('writes the file whole, and leaves no temp file', async () => {
  const dir = tempDir();
  await writeFileAtomic(join(dir, 'a.json'), '{}\n');
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), '{}\n');
  assert.deepEqual(readdirSync(dir), ['a.json']);
});

test('a missing folder, or a folder in the way, is named', async () => {
  const dir = tempDir();
  const missing = join(dir, 'nope', 'a.json');
  await assert.rejects(writeFileAtomic(missing, 'x'), { message: `${missing}: cannot write: the folder ${join(dir, 'nope')} does not exist` });
  mkdirSync(join(dir, 'b.png'));
  await assert.rejects(writeFileAtomic(join(dir, 'b.png'), 'x'), { message: `${join(dir, 'b.png')}: cannot write: ${join(dir, 'b.png')} is a folder` });
  assert.deepEqual(readdirSync(dir).sort(), ['b.png']);
});

const asUser = unprivileged();
test('a read-only folder is permission denied for that folder', { skip: asUser.skip }, () => {
  const dir = tempDir();
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  chmodSync(dir, 0o755);
  chmodSync(ro, 0o555);
  // root ignores folder permissions: write as nobody to see what a user sees.
  const atomic = fileURLToPath(new URL('../../src/data/atomic.ts', import.meta.url));
  const script = `import { writeFileAtomic } from ${JSON.stringify(atomic)}; writeFileAtomic(${JSON.stringify(join(ro, 'a.json'))}, 'x').catch((e) => { process.stderr.write(e.message); process.exitCode = 1; });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('../..', import.meta.url)), ...asUser.user });
  assert.equal(r.stderr, `${join(ro, 'a.json')}: cannot write: permission denied for ${ro}`);
  assert.equal(r.status, 1);
  assert.ok(!existsSync(join(ro, 'a.json')));
});
