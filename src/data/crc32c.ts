/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), the checksum TFRecord framing uses,
 * and TensorFlow's "masked" form of it.
 *
 * Why our own: none of the packages installed here computes CRC-32C (the `crc`-style packages
 * in the registry do the zlib CRC-32 polynomial, and the fast CRC-32C ones are native addons or
 * wasm). Table-driven slicing-by-8 in plain JS runs at several hundred MB/s, far above what the
 * JPEG decoder needs, so there is nothing to gain from a dependency.
 *
 * Slicing-by-8: eight 256-entry tables, T[k][b] = CRC of byte b followed by k zero bytes, so one
 * step consumes 8 input bytes with 8 table look-ups (Kounavis & Berry, "A Systematic Approach to
 * Building High Performance Software-Based CRC Generators", 2005).
 */

const POLY = 0x82f63b78;

/** 8 x 256 tables, flat: TABLE[k * 256 + b]. */
const TABLE = (() => {
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + b] = c >>> 0;
    }
  }
  return t;
})();

/**
 * Continue a CRC-32C over `data` (pass the previous result as `crc` to checksum in pieces;
 * start from 0). Returns an unsigned 32-bit value.
 */
export function crc32c(data: Uint8Array, crc = 0): number {
  const t = TABLE;
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  const end8 = n - (n % 8);
  for (; i < end8; i += 8) {
    const lo = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      t[7 * 256 + (lo & 0xff)] ^
      t[6 * 256 + ((lo >>> 8) & 0xff)] ^
      t[5 * 256 + ((lo >>> 16) & 0xff)] ^
      t[4 * 256 + (lo >>> 24)] ^
      t[3 * 256 + data[i + 4]] ^
      t[2 * 256 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow's masked CRC (tensorflow/core/lib/hash/crc32c.h): rotate right by 15 and add a
 * constant, so that a CRC stored inside CRC'd data does not checksum to a fixed value.
 */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/** The masked CRC-32C of `data`, as stored in TFRecord files. */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}
