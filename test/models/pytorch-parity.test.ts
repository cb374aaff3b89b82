/**
 * Parity with the PyTorch twin in python/gqn_torch: both are fed the same weights (through a
 * checkpoint), inputs and noise; ELBO, NLL, KL and the representation agree within 1e-4
 * relative. Needs a Python with torch (Debian's python3-torch; .ci/run installs it).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { GqnConfig } from '../../src/models/gqn/config.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import type { NamedArray } from '../../src/train/safetensors.js';
import { TINY } from './tiny-config.js';
import { named, runTwin, skipTwin } from './twin.js';

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
  test(`PyTorch twin computes the same ELBO, NLL, KL and r (${name})`, { skip: skipTwin }, async () => {
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

    assert.deepEqual(eps[0].shape, [b, g, g, config.zChannels]);
    const compare = await runTwin(dir, name, 'gqn_torch', model.store, config, new Map<string, NamedArray>([
      ['context_images', named(inputs.contextImages)], ['context_viewpoints', named(inputs.contextViewpoints)],
      ['query_image', named(inputs.queryImage)], ['query_viewpoint', named(inputs.queryViewpoint)],
      ['sigma', { shape: [1], data: new Float32Array([sigma]) }],
      ...eps.map((e, l) => [`eps_${l}`, named(e)] as [string, NamedArray]),
    ]));
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
