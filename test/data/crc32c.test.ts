/** CRC-32C against published vectors, and TensorFlow's masking. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from '../../src/data/crc32c.js';

test('RFC 3720 B.4 and "123456789" check values', () => {
  const bytes = (f: (i: number) => number) => Uint8Array.from({ length: 32 }, (_, i) => f(i));
  assert.equal(crc32c(bytes(() => 0)), 0x8a9136aa);
  assert.equal(crc32c(bytes(() => 0xff)), 0x62a8ab43);
  assert.equal(crc32c(bytes((i) => i)), 0x46dd794e);
  assert.equal(crc32c(bytes((i) => 31 - i)), 0x113fdb5c);
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('slicing-by-8 agrees with the bytewise definition at every length and alignment', () => {
  const bitwise = (data: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of data) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 151 + 7) & 0xff);
  for (let start = 0; start < 9; start++) {
    for (let end = start; end <= data.length; end += 7) {
      const piece = data.subarray(start, end);
      assert.equal(crc32c(piece), bitwise(piece), `bytes ${start}..${end}`);
    }
  }
  // Continuing a CRC over pieces equals one pass.
  assert.equal(crc32c(data.subarray(37), crc32c(data.subarray(0, 37))), crc32c(data));
});

test('mask is ((c >>> 15) | (c << 17)) + 0xa282ead8 and unmask inverts it', () => {
  for (const c of [0, 1, 0x8a9136aa, 0xffffffff, 0x12345678]) {
    const expected = ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
    assert.equal(maskCrc(c), expected);
    assert.equal(unmaskCrc(maskCrc(c)), c);
  }
  assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), maskCrc(0xe3069283));
});
