/** Shared bits of the data tests: temp folders and tiny datasets from the fake world. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

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
