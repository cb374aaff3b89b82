/**
 * Every op the models use, forward and gradients, on `wasm` against the `cpu` reference within
 * 1e-4 relative, on fresh random shapes and inputs each run (odd sizes included). The seeds are
 * printed; set GQN_TEST_SEED to replay a failure.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { compareWithCpu, TOLERANCE } from './parity.js';

const base = process.env.GQN_TEST_SEED ? Number(process.env.GQN_TEST_SEED) : randomInt(1, 2 ** 31);

before(async () => {
  await setupEngine({ backend: 'wasm', threads: 2 });
});
after(shutdownEngine);

for (let round = 0; round < 3; round++) {
  const seed = base + round;
  test(`wasm matches cpu within ${TOLERANCE} on every op, forward and backward (seed ${seed})`, async () => {
    const { checked, failures } = await compareWithCpu('wasm', seed);
    assert.ok(checked > 90, `expected the whole catalogue, got ${checked} ops`);
    assert.deepEqual(failures, [], `replay with GQN_TEST_SEED=${seed}`);
    assert.equal(tf.memory().numTensors, 0, 'the comparison leaked tensors');
  });
}

test('relative error measure flags a wrong value and a NaN', async () => {
  const { relativeError } = await import('./parity.js');
  assert.ok(relativeError(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 3.01])) > TOLERANCE);
  assert.ok(!(relativeError(new Float32Array([NaN]), new Float32Array([1])) <= TOLERANCE));
  assert.equal(relativeError(new Float32Array([1, 2]), new Float32Array([1, 2])), 0);
});
