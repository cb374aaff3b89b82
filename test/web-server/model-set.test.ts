/** Which folders `gqn serve` without RUN serves: the sub-folders of models/, default first. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { modelFolders } from '../../src/web/server/model-set.js';

test('modelFolders: every sub-folder, default first, then by name; files and dot-folders left out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gqn-models-'));
  try {
    for (const name of ['zeta', 'default', 'alpha', '.git-keep']) await mkdir(join(dir, name));
    await writeFile(join(dir, 'README.md'), 'models');
    assert.deepEqual(await modelFolders(dir), ['default', 'alpha', 'zeta'].map((n) => join(dir, n)));
    await rm(join(dir, 'default'), { recursive: true });
    assert.deepEqual(await modelFolders(dir), ['alpha', 'zeta'].map((n) => join(dir, n)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('modelFolders: a missing or empty folder is an error naming it and saying to pass RUN', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gqn-models-'));
  try {
    await assert.rejects(modelFolders(join(dir, 'nope')), (e: Error) => e.message.includes(join(dir, 'nope')) && /does not exist.*gqn serve RUN/.test(e.message));
    await assert.rejects(modelFolders(dir), (e: Error) => e.message.includes(dir) && /no model in it.*gqn serve RUN/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
