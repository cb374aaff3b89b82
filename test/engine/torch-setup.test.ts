/**
 * Without the torch addon (simulated by pointing GQN_TORCH_ADDON at nothing, as on a machine
 * without libtorch): `torch` is a clear error naming the fix, wasm still runs and stays the
 * default, and --device is checked before any backend starts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

process.env.GQN_TORCH_ADDON = '/nonexistent/gqn_torch.node';
const { setupEngine, shutdownEngine } = await import('../../src/engine/index.js');
const { torchAvailability } = await import('../../src/engine/torch/index.js');
const { backendStatus } = await import('../../src/cli/doctor.js');

test('without the addon, torch is unavailable with the reason and the fix', () => {
  const a = torchAvailability();
  assert.equal(a.available, false);
  assert.match(a.available ? '' : a.reason, /not built .*npm run build:torch.*libtorch/);
});

test('gqn doctor lists every Node backend, torch as missing with the reason', () => {
  const status = backendStatus();
  assert.deepEqual(status.map((b) => [b.name, b.available]), [['wasm', true], ['cpu', true], ['torch', false]]);
  assert.match(status[2].detail, /npm run build:torch/);
});

test('--backend torch without the addon is an error naming the fix; wasm is still the default', async () => {
  await assert.rejects(setupEngine({ backend: 'torch' }), /backend 'torch' is not available: .*npm run build:torch/);
  const info = await setupEngine({ threads: 2 });
  assert.equal(info.backend, 'wasm');
  assert.equal(info.device, 'cpu');
  assert.equal(tf.getBackend(), 'wasm');
  await shutdownEngine();
});

test('--device is checked: a bad name, or cuda on a backend without CUDA', async () => {
  await assert.rejects(setupEngine({ backend: 'torch', device: 'gpu' }), /--device: expected cpu, cuda or cuda:N, got 'gpu'/);
  await assert.rejects(setupEngine({ backend: 'wasm', device: 'cuda' }), /--device cuda: only the torch backend runs on CUDA/);
  await assert.rejects(setupEngine({ device: 'cuda:1' }), /--device cuda:1: only the torch backend/);
});
