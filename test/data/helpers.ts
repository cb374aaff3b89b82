/** Shared bits of the data tests: temp folders and tiny datasets from the fake world. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

import { generateDataset, type GenerateOptions } from '../../src/data/index.js';

export const FAKE_SOURCE = new URL('./fake-source.ts', import.meta.url).href;

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test file finishes. */
export function tempDir(prefix = 'gqn-data-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A small dataset of the fake world, rendered on the main thread; returns the dataset folder. */
export async function fakeDataset(opts: Partial<GenerateOptions> = {}): Promise<string> {
  const out = opts.out ?? tempDir();
  const summary = await generateDataset({
    out,
    world: 'rooms',
    scenes: 12,
    seed: 1,
    workers: 0,
    recordsPerFile: 5,
    sourceModule: FAKE_SOURCE,
    ...opts,
  });
  return summary.dir;
}

/**
 * Options to run a child process as an unprivileged user, for the permission tests: root ignores
 * folder permissions, so as root the child runs as nobody (uid 65534). `skip` says why that cannot
 * work here (nobody cannot read the repository, e.g. a clone inside a 0700 folder), or is false.
 */
export function unprivileged(): { user: { uid?: number; gid?: number }; skip: string | false } {
  if (process.getuid?.() !== 0) return { user: {}, skip: false };
  const user = { uid: 65534, gid: 65534 };
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(repo, 'package.json'))}, require('fs').constants.R_OK)`], { ...user, encoding: 'utf8', cwd: '/' });
  return { user, skip: r.status === 0 ? false : `uid 65534 (nobody) cannot read ${repo}, so the permission check cannot run as an ordinary user here` };
}
