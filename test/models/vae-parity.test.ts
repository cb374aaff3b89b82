/**
 * Parity with the PyTorch twin in python/vae_torch: both get the same weights (through a
 * checkpoint), digits, labels and noise eps; the -ELBO, NLL, KL, logits and z agree within 1e-4
 * relative. Needs a Python with torch (Debian's python3-torch): skipped with the reason without
 * one, and a failure when CI is set (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { VaeConfig } from '../../src/models/vae/config.js';
import { digitBatch, loadDigits } from '../../src/models/vae/digits.js';
import { VAE } from '../../src/models/vae/vae.js';
import { named, runTwin, skipTwin } from './twin.js';

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
  test(`PyTorch twin computes the same -ELBO, NLL, KL, logits and z (${name})`, { skip: skipTwin }, async () => {
    const model = new VAE(config, 9);
    const batch = digitBatch(loadDigits('test'), [3, 250, 517, 998]);
    const eps = model.noise(4, 31);
    const ours = model.elbo(batch, eps);
    const compare = await runTwin(dir, name, 'vae_torch', model.store, config, new Map([['x', named(batch.x)], ['y', named(batch.y)], ['eps', named(eps)]]));
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
