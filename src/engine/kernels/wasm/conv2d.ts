/**
 * Conv2D for `wasm` with SAME padding passed as explicit pads.
 *
 * tfjs 4.22's wasm Conv2D hands XNNPACK a "TensorFlow SAME" flag, and for a stride larger than
 * the kernel (e.g. 2x2 stride 4) XNNPACK's padding then differs from tfjs's and the output is
 * wrong (measured against the cpu backend). The pads tfjs computes are exact; pass them instead.
 */
import { backend_util, Conv2D, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

import type { BackendWasm } from './compose.js';

let stock: KernelFunc | null = null;

export function setStockConv2D(kernelFunc: KernelFunc): void {
  stock = kernelFunc;
}

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function conv2d(args: { inputs: { x: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  if (stock == null) throw new Error('wasm Conv2D: stock kernel not captured');
  const { inputs: { x, filter }, attrs } = args;
  if (attrs.pad !== 'same') return stock(args as never) as TensorInfo;
  const { padInfo } = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const pad: backend_util.ExplicitPadding = [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]];
  return stock({ ...args, attrs: { ...attrs, pad } } as never) as TensorInfo;
}

export const conv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'wasm',
  kernelFunc: conv2d as unknown as KernelConfig['kernelFunc'],
};
