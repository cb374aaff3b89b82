/**
 * Parity with the PyTorch twin in python/gqn_torch: both are fed the same weights (through a
 * checkpoint), inputs and noise; ELBO, NLL, KL and the representation agree within 1e-4
 * relative. Needs a Python with torch (Debian's python3-torch; .ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { GqnConfig } from '../../src/models/gqn/config.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { readSafetensors, writeSafetensors, type NamedArray } from '../../src/train/safetensors.js';
import { pythonWithTorch } from '../../bench/python.js';
import { relativeError } from '../engine/parity.js';
import { TINY } from './tiny-config.js';

const python = pythonWithTorch();
const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));
let dir = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-parity-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const configs: [string, GqnConfig][] = [
  ['pool, unshared cores', TINY],
  ['tower, shared cores', { ...TINY, representation: 'tower', shareCores: true, steps: 3 }],
  ['pyramid, 5x5 cores', { ...TINY, representation: 'pyramid', coreKernel: 5 }],
  ['tower, query frame', { ...TINY, representation: 'tower', contextFrame: 'query' }],
];

for (const [name, config] of configs) {
  test(`PyTorch twin computes the same ELBO, NLL, KL and r (${name})`, { skip: python ? false : 'no python3 with torch (apt-get install python3-torch)' }, async () => {
    const model = new GQN(config, 5);
    const b = 3;
    const m = 2;
    const s = config.imageSize;
    const g = s / config.scale;
    const inputs = tf.tidy(() => ({
      contextImages: tf.randomUniform([b, m, s, s, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
      contextViewpoints: tf.randomNormal([b, m, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
      queryImage: tf.randomUniform([b, s, s, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
      queryViewpoint: tf.randomNormal([b, 7], 0, 1, 'float32', 4) as tf.Tensor2D,
    }));
    const eps = model.noise(b, 77);
    const sigma = 0.9;
    const ours = model.elbo(inputs, sigma, eps);

    const weights = join(dir, `${name}.model.safetensors`);
    const configPath = join(dir, `${name}.config.json`);
    const inPath = join(dir, `${name}.inputs.safetensors`);
    const outPath = join(dir, `${name}.out.safetensors`);
    await saveWeights(weights, model.store);
    await (await import('node:fs/promises')).writeFile(configPath, JSON.stringify({ model: config }));
    const arr = (t: tf.Tensor): NamedArray => ({ shape: t.shape, data: t.dataSync() as Float32Array });
    const named = new Map<string, NamedArray>([
      ['context_images', arr(inputs.contextImages)], ['context_viewpoints', arr(inputs.contextViewpoints)],
      ['query_image', arr(inputs.queryImage)], ['query_viewpoint', arr(inputs.queryViewpoint)],
      ['sigma', { shape: [1], data: new Float32Array([sigma]) }],
      ...eps.map((e, l) => [`eps_${l}`, arr(e)] as [string, NamedArray]),
    ]);
    assert.deepEqual(eps[0].shape, [b, g, g, config.zChannels]);
    await writeSafetensors(inPath, named);
    const r = spawnSync(python!, ['-m', 'gqn_torch.parity', configPath, weights, inPath, outPath], { cwd: pythonDir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { tensors: theirs } = await readSafetensors(outPath);
    const compare = (key: string, t: tf.Tensor) => {
      const err = relativeError(t.dataSync() as Float32Array, theirs.get(key)!.data);
      assert.deepEqual(theirs.get(key)!.shape, t.shape, `${key} shape`);
      assert.ok(err <= 1e-4, `${key}: relative error ${err}`);
    };
    compare('loss', tf.reshape(ours.loss, [1]));
    compare('nll', ours.nll);
    compare('kl', ours.kl);
    compare('kl_per_step', ours.klPerStep);
    compare('r', ours.r);
    compare('mean', ours.mean);
    tf.dispose([...Object.values(inputs), ...eps, ours.loss, ours.nll, ours.kl, ours.klPerStep, ours.mean, ours.r, ours.v]);
    model.dispose();
  });
}
