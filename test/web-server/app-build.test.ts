/** The viewer is built with Vite's JS API when missing or stale, before `gqn serve` listens. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { buildApp, buildReason } from '../../src/web/server/app-build.js';
import { VITE_CONFIG } from '../../src/web/server/paths.js';

test('buildReason: missing, stale, up to date', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gqn-serve-build-'));
  try {
    assert.match((await buildReason(dir))!, /index\.html is missing/);
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    await utimes(join(dir, 'index.html'), new Date(0), new Date(0));
    assert.match((await buildReason(dir))!, /is newer than/);
    const future = new Date(Date.now() + 3600_000);
    await utimes(join(dir, 'index.html'), future, future);
    assert.equal(await buildReason(dir), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('buildApp runs vite build into the app folder with one line of log', { skip: !existsSync(VITE_CONFIG) && 'no vite.config.ts yet' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gqn-serve-build-'));
  try {
    const lines: string[] = [];
    await buildApp(dir, 'test', (line) => lines.push(line));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^gqn serve: building the viewer with vite \(test\)$/);
    assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /<script/);
    assert.ok(existsSync(join(dir, 'curves.html')));
    assert.equal(await buildReason(dir), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
