/**
 * AvgPoolGrad for `wasm` (NHWC, float32): tfjs 4.22's kernel gathers into every input pixel from
 * every output that may cover it, 31 ms for a 16x16 pool of [8,16,16,256] (measured). Scattering
 * each output's gradient over its window, channels innermost, touches each value once.
 * Same formula as the cpu reference: every window's weight is 1 / (filter area).
 */
import { AvgPoolGrad, backend_util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';

import { heapF32, type BackendWasm } from './compose.js';

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
}

export function avgPoolGrad(args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs: { dy, input }, backend, attrs } = args;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const out = backend.makeOutput([...input.shape], 'float32');
  const dx = heapF32(backend, out);
  const g = heapF32(backend, dy);
  dx.fill(0);
  const scale = 1 / (kh * kw);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const y0 = y * sh - padInfo.top;
      for (let x = 0; x < ow; x++) {
        const x0 = x * sw - padInfo.left;
        const src = ((b * oh + y) * ow + x) * c;
        for (let wy = Math.max(0, y0); wy < Math.min(h, y0 + kh); wy++) {
          for (let wx = Math.max(0, x0); wx < Math.min(w, x0 + kw); wx++) {
            const dst = ((b * h + wy) * w + wx) * c;
            for (let ch = 0; ch < c; ch++) dx[dst + ch] += g[src + ch] * scale;
          }
        }
      }
    }
  }
  return out;
}

export const avgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: 'wasm',
  kernelFunc: avgPoolGrad as unknown as KernelConfig['kernelFunc'],
};
