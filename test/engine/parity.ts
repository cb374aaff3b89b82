/**
 * Backend parity, shared by the kernel tests of every backend: runs each catalogue op forward
 * and backward on a backend and on the `cpu` reference with the same inputs and compares.
 *
 * Error measure: max |a - b| / max |b| per output tensor (infinity-norm relative error), so
 * elements near zero are judged against the tensor's scale, not against themselves.
 */
import * as tf from '@tensorflow/tfjs-core';

import { allCases, drawInputs, forwardAndGrads, type OpCase } from '../../src/engine/op-catalogue.js';

export const TOLERANCE = 1e-4;

export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (Number.isNaN(diff)) return NaN;
  return scale === 0 ? diff : diff / scale;
}

async function outputsOn(backend: string, op: OpCase, seed: number): Promise<{ shapes: number[][]; values: Float32Array[] }> {
  await tf.setBackend(backend);
  const inputs = drawInputs(op, seed);
  const { y, grads } = forwardAndGrads(op, inputs, seed);
  const outs = [y, ...grads];
  const result = { shapes: outs.map((t) => t.shape), values: outs.map((t) => t.dataSync() as Float32Array) };
  tf.dispose([...outs, ...inputs]);
  return result;
}

export interface ParityFailure { op: string; output: string; error: number }

/** Compares every op of the catalogue drawn with `seed`; returns the outputs that disagree. */
export async function compareWithCpu(backend: string, seed: number): Promise<{ checked: number; failures: ParityFailure[] }> {
  const failures: ParityFailure[] = [];
  const cases = allCases(seed);
  for (const [i, op] of cases.entries()) {
    const s = seed + 7919 * i;
    const ref = await outputsOn('cpu', op, s);
    const got = await outputsOn(backend, op, s);
    ref.values.forEach((r, j) => {
      const output = j === 0 ? 'forward' : `gradient of input ${j - 1}`;
      const sameShape = ref.shapes[j].join() === got.shapes[j].join();
      const error = sameShape ? relativeError(got.values[j], r) : Infinity;
      if (!(error <= TOLERANCE)) failures.push({ op: op.name, output, error });
    });
  }
  await tf.setBackend(backend);
  return { checked: cases.length, failures };
}
