/**
 * JPEG in and out. Encoding uses our baseline encoder (jpeg-encoder.ts: deterministic, fast);
 * decoding uses jpeg-js (pure JS, handles the baseline and progressive files found in the wild,
 * including DeepMind's).
 */
import jpeg from 'jpeg-js';

import { encodeBaselineJpeg } from './jpeg-encoder.js';

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, row-major, width * height * 3 bytes. */
  data: Uint8Array;
}

/** Encodes RGB pixels; the same pixels and quality always give the same bytes. */
export function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  return encodeBaselineJpeg(rgb, width, height, quality);
}

/** Decodes to RGB; strict (a truncated or damaged JPEG throws instead of decoding as grey). */
export function decodeJpeg(bytes: Uint8Array): RgbImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 256 });
  if (img.data.length !== img.width * img.height * 3) throw new Error(`JPEG decoded to ${img.data.length} bytes for ${img.width}x${img.height}; expected RGB`);
  return { width: img.width, height: img.height, data: img.data };
}
