/** The engine starts the backend asked for, honours --threads in Node, and never falls back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';

import { checkKernelCoverage, setupEngine, shutdownEngine } from '../../src/engine/index.js';

test('wasm runs the threads asked for, with SIMD', async () => {
  const info = await setupEngine({ backend: 'wasm', threads: 2 });
  assert.equal(info.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(info.threads, 2);
  assert.equal(info.multithread, true);
  assert.equal(info.simd, true);
  assert.equal(info.runtime, 'node');
});

test('every training kernel is present on wasm', async () => {
  const report = await checkKernelCoverage(1);
  assert.deepEqual(report.missing, []);
  assert.ok(report.ok, report.ops.filter((o) => !o.ok).map((o) => `${o.op}: ${o.error}`).join('\n'));
  for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', 'AvgPoolGrad', 'Softplus']) {
    assert.ok(report.kernels.includes(k), `${k} was exercised`);
  }
});

test('the coverage check reports a kernel that is missing', async () => {
  const kernel = getKernel('Conv2DBackpropFilter', 'wasm');
  assert.ok(kernel);
  unregisterKernel('Conv2DBackpropFilter', 'wasm');
  try {
    const report = await checkKernelCoverage(1);
    assert.equal(report.ok, false);
    assert.deepEqual(report.missing, ['Conv2DBackpropFilter']);
  } finally {
    registerKernel(kernel);
  }
  await shutdownEngine();
});

test('a bad backend or thread count is an error naming the flag', async () => {
  await assert.rejects(setupEngine({ backend: 'tensorflow' }), /--backend: expected one of wasm, cpu, torch, got 'tensorflow'/);
  await assert.rejects(setupEngine({ backend: 'wasm', threads: 0 }), /--threads: expected a positive integer/);
  await assert.rejects(setupEngine({ backend: 'webgl' }), /--backend/);
});
