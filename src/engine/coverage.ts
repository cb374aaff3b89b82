/**
 * Kernel coverage: runs forward and backward of every op in the catalogue on the current
 * backend and records which kernels ran and which are missing. A missing kernel is what makes
 * training throw (tfjs never borrows another backend's kernel), so this is what `gqn doctor`
 * checks before anyone starts a long run.
 */
import * as tf from '@tensorflow/tfjs-core';

import { allCases, drawInputs, forwardAndGrads } from './op-catalogue.js';

export interface OpCoverage {
  op: string;
  kernels: string[];
  ok: boolean;
  error?: string;
}

export interface CoverageReport {
  backend: string;
  ops: OpCoverage[];
  /** Every kernel the ops ran, sorted. */
  kernels: string[];
  /** Kernels some op needed but the backend does not have. */
  missing: string[];
  ok: boolean;
}

const MISSING = /Kernel '(\w+)' not registered for backend/;

export async function checkKernelCoverage(seed = 0): Promise<CoverageReport> {
  const backend = tf.getBackend();
  const ops: OpCoverage[] = [];
  const used = new Set<string>();
  const missing = new Set<string>();
  for (const op of allCases(seed)) {
    const inputs = drawInputs(op, seed);
    try {
      const info = await tf.profile(() => {
        const { y, grads } = forwardAndGrads(op, inputs, seed);
        return [y, ...grads];
      });
      tf.dispose(info.result as tf.Tensor[]);
      const kernels = [...new Set(info.kernels.map((k) => k.name))].sort();
      kernels.forEach((k) => used.add(k));
      ops.push({ op: op.name, kernels, ok: true });
    } catch (e) {
      const message = (e as Error).message;
      const m = MISSING.exec(message);
      if (m) missing.add(m[1]);
      ops.push({ op: op.name, kernels: [], ok: false, error: message });
    } finally {
      tf.dispose(inputs);
    }
  }
  return {
    backend,
    ops,
    kernels: [...used].sort(),
    missing: [...missing].sort(),
    ok: ops.every((o) => o.ok),
  };
}
