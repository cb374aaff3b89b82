/**
 * Parity with JUMP's PyTorch twin in python/jump_torch: both are fed the same weights (through a
 * checkpoint), inputs and noise; the ELBO terms, the posterior's z and reconstructions and the
 * views of one prior sample agree within 1e-4 relative. Needs a Python with torch.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { JumpConfig } from '../../src/models/jump/config.js';
import { JUMP } from '../../src/models/jump/jump.js';
import { saveWeights } from '../../src/train/checkpoint.js';
import { readSafetensors, writeSafetensors, type NamedArray } from '../../src/train/safetensors.js';
import { pythonWithTorch } from '../../bench/python.js';
import { relativeError } from '../engine/parity.js';
import { TINY_JUMP } from './tiny-config.js';

const python = pythonWithTorch();
const pythonDir = fileURLToPath(new URL('../../python', import.meta.url));
let dir = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-jump-parity-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const configs: [string, JumpConfig][] = [
  ['tower', TINY_JUMP],
  ['pool, 5x5 cores, 3 latent steps, the paper\'s renderer (z alone)', { ...TINY_JUMP, representation: 'pool', coreKernel: 5, latentSteps: 3, renderSteps: 3, deterministicPath: false }],
];

for (const [name, config] of configs) {
  test(`PyTorch twin computes JUMP's ELBO, z, reconstructions and prior views alike (${name})`, { skip: python ? false : 'no python3 with torch (apt-get install python3-torch)' }, async () => {
    const model = new JUMP(config, 5);
    const [b, m, t] = [3, 2, 3];
    const s = config.imageSize;
    const inputs = tf.tidy(() => ({
      contextImages: tf.randomUniform([b, m, s, s, 3], 0, 1, 'float32', 1) as tf.Tensor5D,
      contextViewpoints: tf.randomNormal([b, m, 7], 0, 1, 'float32', 2) as tf.Tensor3D,
      targetImages: tf.randomUniform([b, t, s, s, 3], 0, 1, 'float32', 3) as tf.Tensor5D,
      targetViewpoints: tf.randomNormal([b, t, 7], 0, 1, 'float32', 4) as tf.Tensor3D,
    }));
    const eps = model.noise(b, 77);
    const sigma = 0.9;
    const ours = model.elbo(inputs, sigma, eps);
    const z = tf.tidy(() => {
      const rC = model.represent(inputs.contextImages, inputs.contextViewpoints);
      return model.latent.infer(rC, tf.add(rC, model.represent(inputs.targetImages, inputs.targetViewpoints)) as tf.Tensor4D, eps).z;
    });
    const prior = tf.tidy(() => model.renderViews(model.drawScene(model.represent(inputs.contextImages, inputs.contextViewpoints), eps), inputs.targetViewpoints));

    const weights = join(dir, `${name}.model.safetensors`);
    const configPath = join(dir, `${name}.config.json`);
    const inPath = join(dir, `${name}.inputs.safetensors`);
    const outPath = join(dir, `${name}.out.safetensors`);
    await saveWeights(weights, model.store);
    await writeFile(configPath, JSON.stringify({ model: config }));
    const arr = (x: tf.Tensor): NamedArray => ({ shape: x.shape, data: x.dataSync() as Float32Array });
    await writeSafetensors(inPath, new Map<string, NamedArray>([
      ['context_images', arr(inputs.contextImages)], ['context_viewpoints', arr(inputs.contextViewpoints)],
      ['target_images', arr(inputs.targetImages)], ['target_viewpoints', arr(inputs.targetViewpoints)],
      ['sigma', { shape: [1], data: new Float32Array([sigma]) }],
      ...eps.map((e, l) => [`eps_${l}`, arr(e)] as [string, NamedArray]),
    ]));
    const r = spawnSync(python!, ['-m', 'jump_torch.parity', configPath, weights, inPath, outPath], { cwd: pythonDir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { tensors: theirs } = await readSafetensors(outPath);
    const compare = (key: string, x: tf.Tensor) => {
      assert.deepEqual(theirs.get(key)!.shape, x.shape, `${key} shape`);
      const err = relativeError(x.dataSync() as Float32Array, theirs.get(key)!.data);
      assert.ok(err <= 1e-4, `${key}: relative error ${err}`);
    };
    compare('loss', tf.reshape(ours.loss, [1]));
    compare('nll', ours.nll);
    compare('kl', ours.kl);
    compare('z', z);
    compare('mean', ours.mean);
    compare('prior_views', prior);
    // The KL is a real term here, not a zero that would match anything.
    assert.ok(ours.kl.dataSync().every((k) => k > 0));
    tf.dispose([...Object.values(inputs), ...eps, ours.loss, ours.nll, ours.kl, ours.mean, z, prior]);
    model.dispose();
  });
}
