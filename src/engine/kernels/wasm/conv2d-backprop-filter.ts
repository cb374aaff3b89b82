/**
 * Conv2DBackpropFilter for `wasm` (tfjs 4.22 registers none, so training throws).
 *
 * dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*s + kh - pad, ow*s + kw - pad, ci] * dy[n,oh,ow,co]
 *
 * That sum is itself a convolution, run on XNNPACK's fast Conv2D: the input is x transposed to
 * [ci, h, w, n] (channels become the batch, the batch becomes the channels), the filter is dy
 * transposed to [oh, ow, n, co], and the forward stride becomes the dilation. When the kernel
 * tiles the input exactly (kernel == stride, no padding: GQN's 2x2/2, 4x4/4 and 8x8/8 convs), the
 * patches are a plain rearrangement of x and dW is one matrix product.
 */
import { backend_util, Conv2DBackpropFilter, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { call, release, reshape, transpose, type BackendWasm } from './compose.js';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter: only NHWC is supported');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;

  const tiles = kh === sh && kw === sw && padInfo.top === 0 && padInfo.left === 0 && oh * kh <= h && ow * kw <= w;
  if (tiles) {
    // Crop rows/columns that no window reaches (valid padding), then rearrange into patches.
    const xc = oh * kh === h && ow * kw === w ? x
      : call(backend, 'Slice', { x }, { begin: [0, 0, 0, 0], size: [n, oh * kh, ow * kw, ci] });
    // Only transposes that keep the innermost axis in place or are 2-D are fast in wasm (a 6-D
    // one moving channels outward measured 50x slower), hence two steps to get patches^T.
    const x6 = reshape(backend, xc, [n, oh, kh, ow, kw, ci]);
    const patches6 = transpose(backend, x6, [0, 1, 3, 2, 4, 5]); // [n, oh, ow, kh, kw, ci]
    const patches = reshape(backend, patches6, [n * oh * ow, kh * kw * ci]);
    const patchesT = transpose(backend, patches, [1, 0]);
    const a = reshape(backend, patchesT, [1, kh * kw * ci, n * oh * ow]);
    const b = reshape(backend, dy, [1, n * oh * ow, co]);
    const dw = call(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    const out = reshape(backend, dw, attrs.filterShape);
    release(backend, ...(xc === x ? [] : [xc]), x6, patches6, patches, patchesT, a, b, dw);
    return out;
  }

  // Crop input rows/columns below/right of the last window so that the padding below is >= 0.
  const padBottom = kh + (oh - 1) * sh - h - padInfo.top;
  const padRight = kw + (ow - 1) * sw - w - padInfo.left;
  const hUsed = h + Math.min(0, padBottom);
  const wUsed = w + Math.min(0, padRight);
  const xc = hUsed === h && wUsed === w ? x
    : call(backend, 'Slice', { x }, { begin: [0, 0, 0, 0], size: [n, hUsed, wUsed, ci] });
  const xT = transpose(backend, xc, [3, 1, 2, 0]); // [ci, h, w, n]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [oh, ow, n, co]
  const pad: backend_util.ExplicitPadding = [
    [0, 0], [padInfo.top, Math.max(0, padBottom)], [padInfo.left, Math.max(0, padRight)], [0, 0],
  ];
  const conv = call(backend, 'Conv2D', { x: xT, filter: dyT }, {
    strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined,
  }); // [ci, kh, kw, co]
  const out = transpose(backend, conv, [1, 2, 0, 3]);
  release(backend, ...(xc === x ? [] : [xc]), xT, dyT, conv);
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
