/**
 * Image quality against the truth: PSNR over all pixels and channels of [0, 1] images, and
 * SSIM (Wang et al. 2004; 11x11 Gaussian window, k1 0.01, k2 0.03, on luminance) by ssim.js.
 */
import { ssim as ssimJs } from 'ssim.js';

/** PSNR in dB of two images in [0, 1] (Infinity when identical). */
export function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : -10 * Math.log10(mse);
}

function rgba(image: Float32Array, side: number): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(side * side * 4);
  for (let p = 0; p < side * side; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(image[p * 3 + c] * 255);
    data[p * 4 + 3] = 255;
  }
  return { data, width: side, height: side };
}

/** Mean SSIM of two square RGB images in [0, 1], HWC. */
export function ssim(a: Float32Array, b: Float32Array, side: number): number {
  return ssimJs(rgba(a, side), rgba(b, side), { ssim: 'original', downsample: false, windowSize: Math.min(11, side) }).mssim;
}
