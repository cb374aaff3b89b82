/**
 * Parity with JUMP's PyTorch twin in python/jump_torch: both are fed the same weights (through a
 * checkpoint), inputs and noise; the ELBO terms, the posterior's z and reconstructions and the
 * views of one prior sample agree within 1e-4 relative. Needs a Python with torch.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { JumpConfig } from '../../src/models/jump/config.js';
import { JUMP } from '../../src/models/jump/jump.js';
import type { NamedArray } from '../../src/train/safetensors.js';
import { TINY_JUMP } from './tiny-config.js';
import { named, runTwin, skipTwin } from './twin.js';

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
  ['tower, context frame', { ...TINY_JUMP, contextFrame: 'context' }],
  ['tower, query frame', { ...TINY_JUMP, contextFrame: 'query' }],
  ['pool, 5x5 cores, 3 latent steps, the paper\'s renderer (z alone)', { ...TINY_JUMP, representation: 'pool', coreKernel: 5, latentSteps: 3, renderSteps: 3, deterministicPath: false }],
];

for (const [name, config] of configs) {
  test(`PyTorch twin computes JUMP's ELBO, z, reconstructions and prior views alike (${name})`, { skip: skipTwin }, async () => {
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
      const ctxV = model.inFrame(inputs.contextViewpoints, inputs.contextViewpoints);
      const rC = model.represent(inputs.contextImages, ctxV);
      const rT = model.represent(inputs.targetImages, model.inFrame(inputs.contextViewpoints, inputs.targetViewpoints));
      return model.latent.infer(rC, tf.add(rC, rT) as tf.Tensor4D, eps).z;
    });
    const prior = tf.tidy(() => {
      const ctx = model.context(inputs.contextImages, inputs.contextViewpoints);
      return model.renderViews(model.drawScene(ctx.rC, eps), ctx, inputs.targetViewpoints);
    });

    const compare = await runTwin(dir, name, 'jump_torch', model.store, config, new Map<string, NamedArray>([
      ['context_images', named(inputs.contextImages)], ['context_viewpoints', named(inputs.contextViewpoints)],
      ['target_images', named(inputs.targetImages)], ['target_viewpoints', named(inputs.targetViewpoints)],
      ['sigma', { shape: [1], data: new Float32Array([sigma]) }],
      ...eps.map((e, l) => [`eps_${l}`, named(e)] as [string, NamedArray]),
    ]));
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
