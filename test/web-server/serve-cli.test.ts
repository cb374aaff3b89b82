/** `gqn serve` as a user runs it: one URL line on stdout, a clean exit on SIGTERM, one-line errors. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { modelFolders } from '../../src/web/server/model-set.js';
import { DEFAULT_RUN_DIR, MODELS_DIR } from '../../src/web/server/paths.js';
import { makeFixture, type Fixture } from './fixture.js';

const bin = fileURLToPath(new URL('../../bin/gqn.js', import.meta.url));
let fx: Fixture;

before(async () => {
  fx = await makeFixture();
});
after(() => fx.cleanup());

function gqn(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Starts `gqn serve ARGS` and resolves once it printed its URL line. */
async function serve(...args: string[]) {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out.stdout += d.toString();
      const m = /^gqn serve: (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(out.stdout);
      if (m) resolve(m[1]);
    });
    void exit.then((code) => reject(new Error(`exited ${code} before listening: ${out.stderr}`)));
  });
  return { child, exit, url, out };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`serve --port 0 prints its URL, answers, and exits 0 on ${signal}`, async () => {
    const { child, exit, url, out } = await serve('--port', '0', '--app-dir', fx.app, fx.run);
    const r = await fetch(new URL('/api/run', url));
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { step: number }).step, 10);
    child.kill(signal);
    assert.equal(await exit, 0, out.stderr);
    assert.equal(out.stdout, `gqn serve: ${url}\n`);
  });
}

test('without RUN it serves every committed model in models/, models/default first', async () => {
  assert.ok(existsSync(DEFAULT_RUN_DIR), `${DEFAULT_RUN_DIR} is part of the repository`);
  const folders = (await modelFolders(MODELS_DIR)).map((d) => basename(d));
  const { child, exit, url, out } = await serve('--port', '0', '--app-dir', fx.app);
  const info = (await (await fetch(new URL('/api/run', url))).json()) as { name: string; step: number; dataset: { world: string } };
  assert.equal(info.name, 'default');
  assert.ok(info.step > 0);
  assert.equal(info.dataset.world, 'rooms');
  const models = (await (await fetch(new URL('/api/models', url))).json()) as { name: string; world: string | null; step: number | null; default: boolean }[];
  assert.deepEqual(models.map((m) => m.name), folders);
  assert.equal(models[0].name, 'default');
  assert.ok(models[0].default);
  for (const m of models) assert.ok(m.world != null && m.step != null && m.step > 0, `models/${m.name}: world ${m.world}, step ${m.step}`);
  child.kill('SIGTERM');
  assert.equal(await exit, 0, out.stderr);
});

test('several RUNs are served by folder name, the first as the default', async () => {
  const { child, exit, url, out } = await serve('--port', '0', '--app-dir', fx.app, fx.other, fx.run);
  const models = (await (await fetch(new URL('/api/models', url))).json()) as { name: string; world: string; default: boolean }[];
  assert.deepEqual(models.map((m) => [m.name, m.world, m.default]), [['sm7-run', 'shepard-metzler-7', true], ['my-run', 'rooms', false]]);
  assert.equal(((await (await fetch(new URL('/api/run', url))).json()) as { name: string }).name, 'sm7-run');
  child.kill('SIGTERM');
  assert.equal(await exit, 0, out.stderr);
});

test('a bad run folder is a one-line error naming it and a non-zero exit', () => {
  for (const [run, why] of [[join(fx.root, 'no-such-run'), /does not exist/], [fx.app, /config\.json/], [join(fx.run, 'config.json'), /not a folder/]] as const) {
    const r = gqn('serve', '--port', '0', '--app-dir', fx.app, run);
    assert.notEqual(r.status, 0, run);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].includes(run), lines[0]);
    assert.match(lines[0], why);
    assert.equal(r.stdout, '');
  }
});

test('bad flags name the flag', () => {
  for (const [args, flag] of [[['--port', '70000'], /--port/], [['--port', 'x'], /--port/], [['--app-dir', fx.root], /--app-dir/]] as const) {
    const r = gqn('serve', ...args, fx.run);
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, flag);
  }
});

