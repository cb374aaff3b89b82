/**
 * How much memory a GQN of a given config needs, from the config alone (nothing is allocated):
 * the parameter count (exact for the tower and pool representations, which the tests check
 * against a built model; the pyramid's own convolutions are counted as the tower's) and the
 * float32 activations one scene keeps alive in a forward pass. Used to refuse sizes that
 * cannot fit (the wasm heap, engine/heap.ts) before any tensor is made.
 */
import type { GqnConfig } from './config.js';

const conv = (inC: number, outC: number, k: number) => k * k * inC * outC + outC;

export function gqnParameterCount(c: GqnConfig): number {
  const r = c.rChannels;
  const k = c.towerHidden;
  const vr = r + c.viewpointSize;
  const h = c.hChannels;
  const representation = conv(c.imageChannels, r, 2) + conv(r, r, 2) + conv(r, k, 3) + conv(k, r, 2) + conv(vr, r, 3) + conv(vr, k, 3) + conv(k, r, 3) + conv(r, r, 1);
  const cores = (c.shareCores ? 1 : c.steps) * (conv(vr + c.zChannels + h, 4 * h, c.coreKernel) + conv(c.imageChannels + vr + h + c.uChannels + h, 4 * h, c.coreKernel));
  const heads = 2 * conv(h, 2 * c.zChannels, c.coreKernel);
  const canvas = c.scale * c.scale * h * c.uChannels + c.uChannels;
  const down = conv(c.imageChannels, c.imageChannels, c.scale) + conv(c.uChannels, c.uChannels, c.scale) + conv(c.uChannels, c.imageChannels, 1);
  return representation + cores + heads + canvas + down;
}

/**
 * Float32 values one scene keeps alive through a forward pass with `contextViews` views: per
 * generation step both cores' gates and states, the latent heads and the canvas at full size;
 * per context view the representation's feature maps; plus the im2col buffer of one core
 * convolution. A rough lower bound (scratch buffers of other kernels are not counted).
 */
export function gqnActivationsPerScene(c: GqnConfig, contextViews: number): number {
  const s = c.imageSize;
  const g = s / c.scale;
  const step = g * g * (20 * c.hChannels + 5 * c.zChannels + c.uChannels) + 2 * c.uChannels * s * s;
  const view = (s / 2) ** 2 * 2 * c.rChannels + (s / 4) ** 2 * (5 * c.rChannels + 2 * c.towerHidden + c.viewpointSize);
  const im2col = g * g * c.coreKernel ** 2 * (c.imageChannels + c.viewpointSize + c.rChannels + 2 * c.hChannels + c.uChannels);
  return c.steps * step + contextViews * view + 3 * c.imageChannels * s * s + im2col;
}

/** Bytes for evaluating (no gradients) `batch` scenes with `passes` forward passes kept at once. */
export function gqnEvalBytes(c: GqnConfig, batch: number, contextViews: number, passes = 1): number {
  return 4 * (gqnParameterCount(c) + batch * passes * gqnActivationsPerScene(c, contextViews));
}

/** Bytes for a training step: weights, gradients and Adam's two moments, activations and their gradients. */
export function gqnTrainBytes(c: GqnConfig, batch: number, contextViews: number): number {
  return 4 * (4 * gqnParameterCount(c) + 2 * batch * gqnActivationsPerScene(c, contextViews));
}
