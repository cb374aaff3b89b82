/**
 * Every tensor op the project's models use, as small forward functions with input shapes.
 * One list serves the kernel-coverage check (`gqn doctor`), the backend gradient tests and the
 * engine benchmark, so that adding an op to a model means adding it here once.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Rng } from '../random/rng.js';

export interface OpCase {
  name: string;
  /** Shapes of the inputs; every input gets a gradient. */
  shapes: number[][];
  /** Inputs must be positive (log). */
  positive?: boolean;
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
}

type Pad = 'same' | 'valid';
type T4 = tf.Tensor4D;

function conv2dCase(n: number, h: number, w: number, ci: number, co: number, k: number, s: number, pad: Pad): OpCase {
  return {
    name: `conv2d ${k}x${k}/${s} ${pad} ${n}x${h}x${w}x${ci}->${co}`,
    shapes: [[n, h, w, ci], [k, k, ci, co]],
    fn: (x, f) => tf.conv2d(x as T4, f as T4, s, pad),
  };
}

function conv2dTransposeCase(n: number, h: number, w: number, ci: number, co: number, k: number, s: number, pad: Pad): OpCase {
  // Shapes that make conv2dTranspose the exact adjoint of conv2d(out -> in).
  const oh = pad === 'same' ? h * s : (h - 1) * s + k;
  const ow = pad === 'same' ? w * s : (w - 1) * s + k;
  return {
    name: `conv2dTranspose ${k}x${k}/${s} ${pad} ${n}x${h}x${w}x${ci}->${co}`,
    shapes: [[n, h, w, ci], [k, k, co, ci]],
    fn: (x, f) => tf.conv2dTranspose(x as T4, f as T4, [n, oh, ow, co], s, pad),
  };
}

/** A deterministic integer source for shapes (inputs are drawn separately). */
export type IntRng = (lo: number, hi: number) => number;

export function intRng(seed: number): IntRng {
  const rng = new Rng(seed);
  return (lo, hi) => rng.int(lo, hi);
}

/** Convolutions: strides 1/2/4/8, kernels 1..8, same and valid, odd sizes included. */
export function convCases(rand: IntRng): OpCase[] {
  const cases: OpCase[] = [];
  for (const s of [1, 2, 4, 8]) {
    for (let k = 1; k <= 8; k++) {
      for (const pad of ['same', 'valid'] as const) {
        const h = Math.max(k, s) + rand(0, 2 * s + 3);
        const w = Math.max(k, s) + rand(0, 2 * s + 3);
        cases.push(conv2dCase(rand(1, 3), h, w, rand(1, 5), rand(1, 6), k, s, pad));
      }
    }
  }
  // GQN's own kinds: the kernel == stride downsamplers, tiling exactly.
  for (const k of [2, 4, 8]) cases.push(conv2dCase(2, 2 * k, 3 * k, 3, 5, k, k, 'valid'));
  for (const [k, s] of [[1, 1], [2, 2], [3, 1], [4, 4], [5, 1], [4, 2], [3, 2]]) {
    for (const pad of ['same', 'valid'] as const) {
      cases.push(conv2dTransposeCase(rand(1, 3), rand(2, 7), rand(2, 7), rand(1, 5), rand(1, 5), k, s, pad));
    }
  }
  return cases;
}

/** Everything but convolutions. */
export function otherCases(rand: IntRng): OpCase[] {
  const m = rand(2, 9);
  const k = rand(2, 9);
  const n = rand(2, 9);
  const b = rand(2, 4);
  const img = [rand(1, 3), rand(3, 9), rand(3, 9), rand(2, 6)];
  const [bn, bh, bw, bc] = img;
  return [
    { name: `matMul ${m}x${k} @ ${k}x${n}`, shapes: [[m, k], [k, n]], fn: (a, c) => tf.matMul(a, c) },
    { name: `matMul A^T`, shapes: [[k, m], [k, n]], fn: (a, c) => tf.matMul(a, c, true, false) },
    { name: `matMul B^T`, shapes: [[m, k], [n, k]], fn: (a, c) => tf.matMul(a, c, false, true) },
    { name: `matMul batch ${b}`, shapes: [[b, m, k], [b, k, n]], fn: (a, c) => tf.matMul(a, c) },
    // Large enough (737,280 multiply-adds a matrix) that wasm runs one product per matrix; the
    // small batch above stays in its stock loop (kernels/wasm/batch-matmul.ts).
    { name: `matMul batch of large matrices`, shapes: [[2, 96, 80], [2, 80, 96]], fn: (a, c) => tf.matMul(a, c) },
    // No batch-against-shared-matrix case: tfjs 4.22's BatchMatMul gradient returns the wrong
    // shape for it on every backend; models fold such a batch into rows with a reshape.
    { name: `matMul folded batch`, shapes: [[b, m, k], [k, n]], fn: (a, c) => tf.reshape(tf.matMul(tf.reshape(a, [b * m, k]), c), [b, m, n]) },
    { name: `concat channels`, shapes: [img, [bn, bh, bw, rand(1, 4)]], fn: (a, c) => tf.concat([a, c], 3) },
    { name: `slice`, shapes: [img], fn: (a) => tf.slice(a, [0, 1, 1, 0], [bn, bh - 2, bw - 1, bc]) },
    { name: `split channels`, shapes: [[bn, bh, bw, 2 * bc]], fn: (a) => tf.split(a, 2, 3)[1] },
    { name: `tile viewpoint to image`, shapes: [[bn, 1, 1, 7]], fn: (a) => tf.tile(a, [1, bh, bw, 1]) },
    { name: `broadcastTo`, shapes: [[bn, 1, 1, bc]], fn: (a) => tf.broadcastTo(a, [bn, bh, bw, bc]) },
    { name: `add (broadcast)`, shapes: [img, [bc]], fn: (a, c) => tf.add(a, c) },
    { name: `sub`, shapes: [img, img], fn: (a, c) => tf.sub(a, c) },
    { name: `mul (broadcast)`, shapes: [img, [bn, 1, 1, bc]], fn: (a, c) => tf.mul(a, c) },
    { name: `div`, shapes: [img, img], positive: true, fn: (a, c) => tf.div(a, c) },
    { name: `square`, shapes: [img], fn: (a) => tf.square(a) },
    { name: `neg`, shapes: [img], fn: (a) => tf.neg(a) },
    { name: `sigmoid`, shapes: [img], fn: (a) => tf.sigmoid(a) },
    { name: `tanh`, shapes: [img], fn: (a) => tf.tanh(a) },
    { name: `relu`, shapes: [img], fn: (a) => tf.relu(a) },
    { name: `exp`, shapes: [img], fn: (a) => tf.exp(a) },
    { name: `log`, shapes: [img], positive: true, fn: (a) => tf.log(a) },
    { name: `softplus`, shapes: [img], fn: (a) => tf.softplus(a) },
    { name: `sum over image`, shapes: [img], fn: (a) => tf.sum(a, [1, 2, 3]) },
    { name: `sum all`, shapes: [img], fn: (a) => tf.sum(a) },
    { name: `mean over batch`, shapes: [img], fn: (a) => tf.mean(a, 0) },
    { name: `mean all`, shapes: [img], fn: (a) => tf.mean(a) },
    { name: `avgPool ${bh}x${bw} to 1x1`, shapes: [img], fn: (a) => tf.avgPool(a as T4, [bh, bw], 1, 'valid') },
    { name: `avgPool 2x2/2 same`, shapes: [img], fn: (a) => tf.avgPool(a as T4, 2, 2, 'same') },
    { name: `reshape + transpose`, shapes: [img], fn: (a) => tf.transpose(tf.reshape(a, [bn, bh * bw, bc]), [0, 2, 1]) },
    { name: `pad`, shapes: [img], fn: (a) => tf.pad(a, [[0, 0], [1, 2], [0, 1], [0, 0]]) },
    { name: `reverse (filter flip)`, shapes: [[3, 4, bc, 5]], fn: (a) => tf.reverse(a, [0, 1]) },
  ];
}

export function allCases(seed: number): OpCase[] {
  const rand = intRng(seed);
  return [...convCases(rand), ...otherCases(rand)];
}

/** Draws the inputs of a case (float32, normal; uniform in [0.5, 1.5] for positive inputs). */
export function drawInputs(op: OpCase, seed: number): tf.Tensor[] {
  return op.shapes.map((shape, i) =>
    op.positive ? tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + i) : tf.randomNormal(shape, 0, 1, 'float32', seed + i));
}

/**
 * Forward value and the gradients of sum(f(x) * r) for a fixed random r, so that every element
 * of the output contributes a distinct weight to the gradients.
 */
export function forwardAndGrads(op: OpCase, inputs: tf.Tensor[], seed: number): { y: tf.Tensor; grads: tf.Tensor[] } {
  return tf.tidy(() => {
    const y = op.fn(...inputs);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 1000);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op.fn(...xs), r)))(inputs);
    return { y, grads };
  });
}
