/**
 * The parity tests' PyTorch twins (python/<module>/parity.py): the model's weights (as a
 * checkpoint), its config and the inputs go to files in `dir`, `python3 -m <module>.parity`
 * computes the same quantities from them, and the returned `compare` checks one of ours against
 * the twin's within 1e-4 relative. Needs a python3 with torch (Debian's python3-torch; .ci/run
 * installs it): the tests skip without one, except in CI, where they must run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as tf from '@tensorflow/tfjs-core';

import { pythonWithTorch } from '../../bench/python.js';
import type { ParamStore } from '../../src/models/layers/params.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { readSafetensors, writeSafetensors, type NamedArray } from '../../src/train/safetensors.js';
import { relativeError } from '../engine/parity.js';

export const python = pythonWithTorch();
const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));

/** The parity tests' skip option: none where a python with torch exists, or in CI (where one must). */
export const skipTwin: false | string = python || process.env.CI ? false : 'no python3 with torch (apt-get install python3-torch)';

/** A tensor's values for the twin's inputs. */
export function named(t: tf.Tensor): NamedArray {
  return { shape: t.shape, data: t.dataSync() as Float32Array };
}

/** Runs `<module>.parity` on the model and inputs; returns compare(key, ours) against its output `key`. */
export async function runTwin(
  dir: string, name: string, module: string, store: ParamStore, config: object, inputs: Map<string, NamedArray>,
): Promise<(key: string, ours: tf.Tensor) => void> {
  assert.ok(python, 'CI is set, so the PyTorch twin must run: no python3 with torch found');
  const files = ['model.safetensors', 'config.json', 'inputs.safetensors', 'out.safetensors'].map((f) => join(dir, `${name}.${f}`));
  const [weights, configPath, inPath, outPath] = files;
  await saveWeights(weights, store);
  await writeFile(configPath, JSON.stringify({ model: config }));
  await writeSafetensors(inPath, inputs);
  const r = spawnSync(python, ['-m', `${module}.parity`, configPath, weights, inPath, outPath], { cwd: pythonDir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { tensors: theirs } = await readSafetensors(outPath);
  return (key, ours) => {
    const t = theirs.get(key);
    assert.ok(t, `the twin gave no ${key}`);
    assert.deepEqual(t.shape, ours.shape, `${key} shape`);
    const err = relativeError(ours.dataSync() as Float32Array, t.data);
    assert.ok(err <= 1e-4, `${key}: relative error ${err}`);
  };
}
