/**
 * The convolution shapes of the GQN paper model that dominate a training step, shared by the
 * tfjs runner and (as JSON) the PyTorch runner so both time exactly the same work.
 */
export interface ConvShape {
  name: string;
  /** NHWC input. */
  n: number; h: number; w: number; ci: number;
  co: number; k: number; stride: number; pad: 'same' | 'valid';
  /** Run as a transposed convolution (the canvas upsampling): forward = input gradient of the conv. */
  transpose?: boolean;
}

export const CONV_SHAPES: ConvShape[] = [
  { name: 'generation core 5x5 394->512 @16x16', n: 8, h: 16, w: 16, ci: 394, co: 512, k: 5, stride: 1, pad: 'same' },
  { name: 'inference core 5x5 650->512 @16x16', n: 8, h: 16, w: 16, ci: 650, co: 512, k: 5, stride: 1, pad: 'same' },
  { name: 'prior/posterior 5x5 128->6 @16x16', n: 8, h: 16, w: 16, ci: 128, co: 6, k: 5, stride: 1, pad: 'same' },
  { name: 'downsample 4x4/4 128->128 @64x64', n: 8, h: 64, w: 64, ci: 128, co: 128, k: 4, stride: 4, pad: 'valid' },
  { name: 'canvas upsample 4x4/4 128->128 to 64x64', n: 8, h: 64, w: 64, ci: 128, co: 128, k: 4, stride: 4, pad: 'valid', transpose: true },
  { name: 'tower 2x2/2 3->256 @64x64', n: 8, h: 64, w: 64, ci: 3, co: 256, k: 2, stride: 2, pad: 'valid' },
  { name: 'tower 3x3 263->128 @16x16', n: 8, h: 16, w: 16, ci: 263, co: 128, k: 3, stride: 1, pad: 'same' },
];

/** Output side of the (forward) convolution. */
export function outSize(size: number, k: number, stride: number, pad: 'same' | 'valid'): number {
  return pad === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride);
}

/** Multiply-adds x 2 of one pass; the forward and both gradients cost the same. */
export function convFlops(s: ConvShape): number {
  const oh = outSize(s.h, s.k, s.stride, s.pad);
  const ow = outSize(s.w, s.k, s.stride, s.pad);
  return 2 * s.n * oh * ow * s.k * s.k * s.ci * s.co;
}
