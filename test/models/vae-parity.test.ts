/**
 * Parity with the PyTorch twin in python/vae_torch: both get the same weights (through a
 * checkpoint), digits, labels and noise eps; the -ELBO, NLL, KL, logits and z agree within 1e-4
 * relative. Needs a Python with torch (Debian's python3-torch): skipped with the reason without
 * one, and a failure when CI is set (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { pythonWithTorch } from '../../bench/python.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { VaeConfig } from '../../src/models/vae/config.js';
import { digitBatch, loadDigits } from '../../src/models/vae/digits.js';
import { VAE } from '../../src/models/vae/vae.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { readSafetensors, writeSafetensors, type NamedArray } from '../../src/train/safetensors.js';
import { relativeError } from '../engine/parity.js';

const python = pythonWithTorch();
const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));
const skip = python || process.env.CI ? false : 'no python3 with torch (apt-get install python3-torch)';
let dir = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-vae-parity-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const configs: [string, VaeConfig][] = [
  ['vae', { imageSize: 28, hidden: 24, zSize: 4, classes: 0 }],
  ['cvae', { imageSize: 28, hidden: 24, zSize: 4, classes: 10 }],
];

for (const [name, config] of configs) {
  test(`PyTorch twin computes the same -ELBO, NLL, KL, logits and z (${name})`, { skip }, async () => {
    assert.ok(python, 'CI is set, so the PyTorch twin must run: no python3 with torch found');
    const model = new VAE(config, 9);
    const batch = digitBatch(loadDigits('test'), [3, 250, 517, 998]);
    const eps = model.noise(4, 31);
    const ours = model.elbo(batch, eps);
    const weights = join(dir, `${name}.model.safetensors`);
    const configPath = join(dir, `${name}.config.json`);
    const inPath = join(dir, `${name}.inputs.safetensors`);
    const outPath = join(dir, `${name}.out.safetensors`);
    await saveWeights(weights, model.store);
    await writeFile(configPath, JSON.stringify({ model: config }));
    const arr = (t: tf.Tensor): NamedArray => ({ shape: t.shape, data: t.dataSync() as Float32Array });
    await writeSafetensors(inPath, new Map([['x', arr(batch.x)], ['y', arr(batch.y)], ['eps', arr(eps)]]));
    const r = spawnSync(python!, ['-m', 'vae_torch.parity', configPath, weights, inPath, outPath], { cwd: pythonDir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { tensors: theirs } = await readSafetensors(outPath);
    const compare = (key: string, t: tf.Tensor) => {
      assert.deepEqual(theirs.get(key)!.shape, t.shape, `${key} shape`);
      const err = relativeError(t.dataSync() as Float32Array, theirs.get(key)!.data);
      assert.ok(err <= 1e-4, `${key}: relative error ${err}`);
    };
    tf.tidy(() => compare('loss', tf.reshape(ours.loss, [1])));
    compare('nll', ours.nll);
    compare('kl', ours.kl);
    compare('logits', ours.logits);
    compare('z', ours.z);
    tf.dispose([batch.x, batch.y, eps, ...Object.values(ours)]);
    model.dispose();
    assert.equal(tf.memory().numTensors, 0);
  });
}
