/**
 * Tile for `wasm` (float32/int32): tfjs 4.22's kernel walks the output element by element,
 * 55 ms to broadcast a [8,1,1,256] representation to 16x16 (measured). Tiling is data movement:
 * here every contiguous run of the input is copied as a block, straight in the wasm heap.
 */
import { Tile, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { heapView, type BackendWasm } from './compose.js';

let stock: KernelFunc | null = null;

export function setStockTile(kernelFunc: KernelFunc): void {
  stock = kernelFunc;
}

export function tile(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: { reps: number[] } }): TensorInfo {
  const { inputs: { x }, backend, attrs: { reps } } = args;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    if (stock == null) throw new Error('wasm Tile: stock kernel not captured');
    return stock(args as never) as TensorInfo;
  }
  const shape = x.shape;
  const outShape = shape.map((s, i) => s * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  const src = heapView(backend, x);
  const dst = heapView(backend, out);
  if (src.length === 0) return out;
  // Axes after the last tiled one are copied whole; the last tiled axis is a run of
  // shape[last] such blocks, contiguous in the input, repeated reps[last] times.
  let last = reps.length - 1;
  while (last > 0 && reps[last] === 1) last--;
  const inner = shape.slice(last + 1).reduce((a, b) => a * b, 1);
  const run = shape[last] * inner;
  const outerShape = outShape.slice(0, last);
  const outerCount = outerShape.reduce((a, b) => a * b, 1);
  const srcStrides = shape.slice(0, last).map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(last).fill(0);
  let o = 0;
  for (let i = 0; i < outerCount; i++) {
    let from = 0;
    for (let d = 0; d < last; d++) from += (index[d] % shape[d]) * srcStrides[d];
    const block = src.subarray(from, from + run);
    for (let r = 0; r < reps[last]; r++, o += run) dst.set(block, o);
    for (let d = last - 1; d >= 0; d--) {
      if (++index[d] < outerShape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as KernelConfig['kernelFunc'],
};
