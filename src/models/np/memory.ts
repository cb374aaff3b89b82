/** Sizes of a Neural Process from its configuration alone: parameters and the bytes of a training step. */
import type { NpConfig } from './config.js';

const linear = (i: number, o: number) => i * o + o;
const mlp = (i: number, widths: number[]) => widths.reduce((n, w, k) => n + linear(k === 0 ? i : widths[k - 1], w), 0);
/** Query, key, value and output projections. */
const attention = (d: number) => 4 * linear(d, d);
/** Attention plus LayerNorm's weight and bias. */
const selfAttentionBlock = (d: number) => attention(d) + 2 * d;

export function npParameterCount(c: NpConfig): number {
  const h = c.hidden;
  const encoder = mlp(c.xSize + c.ySize, Array(c.encoderLayers).fill(h)) + c.selfAttention * selfAttentionBlock(h);
  let n = 0;
  if (c.deterministicPath !== 'none') n += encoder;
  if (c.deterministicPath === 'attention') n += mlp(c.xSize, [h, h]) + attention(h);
  if (c.latentSize > 0) n += encoder + linear(h, h) + 2 * linear(h, c.latentSize);
  const decoderIn = (c.deterministicPath === 'none' ? 0 : h) + c.latentSize + c.xSize;
  n += mlp(decoderIn, [...Array(c.decoderLayers).fill(h), 2 * c.ySize]);
  return n;
}

/**
 * The points per function a step is sized for: the GP task's most (49 contexts and 49 extra
 * targets, rounded up), and for 2-d inputs the mnist task's (199 contexts and 199 extra targets,
 * rounded up). A task with more points per function needs proportionally more.
 */
export const SIZED_POINTS = 100;
export const SIZED_IMAGE_POINTS = 400;

/**
 * Bytes of a training step of `batch` functions, an upper estimate: every hidden activation of
 * both encoders (prior and posterior passes), the attention maps and the decoder, three times
 * (forward value, its gradient, what the backward pass keeps), plus weights, gradients and
 * Adam's two moments.
 */
export function npTrainBytes(c: NpConfig, batch: number): number {
  const n = c.xSize === 2 ? SIZED_IMAGE_POINTS : SIZED_POINTS;
  const h = c.hidden;
  const layers = 3 * c.encoderLayers + c.decoderLayers + 8 * c.selfAttention + (c.deterministicPath === 'attention' ? 6 : 1);
  const activations = batch * n * h * layers;
  const maps = batch * c.heads * n * n * (3 * c.selfAttention + (c.deterministicPath === 'attention' ? 1 : 0));
  return 4 * (3 * (activations + maps) + 4 * npParameterCount(c));
}
