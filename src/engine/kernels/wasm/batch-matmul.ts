/**
 * BatchMatMul for `wasm` that always reaches XNNPACK's fast path.
 *
 * The stock kernel is fast only for un-transposed operands with a batch of one; anything else
 * (every matmul gradient has a transposed operand) runs a scalar loop. Here transposes are made
 * explicit with the fast Transpose kernel, a batch against a shared matrix is folded into rows,
 * and a true batch of large matrices is run one matrix at a time. A true batch of small matrices
 * (multi-head attention: 512 products of 50x16 by 16x50) stays in the stock kernel's loop: there
 * the per-call cost of one XNNPACK product per matrix dominates (1.9 s against 64 ms for that
 * case; at 64x64x64 the two are even, at 100x128x100 one per matrix is 25% faster).
 */
import { BatchMatMul, broadcast_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { call, release, reshape, transpose, type BackendWasm } from './compose.js';

interface Attrs { transposeA: boolean; transposeB: boolean }

let stock: KernelFunc | null = null;

/** Multiply-adds per matrix below which a true batch runs in the stock kernel's own loop (measured, see above). */
export const SMALL_PRODUCT_MACS = 2 ** 19;

/** Keeps the stock kernel: it is the fast path for the un-transposed, batch-1 product. */
export function setStockBatchMatMul(kernelFunc: KernelFunc): void {
  stock = kernelFunc;
}

function product(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  if (stock == null) throw new Error('wasm BatchMatMul: stock kernel not captured');
  return stock({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
}

/** Swaps the last two axes of a rank-3 tensor. */
function swapLast(backend: BackendWasm, t: TensorInfo): TensorInfo {
  return transpose(backend, t, [0, 2, 1]);
}

export function batchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs: { a, b }, backend, attrs: { transposeA, transposeB } } = args;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('wasm BatchMatMul: float32 only');
  const ra = a.shape.length;
  const rb = b.shape.length;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
    throw new Error(`wasm BatchMatMul: batch shapes ${outerA} and ${outerB} do not broadcast`);
  }
  const a3 = reshape(backend, a, [batchA, a.shape[ra - 2], a.shape[ra - 1]]);
  const b3 = reshape(backend, b, [batchB, b.shape[rb - 2], b.shape[rb - 1]]);
  const aa = transposeA ? swapLast(backend, a3) : a3;
  const bb = transposeB ? swapLast(backend, b3) : b3;
  const [, m, k] = aa.shape;
  const [, k2, nCols] = bb.shape;
  if (k !== k2) throw new Error(`wasm BatchMatMul: inner sizes ${k} and ${k2} differ (shapes ${a.shape}, ${b.shape})`);
  const outShape = [...broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, nCols];

  let out: TensorInfo;
  if (batchB === 1) {
    // One product: the batch of A becomes extra rows against the shared B.
    const a2 = reshape(backend, aa, [1, batchA * m, k]);
    const p = product(backend, a2, bb);
    out = reshape(backend, p, outShape);
    release(backend, a2, p);
  } else if (batchA === batchB && m * k * nCols < SMALL_PRODUCT_MACS) {
    const p = product(backend, aa, bb);
    out = reshape(backend, p, outShape);
    release(backend, p);
  } else {
    const parts: TensorInfo[] = [];
    for (let i = 0; i < batchB; i++) {
      const ai = batchA === 1 ? aa : call(backend, 'Slice', { x: aa }, { begin: [i, 0, 0], size: [1, m, k] });
      const bi = call(backend, 'Slice', { x: bb }, { begin: [i, 0, 0], size: [1, k, nCols] });
      parts.push(product(backend, ai, bi));
      release(backend, ...(ai === aa ? [] : [ai]), bi);
    }
    const cat = parts.length === 1 ? parts[0] : call(backend, 'Concat', parts as unknown as Record<string, TensorInfo>, { axis: 0 });
    out = reshape(backend, cat, outShape);
    release(backend, ...(parts.length === 1 ? [] : parts), cat);
  }
  release(backend, a3, b3, ...(aa === a3 ? [] : [aa]), ...(bb === b3 ? [] : [bb]));
  return out;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as KernelConfig['kernelFunc'],
};
