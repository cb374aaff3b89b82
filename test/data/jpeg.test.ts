/** Our baseline JPEG encoder: decodable, close to the input, deterministic, any size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decodeJpeg, encodeJpeg } from '../../src/data/jpeg.js';

function pattern(w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      rgb[p] = Math.round((x * 255) / Math.max(1, w - 1));
      rgb[p + 1] = Math.round((y * 255) / Math.max(1, h - 1));
      rgb[p + 2] = (x >> 2) % 2 ? 220 : 40;
    }
  }
  return rgb;
}

test('decodes to the input within JPEG error, for sizes that are and are not multiples of 8', () => {
  for (const [w, h] of [[16, 16], [64, 64], [13, 7], [1, 1], [84, 84]]) {
    const rgb = pattern(w, h);
    const img = decodeJpeg(encodeJpeg(rgb, w, h, 95));
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    let sum = 0;
    for (let i = 0; i < rgb.length; i++) sum += Math.abs(img.data[i] - rgb[i]);
    assert.ok(sum / rgb.length < 4, `${w}x${h}: mean abs error ${sum / rgb.length}`);
  }
});

test('a flat colour comes back almost exactly; lower quality gives fewer bytes', () => {
  const flat = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < flat.length; i += 3) flat.set([200, 30, 90], i);
  const img = decodeJpeg(encodeJpeg(flat, 32, 32, 90));
  for (let i = 0; i < img.data.length; i++) assert.ok(Math.abs(img.data[i] - flat[i]) <= 2);
  const rgb = pattern(64, 64);
  assert.ok(encodeJpeg(rgb, 64, 64, 30).length < encodeJpeg(rgb, 64, 64, 95).length);
});

test('extreme coefficients (a 1-pixel checkerboard at quality 100) still encode validly', () => {
  const w = 16;
  const rgb = new Uint8Array(w * w * 3);
  for (let i = 0; i < w * w; i++) rgb.fill((i % w) % 2 === Math.floor(i / w) % 2 ? 0 : 255, i * 3, i * 3 + 3);
  const img = decodeJpeg(encodeJpeg(rgb, w, w, 100));
  for (let i = 0; i < rgb.length; i++) assert.ok(Math.abs(img.data[i] - rgb[i]) <= 2);
});

test('deterministic: same pixels and quality give the same bytes', () => {
  const rgb = pattern(40, 24);
  assert.deepEqual(encodeJpeg(rgb, 40, 24, 80), encodeJpeg(rgb.slice(), 40, 24, 80));
});

test('starts with SOI and JFIF APP0, ends with EOI', () => {
  const b = encodeJpeg(pattern(8, 8), 8, 8, 75);
  assert.deepEqual([...b.subarray(0, 4)], [0xff, 0xd8, 0xff, 0xe0]);
  assert.deepEqual([...b.subarray(-2)], [0xff, 0xd9]);
});

test('rejects a buffer of the wrong size', () => {
  assert.throws(() => encodeJpeg(new Uint8Array(10), 2, 2, 90), /10 bytes for 2x2/);
});
