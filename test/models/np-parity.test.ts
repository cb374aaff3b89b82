/**
 * Parity of the Neural Processes with their PyTorch twin (python/np_torch): both are given the
 * same weights (through a checkpoint file), points and latent noise; the objective (loss, NLL,
 * KL), the predictive mean and sigma, and the importance-sampled log-likelihood agree within 1e-4
 * relative, on random points and on the mnist task's (2-d pixel coordinates, grey levels). Needs a Python with torch (Debian's python3-torch, which .ci/run installs): skipped
 * with the reason without one, and a failure when CI is set.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { NpConfig, NpKindName } from '../../src/models/np/config.js';
import { NeuralProcess } from '../../src/models/np/neural-process.js';
import { toPointBatch, type PointBatch } from '../../src/models/np/point-batch.js';
import { mnistTrainingBatch } from '../../src/tasks/mnist-completion.js';
import type { NamedArray } from '../../src/train/safetensors.js';
import { named, runTwin, skipTwin } from './twin.js';

let dir = '';

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'gqn-np-parity-'));
});
after(async () => {
  await shutdownEngine();
  await rm(dir, { recursive: true, force: true });
});

const base = { xSize: 1, ySize: 1, hidden: 16, encoderLayers: 3, decoderLayers: 2, heads: 4 };
const configs: [string, NpKindName, NpConfig][] = [
  ['cnp', 'cnp', { ...base, latentSize: 0, deterministicPath: 'mean', selfAttention: 0 }],
  ['np', 'np', { ...base, latentSize: 6, deterministicPath: 'mean', selfAttention: 0 }],
  ['np, latent path only', 'np', { ...base, latentSize: 6, deterministicPath: 'none', selfAttention: 0 }],
  ['anp, one self-attention block', 'anp', { ...base, latentSize: 6, deterministicPath: 'attention', selfAttention: 1 }],
  ['anp, 2-d inputs, two blocks', 'anp', { ...base, xSize: 2, latentSize: 6, deterministicPath: 'attention', selfAttention: 2 }],
  // The mnist task's shape: pixel coordinates in [-1, 1]^2 -> grey levels in [0, 1], real digits' points.
  ['cnp, mnist pixels', 'cnp', { ...base, xSize: 2, latentSize: 0, deterministicPath: 'mean', selfAttention: 0 }],
  ['np, mnist pixels', 'np', { ...base, xSize: 2, latentSize: 6, deterministicPath: 'mean', selfAttention: 0 }],
  ['anp, mnist pixels', 'anp', { ...base, xSize: 2, latentSize: 6, deterministicPath: 'attention', selfAttention: 1 }],
];

/**
 * B = 3 training digits with C = 3 context pixels and 27 targets (the context and 24 more): enough
 * of a digit beyond the context that the posterior moves off the prior, so that the KL is not a
 * float32 cancellation of two nearly equal terms (with 4 more pixels it was about 1e-5 nats).
 */
function mnistPoints(): PointBatch {
  return toPointBatch(mnistTrainingBatch({ contexts: [3, 4], extraTargets: [24, 25] }, 3, 1, 0));
}

const SAMPLES = 3;

for (const [name, kind, config] of configs) {
  test(`PyTorch twin computes the same objective, predictive and log-likelihood (${name})`, { skip: skipTwin }, async () => {
    const live = tf.memory().numTensors;
    const model = new NeuralProcess(kind, config, 7);
    const [b, c, t] = [3, 5, 9];
    const batch = name.includes('mnist') ? mnistPoints() : tf.tidy(() => ({
      contextX: tf.randomUniform([b, c, config.xSize], -2, 2, 'float32', 1) as tf.Tensor3D,
      contextY: tf.randomNormal([b, c, config.ySize], 0, 1, 'float32', 2) as tf.Tensor3D,
      targetX: tf.randomUniform([b, t, config.xSize], -2, 2, 'float32', 3) as tf.Tensor3D,
      targetY: tf.randomNormal([b, t, config.ySize], 0, 1, 'float32', 4) as tf.Tensor3D,
    }));
    const eps = model.noise(b, 11);
    const ours = model.elbo(batch, eps);
    const llSeed = 40;
    const ll = model.targetLogLikelihood(batch, SAMPLES, llSeed);
    // The draws targetLogLikelihood makes: noise(B, seed + k).
    const llEps = model.latent ? Array.from({ length: SAMPLES }, (_, k) => model.noise(b, llSeed + k)!) : [];

    const compare = await runTwin(dir, name.replace(/[^a-z0-9]+/g, '-'), 'np_torch', model.store, config, new Map<string, NamedArray>([
      ['context_x', named(batch.contextX)], ['context_y', named(batch.contextY)], ['target_x', named(batch.targetX)], ['target_y', named(batch.targetY)],
      ...(eps ? [['eps', named(eps)] as [string, NamedArray]] : []),
      ...llEps.map((e, k) => [`eps_${k}`, named(e)] as [string, NamedArray]),
    ]));
    tf.tidy(() => compare('loss', tf.reshape(ours.loss, [1])));
    compare('nll', ours.nll);
    compare('kl', ours.kl);
    compare('mean', ours.predictive.mean);
    compare('sigma', ours.predictive.sigma);
    compare('log_likelihood', ll);
    if (model.latent) assert.ok(ours.kl.dataSync().every((v) => v > 0), 'a posterior on more points differs from the prior');
    tf.dispose([...Object.values(batch), ...(eps ? [eps] : []), ...llEps, ours.loss, ours.nll, ours.kl, ours.predictive.mean, ours.predictive.sigma, ll]);
    model.dispose();
    assert.equal(tf.memory().numTensors, live, 'every tensor disposed');
  });
}
