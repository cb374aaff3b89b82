/**
 * The `torch` backend (libtorch through the native addon) against the `cpu` reference within
 * 1e-4 relative: every op of the catalogue forward and backward (the same comparison as the
 * wasm kernel tests), plus the kernels models reach outside it (pools, depthwise and fused
 * convolutions, gathers, strided slices, comparisons, int32 and bool tensors). Skipped, with
 * the reason, where the addon is not built (no libtorch here): `npm run build:torch`.
 * Where the libtorch has CUDA, one round runs on the GPU too.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { drawInputs, forwardAndGrads, type OpCase } from '../../src/engine/op-catalogue.js';
import { torchAvailability } from '../../src/engine/torch/index.js';
import { compareWithCpu, relativeError, TOLERANCE } from './parity.js';

const availability = torchAvailability();
const skip = availability.available ? false : availability.reason;
const cuda = availability.available && availability.library.cuda;
const base = process.env.GQN_TEST_SEED ? Number(process.env.GQN_TEST_SEED) : randomInt(1, 2 ** 31);

before(async () => {
  if (availability.available) {
    if (availability.stale) process.stderr.write('torch addon is older than native/torch: run npm run build:torch\n');
    await setupEngine({ backend: 'torch', threads: 2 });
  }
});
after(shutdownEngine);

for (let round = 0; round < 3; round++) {
  const seed = base + round;
  test(`torch matches cpu within ${TOLERANCE} on every op, forward and backward (seed ${seed})`, { skip }, async () => {
    const { checked, failures } = await compareWithCpu('torch', seed);
    assert.ok(checked > 90, `expected the whole catalogue, got ${checked} ops`);
    assert.deepEqual(failures, [], `replay with GQN_TEST_SEED=${seed}`);
    assert.equal(tf.memory().numTensors, 0, 'the comparison leaked tensors');
    assert.equal(tf.engine().backend.numDataIds(), 0, 'the backend kept buffers');
  });
}

type T4 = tf.Tensor4D;

/** Differentiable kernels outside the catalogue, compared forward and backward. */
const extraCases: OpCase[] = [
  { name: 'maxPool 3x3/2 same', shapes: [[2, 7, 6, 3]], fn: (x) => tf.maxPool(x as T4, 3, 2, 'same') },
  { name: 'maxPool 2x2/2 valid', shapes: [[1, 6, 6, 2]], fn: (x) => tf.maxPool(x as T4, 2, 2, 'valid') },
  { name: 'avgPool 3x3/1 same', shapes: [[2, 5, 6, 3]], fn: (x) => tf.avgPool(x as T4, 3, 1, 'same') },
  { name: 'depthwise 3x3/1 same x2', shapes: [[2, 6, 5, 3], [3, 3, 3, 2]], fn: (x, f) => tf.depthwiseConv2d(x as T4, f as T4, 1, 'same') },
  { name: 'depthwise 2x2/2 valid', shapes: [[1, 6, 6, 4], [2, 2, 4, 1]], fn: (x, f) => tf.depthwiseConv2d(x as T4, f as T4, 2, 'valid') },
  {
    name: 'fused conv2d + bias + relu', shapes: [[2, 6, 6, 3], [3, 3, 3, 4], [4]],
    fn: (x, f, b) => tf.fused.conv2d({ x: x as T4, filter: f as T4, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
  },
  {
    name: 'fused matMul + bias + relu', shapes: [[5, 4], [4, 3], [3]],
    fn: (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }),
  },
  { name: 'gather rows', shapes: [[6, 3]], fn: (x) => tf.gather(x, tf.tensor1d([5, 0, 2, 2], 'int32')) },
  { name: 'gather axis 1, 2-d indices', shapes: [[2, 5, 3]], fn: (x) => tf.gather(x, tf.tensor2d([[4, 1], [0, 0]], [2, 2], 'int32'), 1) },
  { name: 'stack + unstack', shapes: [[3, 4], [3, 4]], fn: (a, b) => tf.unstack(tf.stack([a, b], 1), 2)[1] },
  { name: 'addN', shapes: [[3, 4], [3, 4], [3, 4]], fn: (a, b, c) => tf.addN([a, b, c]) },
  { name: 'maximum/minimum', shapes: [[3, 4], [3, 4]], fn: (a, b) => tf.sub(tf.maximum(a, b), tf.mul(tf.minimum(a, b), 2)) },
  { name: 'sqrt, rsqrt, reciprocal', shapes: [[3, 4]], positive: true, fn: (a) => tf.add(tf.sqrt(a), tf.add(tf.rsqrt(a), tf.reciprocal(a))) },
  { name: 'pow', shapes: [[3, 4], [3, 4]], positive: true, fn: (a, b) => tf.pow(a, b) },
  { name: 'elu, selu, leakyRelu, relu6', shapes: [[4, 5]], fn: (a) => tf.addN([tf.elu(a), tf.selu(a), tf.leakyRelu(a, 0.1), tf.relu6(tf.mul(a, 4))]) },
  { name: 'prelu', shapes: [[4, 5], [5]], fn: (a, b) => tf.prelu(a, b) },
  { name: 'softmax, logSoftmax', shapes: [[4, 7]], fn: (a) => tf.add(tf.softmax(a), tf.logSoftmax(a)) },
  { name: 'max, min, prod reductions', shapes: [[3, 4, 2]], fn: (a) => tf.addN([tf.max(a, [0, 2]), tf.min(a, [0, 2]), tf.prod(a, [0, 2])]) },
  { name: 'cumsum exclusive reverse', shapes: [[3, 5]], fn: (a) => tf.cumsum(a, 1, true, true) },
  { name: 'clipByValue', shapes: [[4, 5]], fn: (a) => tf.clipByValue(a, -0.5, 0.7) },
  { name: 'where', shapes: [[4, 5], [4, 5]], fn: (a, b) => tf.where(tf.tensor2d([1, 0, 0, 1, 1], [1, 5], 'bool').tile([4, 1]), a, tf.mul(b, 3)) },
  { name: 'sin, cos, atan, erf, expm1, log1p', shapes: [[4, 5]], positive: true, fn: (a) => tf.addN([tf.sin(a), tf.cos(a), tf.atan(a), tf.erf(a), tf.expm1(a), tf.log1p(a)]) },
  {
    name: 'inverse and hyperbolic trig, atan2', shapes: [[4, 5]], positive: true,
    fn: (a) => {
      const h = tf.mul(a, 0.5);
      return tf.addN([tf.acos(h), tf.asin(h), tf.atanh(h), tf.cosh(a), tf.sinh(a), tf.tan(h), tf.acosh(tf.add(a, 1)), tf.asinh(a), tf.atan2(a, tf.add(a, 0.3))]);
    },
  },
  { name: 'abs, squaredDifference', shapes: [[4, 5], [4, 5]], fn: (a, b) => tf.add(tf.abs(a), tf.squaredDifference(a, b)) },
  { name: 'mirror of a broadcast (expandDims, squeeze)', shapes: [[3, 1, 4]], fn: (a) => tf.mul(tf.expandDims(tf.squeeze(a), 0), tf.ones([2, 3, 4])) },
];

/**
 * Values of kernels without gradients (comparisons, integer math, creation ops), exactly, and
 * against known values where tfjs's cpu kernel is wrong.
 */
const valueCases: { name: string; fn: () => tf.Tensor; expect?: number[] }[] = [
  { name: 'comparisons to bool', fn: () => tf.stack([tf.equal(tf.tensor1d([1, 2, 3]), 2), tf.less(tf.tensor1d([1, 2, 3]), 2), tf.greaterEqual(tf.tensor1d([1, 2, 3]), 2)]) },
  { name: 'more comparisons', fn: () => tf.stack([tf.notEqual(tf.tensor1d([1, 2, 3]), 2), tf.lessEqual(tf.tensor1d([1, 2, 3]), 2), tf.greater(tf.tensor1d([1, 2, 3]), 2), tf.isInf(tf.tensor1d([Infinity, 1, -Infinity]))]) },
  { name: 'all / any / logicalOr', fn: () => tf.concat([tf.all(tf.tensor2d([[1, 1], [0, 1]], [2, 2], 'bool'), 1), tf.any(tf.tensor2d([[0, 0], [0, 1]], [2, 2], 'bool'), 1), tf.logicalOr(tf.tensor1d([1, 0], 'bool'), tf.tensor1d([0, 0], 'bool'))]) },
  { name: 'zerosLike, onesLike, int fill', fn: () => tf.concat([tf.zerosLike(tf.tensor1d([3, 4], 'int32')), tf.onesLike(tf.tensor1d([3, 4], 'int32')), tf.fill([2], 7, 'int32')]) },
  { name: 'logical ops', fn: () => tf.logicalXor(tf.logicalAnd(tf.tensor1d([1, 1, 0, 0], 'bool'), tf.tensor1d([1, 0, 1, 0], 'bool')), tf.logicalNot(tf.tensor1d([1, 0, 1, 1], 'bool'))) },
  { name: 'int32 math', fn: () => tf.add(tf.floorDiv(tf.tensor1d([7, -7, 9, 4], 'int32'), tf.tensor1d([2, 2, -4, 3], 'int32')), tf.mod(tf.tensor1d([7, -7, 9, 4], 'int32'), tf.tensor1d([3, 3, -4, 5], 'int32'))) },
  { name: 'int32 sum and cast', fn: () => tf.sum(tf.cast(tf.tensor2d([[1.7, -2.2], [3.9, 4]]), 'int32'), 0) },
  { name: 'argMax/argMin', fn: () => tf.stack([tf.argMax(tf.tensor2d([[1, 5, 2], [7, 0, 3]]), 1), tf.argMin(tf.tensor2d([[1, 5, 2], [7, 0, 3]]), 1)]) },
  { name: 'range and fill', fn: () => tf.concat([tf.range(0, 10, 3), tf.range(5, 0, -2), tf.fill([2], 4.5)]) },
  { name: 'cumprod', fn: () => tf.add(tf.cumprod(tf.range(1, 13).reshape([3, 4]), 0), tf.cumprod(tf.range(1, 13).reshape([3, 4]), 1, true, true)) },
  { name: 'int range', fn: () => tf.range(2, 9, 2, 'int32') },
  { name: 'oneHot', fn: () => tf.oneHot(tf.tensor1d([0, 3, 1, -1, 7], 'int32'), 4, 2, -1) },
  { name: 'isNaN / isFinite', fn: () => tf.stack([tf.isNaN(tf.tensor1d([NaN, 1, Infinity])), tf.isFinite(tf.tensor1d([NaN, 1, Infinity]))]) },
  { name: 'step', fn: () => tf.step(tf.tensor1d([-2, 0, 3, NaN]), 0.5) },
  { name: 'round half to even, floor, ceil, sign', fn: () => tf.stack([tf.round(tf.tensor1d([0.5, 1.5, -2.5, 2.4])), tf.floor(tf.tensor1d([0.5, -1.5, 2, 3.9])), tf.ceil(tf.tensor1d([0.5, -1.5, 2, 3.1])), tf.sign(tf.tensor1d([-3, 0, 2, -0.1]))]) },
  { name: 'stridedSlice backwards', fn: () => tf.stridedSlice(tf.range(0, 90).reshape([5, 6, 3]), [4, 1, 0], [0, 6, 3], [-2, 2, 1]) },
  // x[1, 0:5:2]. tfjs 4.22's cpu kernel gives [1, 2, 3]: its strided path ignores a shrunk axis.
  { name: 'stridedSlice shrink', fn: () => tf.stridedSlice(tf.range(0, 20).reshape([4, 5]), [1, 0], [2, 5], [1, 2], 0, 0, 0, 0, 1), expect: [5, 7, 9] },
  { name: 'empty slice and concat', fn: () => tf.concat([tf.slice(tf.tensor2d([[1, 2], [3, 4]]), [0, 0], [0, 2]), tf.tensor2d([[5, 6]])]) },
  { name: 'transpose then reshape (a view)', fn: () => tf.reshape(tf.transpose(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), [2, 0, 1]), [4, 2]) },
];

async function outputsOn(backend: string, run: () => tf.Tensor[]): Promise<{ dtype: string; shape: number[]; values: number[] }[]> {
  await tf.setBackend(backend);
  const outs = run();
  const result = outs.map((t) => ({ dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync() as ArrayLike<number>) }));
  tf.dispose(outs);
  return result;
}

test('kernels outside the catalogue match cpu, forward and backward', { skip }, async () => {
  const failures: string[] = [];
  for (const [i, op] of extraCases.entries()) {
    const seed = base + 31 * i;
    const run = () => tf.tidy(() => {
      const { y, grads } = forwardAndGrads(op, drawInputs(op, seed), seed);
      return [y, ...grads];
    });
    let ref, got;
    try {
      ref = await outputsOn('cpu', run);
      got = await outputsOn('torch', run);
    } catch (e) {
      failures.push(`${op.name}: ${(e as Error).message}`);
      continue;
    }
    ref.forEach((r, j) => {
      const g = got[j];
      const error = g.shape.join() === r.shape.join()
        ? relativeError(Float32Array.from(g.values), Float32Array.from(r.values)) : Infinity;
      if (!(error <= TOLERANCE)) failures.push(`${op.name} output ${j}: error ${error}`);
    });
  }
  await tf.setBackend('torch');
  assert.deepEqual(failures, [], `seed ${base}`);
  assert.equal(tf.memory().numTensors, 0);
});

test('values, dtypes and shapes of non-differentiable kernels match cpu', { skip }, async () => {
  for (const c of valueCases) {
    const got = await outputsOn('torch', () => [tf.tidy(c.fn)]);
    if (c.expect) {
      assert.deepEqual(got[0].values, c.expect, c.name);
      continue;
    }
    const ref = await outputsOn('cpu', () => [tf.tidy(c.fn)]);
    assert.deepEqual(got, ref, c.name);
  }
  await tf.setBackend('torch');
  assert.equal(tf.memory().numTensors, 0);
});

test('a dilated convolution (forward only: tfjs has no gradient for it) matches cpu', { skip }, async () => {
  const run = () => [tf.tidy(() => tf.conv2d(tf.randomNormal([1, 9, 9, 2], 0, 1, 'float32', 1) as T4,
    tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 2) as T4, 1, 'same', 'NHWC', 2))];
  const [ref] = await outputsOn('cpu', run);
  const [got] = await outputsOn('torch', run);
  assert.deepEqual(got.shape, ref.shape);
  assert.ok(relativeError(Float32Array.from(got.values), Float32Array.from(ref.values)) <= TOLERANCE);
});

test('the native tensor count follows tfjs (views, variables, disposal)', { skip }, () => {
  const backend = tf.engine().backend as unknown as { nativeStats(): { tensors: number } };
  const start = backend.nativeStats().tensors;
  const init = tf.zeros([4, 4]);
  const v = tf.variable(init);
  init.dispose();
  const parts = tf.split(v, 2, 1);
  const next = tf.ones([4, 4]);
  v.assign(next);
  next.dispose();
  assert.equal(backend.nativeStats().tensors, start + 3, 'the new value + 2 split views of the old one');
  assert.deepEqual(Array.from(parts[1].dataSync()), new Array(8).fill(0), 'views keep the old value alive');
  assert.deepEqual(Array.from(v.dataSync()), new Array(16).fill(1));
  tf.dispose([v, ...parts]);
  assert.equal(backend.nativeStats().tensors, start);
  assert.equal(tf.memory().numTensors, 0);
});

test('--device cuda: runs on the GPU where libtorch has CUDA, else a clear error', { skip }, async () => {
  if (!cuda) {
    await assert.rejects(setupEngine({ backend: 'torch', device: 'cuda' }), /--device cuda: this libtorch .* without CUDA or sees no GPU/);
    await setupEngine({ backend: 'torch', threads: 2 });
    return;
  }
  const info = await setupEngine({ backend: 'torch', device: 'cuda' });
  assert.match(info.device, /^cuda/);
  const { failures } = await compareWithCpu('torch', base + 100);
  assert.deepEqual(failures, [], `cuda, seed ${base + 100}`);
  await setupEngine({ backend: 'torch', threads: 2 });
});
