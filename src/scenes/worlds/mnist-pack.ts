/** 4-bit packing of 28x28 greyscale images (two pixels per byte, high nibble first) and base64. */
const PIXELS = 28 * 28;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without atob/Buffer, so the same code runs in browsers, workers and Node. */
export function decodeBase64(s: string): Uint8Array {
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) lut[B64.charCodeAt(i)] = i;
  const clean = s.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = ((acc << 6) | lut[clean.charCodeAt(i)]) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** 4-bit packing used by the embedded pool (two pixels per byte, high nibble first). */
export function packImages(images: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array((images.length * PIXELS) / 2);
  let o = 0;
  for (const img of images) {
    for (let k = 0; k < PIXELS; k += 2) {
      out[o++] = (Math.round(img[k] / 17) << 4) | Math.round(img[k + 1] / 17);
    }
  }
  return out;
}

/** Image `i` of a packed buffer, back to 0..255 values. */
export function unpackImage(packed: Uint8Array, i: number): number[] {
  const perImage = PIXELS / 2;
  const off = i * perImage;
  const img = new Array<number>(PIXELS);
  for (let k = 0; k < perImage; k++) {
    const byte = packed[off + k];
    img[2 * k] = (byte >> 4) * 17;
    img[2 * k + 1] = (byte & 15) * 17;
  }
  return img;
}
