/**
 * Reverse for `wasm` (float32): tfjs 4.22's kernel takes 133 ms to flip a 5x5x256x256 filter.
 * A flip is pure data movement, so it is done here in one pass over the wasm heap: the
 * innermost run that is not reversed is copied as a block.
 */
import { Reverse, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import { heapF32, type BackendWasm } from './compose.js';

let stock: KernelFunc | null = null;

/** Keeps the stock kernel for dtypes other than float32. */
export function setStockReverse(kernelFunc: KernelFunc): void {
  stock = kernelFunc;
}

export function reverse(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: { dims: number | number[] } }): TensorInfo {
  const { inputs: { x }, backend, attrs } = args;
  if (x.dtype !== 'float32') {
    if (stock == null) throw new Error('wasm Reverse: stock kernel not captured');
    return stock(args as never) as TensorInfo;
  }
  const shape = x.shape;
  const axes = util.parseAxisParam(attrs.dims, shape);
  const flip = shape.map((_, i) => axes.includes(i));
  // Axes after the last reversed one form a contiguous block copied as is.
  const lastFlipped = flip.lastIndexOf(true);
  const block = shape.slice(lastFlipped + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, lastFlipped + 1);
  const out = backend.makeOutput([...shape], 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  if (lastFlipped < 0) {
    dst.set(src);
    return out;
  }
  const strides = outer.map((_, i) => outer.slice(i + 1).reduce((a, b) => a * b, 1) * block);
  const count = outer.reduce((a, b) => a * b, 1);
  const index = new Array<number>(outer.length).fill(0);
  for (let i = 0; i < count; i++) {
    let from = 0;
    for (let d = 0; d < outer.length; d++) from += (flip[d] ? outer[d] - 1 - index[d] : index[d]) * strides[d];
    dst.set(src.subarray(from, from + block), i * block);
    for (let d = outer.length - 1; d >= 0; d--) {
      if (++index[d] < outer[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

export const reverseConfig: KernelConfig = {
  kernelName: Reverse,
  backendName: 'wasm',
  kernelFunc: reverse as unknown as KernelConfig['kernelFunc'],
};
