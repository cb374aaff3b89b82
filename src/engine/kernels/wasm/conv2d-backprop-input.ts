/**
 * Conv2DBackpropInput for `wasm`: every input gradient of a convolution and the forward pass of
 * conv2dTranspose. tfjs 4.22's wasm kernel is a scalar loop (1-2 GFLOP/s against ~30 for Conv2D).
 *
 * dx[n,i,j,ci] = sum over oh,ow,kh,kw with oh*s + kh - pad = i (and the same for columns) of
 * dy[n,oh,ow,co] * W[kh,kw,ci,co]
 *
 * is a stride-1 convolution of dy, spread out with s-1 zeros between its rows and columns, with
 * the filter flipped in space and its channel axes swapped. Kernel == stride (the 4x4/4 canvas
 * upsampling) needs no convolution at all: each output patch is one row of dy times W^T.
 */
import { backend_util, Conv2DBackpropInput, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { call, heapF32, release, reshape, transpose, type BackendWasm } from './compose.js';

interface Attrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** W[kh,kw,ci,co] -> W'[KH-1-kh, KW-1-kw, co, ci], written straight into the wasm heap. */
function flipAndSwap(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = heapF32(backend, filter);
  const dst = heapF32(backend, out);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const s0 = (y * kw + x) * ci * co;
      const d0 = ((kh - 1 - y) * kw + (kw - 1 - x)) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s0 + i * co + o];
      }
    }
  }
  return out;
}

export function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropInput: only NHWC is supported');
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;

  if (kh === sh && kw === sw && padInfo.top === 0 && padInfo.left === 0 && oh * kh <= h && ow * kw <= w) {
    const wT = transpose(backend, filter, [3, 0, 1, 2]); // [co, kh, kw, ci]
    const b = reshape(backend, wT, [1, co, kh * kw * ci]);
    const a = reshape(backend, dy, [1, n * oh * ow, co]);
    const patches = call(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    const p6 = reshape(backend, patches, [n, oh, ow, kh, kw, ci]);
    const tiled = transpose(backend, p6, [0, 1, 3, 2, 4, 5]); // [n, oh, kh, ow, kw, ci]
    const dx = reshape(backend, tiled, [n, oh * kh, ow * kw, ci]);
    release(backend, wT, b, a, patches, p6, tiled);
    if (oh * kh === h && ow * kw === w) return dx;
    // Rows/columns that no window reached get zero gradient.
    const padded = call(backend, 'PadV2', { x: dx }, {
      paddings: [[0, 0], [0, h - oh * kh], [0, w - ow * kw], [0, 0]], constantValue: 0,
    });
    release(backend, dx);
    return padded;
  }

  // Spread dy: [n, oh, ow, co] -> [n, oh*sh, ow*sw, co] with dy at multiples of the stride.
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const d6 = reshape(backend, dy, [n, oh, 1, ow, 1, co]);
    const p6 = call(backend, 'PadV2', { x: d6 }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
    });
    spread = reshape(backend, p6, [n, oh * sh, ow * sw, co]);
    release(backend, d6, p6);
  }
  const hs = oh * sh;
  const ws = ow * sw;
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  if (top < 0 || left < 0) throw new Error(`wasm Conv2DBackpropInput: padding larger than the filter is not supported`);
  // Output must be h x w: h = hs + top + bottom - kh + 1. Crop spread rows no output reads.
  const bottom = h + kh - 1 - hs - top;
  const right = w + kw - 1 - ws - left;
  const cropped = bottom >= 0 && right >= 0 ? spread
    : call(backend, 'Slice', { x: spread }, {
      begin: [0, 0, 0, 0], size: [n, hs + Math.min(0, bottom), ws + Math.min(0, right), co],
    });
  const wf = flipAndSwap(backend, filter);
  const dx = call(backend, 'Conv2D', { x: cropped, filter: wf }, {
    strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined,
    pad: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]],
  });
  release(backend, wf, ...(cropped === spread ? [] : [cropped]), ...(spread === dy ? [] : [spread]));
  return dx;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelConfig['kernelFunc'],
};
