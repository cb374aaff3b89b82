/**
 * Image quality against the truth: PSNR over all pixels and channels of [0, 1] images, and
 * SSIM (Wang et al. 2004; 11x11 Gaussian window, k1 0.01, k2 0.03, on luminance) by ssim.js.
 */
import { ssim as ssimJs } from 'ssim.js';

/**
 * The smallest mean squared error PSNR counts: the rounding noise of 8-bit images, (1/255)^2/12,
 * so PSNR tops out at 58.9 dB. The truth is an 8-bit JPEG, so matching it more closely means
 * nothing; without the floor one identical pair (a nearest context view that happens to render
 * the same pixels as the query, as a bare wall can) makes a mean over scenes infinite.
 */
export const MSE_FLOOR = 1 / (255 * 255 * 12);

/** PSNR in dB of two images in [0, 1], at most -10 log10(MSE_FLOOR) = 58.9 dB. */
export function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return -10 * Math.log10(Math.max(se / a.length, MSE_FLOOR));
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
