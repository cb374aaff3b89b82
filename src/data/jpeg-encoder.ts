/**
 * A small baseline JPEG encoder (JFIF, 8-bit, YCbCr 4:4:4, standard Huffman tables).
 *
 * Why not jpeg-js's encoder: it rebuilds all its tables (about 15 ms) on every `encode` call and
 * collects output in a JS array, which made it cost ~17 ms per 64x64 frame here; this one keeps
 * its tables per quality and writes into a typed buffer (well under 1 ms per 64x64 frame).
 * Output is decodable by any JPEG decoder (tests decode it with jpeg-js). Everything is plain
 * integer/double arithmetic, so the same pixels and quality give the same bytes everywhere.
 *
 * References: ITU-T T.81 (JPEG) Annex K (example quantization and Huffman tables), the IJG
 * libjpeg quality scaling (jcparam.c), and the AAN float forward DCT (libjpeg jfdctflt.c).
 */

// Annex K.1: luminance and chrominance quantization tables, natural (row-major) order.
const STD_LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18,
  22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STD_CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** ZIGZAG[i] = natural index of the i-th coefficient in zigzag order. */
// prettier-ignore
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56,
  57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

// Annex K.3: the standard Huffman tables (BITS = codes per length 1..16, then the symbols).
const DC_LUMA_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_LUMA_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const DC_CHROMA_BITS = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const DC_CHROMA_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_LUMA_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
// prettier-ignore
const AC_LUMA_VALS = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91,
  0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a,
  0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53,
  0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
  0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
  0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
  0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2,
  0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];
const AC_CHROMA_BITS = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
// prettier-ignore
const AC_CHROMA_VALS = [
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14,
  0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17,
  0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
  0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78,
  0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
  0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
  0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2,
  0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];

interface HuffmanTable {
  /** code[symbol], length[symbol] (length 0: symbol absent). */
  code: Uint16Array;
  length: Uint8Array;
}

/** Annex C: canonical codes from BITS/VALS. */
function buildHuffman(bits: number[], vals: number[]): HuffmanTable {
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < bits[len - 1]; i++) {
      code[vals[k]] = c;
      length[vals[k]] = len;
      c++;
      k++;
    }
    c <<= 1;
  }
  return { code, length };
}

const HT_DC_LUMA = buildHuffman(DC_LUMA_BITS, DC_LUMA_VALS);
const HT_DC_CHROMA = buildHuffman(DC_CHROMA_BITS, DC_CHROMA_VALS);
const HT_AC_LUMA = buildHuffman(AC_LUMA_BITS, AC_LUMA_VALS);
const HT_AC_CHROMA = buildHuffman(AC_CHROMA_BITS, AC_CHROMA_VALS);

/** AAN scale factors, jfdctflt.c: aansf[0] = 1, aansf[k] = cos(k pi / 16) * sqrt(2). */
const AAN_SCALE = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

interface QuantTables {
  /** Quantizer values as written to DQT, natural order. */
  luma: Uint8Array;
  chroma: Uint8Array;
  /** 1 / (q * aan_row * aan_col * 8) in zigzag order: multiply float-DCT output k = ZIGZAG[i] by [i]. */
  lumaDiv: Float64Array;
  chromaDiv: Float64Array;
}

const quantCache = new Map<number, QuantTables>();

/** IJG quality scaling (jcparam.c jpeg_quality_scaling + jpeg_add_quant_table, baseline clamp). */
function quantTables(quality: number): QuantTables {
  const cached = quantCache.get(quality);
  if (cached) return cached;
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  const make = (base: number[]) => {
    const t = new Uint8Array(64);
    const div = new Float64Array(64);
    for (let i = 0; i < 64; i++) t[i] = Math.min(255, Math.max(1, Math.floor((base[i] * scale + 50) / 100)));
    for (let i = 0; i < 64; i++) {
      const k = ZIGZAG[i];
      div[i] = 1 / (t[k] * AAN_SCALE[k >> 3] * AAN_SCALE[k & 7] * 8);
    }
    return { t, div };
  };
  const l = make(STD_LUMA_Q);
  const c = make(STD_CHROMA_Q);
  const tables = { luma: l.t, chroma: c.t, lumaDiv: l.div, chromaDiv: c.div };
  quantCache.set(quality, tables);
  return tables;
}

/**
 * Byte buffer with a JPEG entropy-coded-segment bit writer (0xFF byte stuffing). The caller
 * reserves the worst case up front (`reserve`), so the hot path does no bounds checks; the
 * buffer is module-level scratch, reused across calls (the encoder is synchronous).
 */
class ByteWriter {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  private bitBuf = 0;
  private bitCount = 0;

  /** Starts a new image with room for at least `n` bytes. */
  reset(n: number): void {
    if (this.buf.length < n) this.buf = new Uint8Array(n);
    this.pos = 0;
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  word(w: number): void {
    this.buf[this.pos++] = (w >> 8) & 0xff;
    this.buf[this.pos++] = w & 0xff;
  }

  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.buf[this.pos++] = bs[i];
  }

  /** Appends the low `n` bits of `value` (n <= 16), most significant first. */
  bits(value: number, n: number): void {
    let acc = (this.bitBuf << n) | (value & ((1 << n) - 1));
    let count = this.bitCount + n;
    const buf = this.buf;
    while (count >= 8) {
      count -= 8;
      const b = (acc >> count) & 0xff;
      buf[this.pos++] = b;
      if (b === 0xff) buf[this.pos++] = 0; // byte stuffing
    }
    acc &= (1 << count) - 1;
    this.bitBuf = acc;
    this.bitCount = count;
  }

  /** Pads the last byte with 1-bits, as T.81 F.1.2.3 asks before a marker. */
  flushBits(): void {
    if (this.bitCount > 0) this.bits(0x7f, 8 - this.bitCount);
  }
}

const writer = new ByteWriter();

/**
 * Worst-case bytes for one 8x8 block: DC (11-bit code + 11 bits) and 63 AC symbols (16-bit code
 * + 10 bits) = 1661 bits, doubled for byte stuffing, rounded up.
 */
const MAX_BLOCK_BYTES = 420;
const MAX_HEADER_BYTES = 1024;

// Scratch blocks, reused across calls (the encoder is synchronous, one call at a time per thread).
const Y = new Float64Array(64);
const CB = new Float64Array(64);
const CR = new Float64Array(64);
const COEF = new Int32Array(64);

/** In-place float AAN forward DCT on an 8x8 block (libjpeg jfdctflt.c); output scaled by AAN_SCALE*8. */
function fdct(d: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const stride = pass === 0 ? 1 : 8;
    const step = pass === 0 ? 8 : 1;
    for (let r = 0; r < 8; r++) {
      const o = r * step;
      const i0 = o, i1 = o + stride, i2 = o + 2 * stride, i3 = o + 3 * stride;
      const i4 = o + 4 * stride, i5 = o + 5 * stride, i6 = o + 6 * stride, i7 = o + 7 * stride;
      const tmp0 = d[i0] + d[i7];
      const tmp7 = d[i0] - d[i7];
      const tmp1 = d[i1] + d[i6];
      const tmp6 = d[i1] - d[i6];
      const tmp2 = d[i2] + d[i5];
      const tmp5 = d[i2] - d[i5];
      const tmp3 = d[i3] + d[i4];
      const tmp4 = d[i3] - d[i4];
      // Even part.
      const tmp10 = tmp0 + tmp3;
      const tmp13 = tmp0 - tmp3;
      const tmp11 = tmp1 + tmp2;
      const tmp12 = tmp1 - tmp2;
      d[i0] = tmp10 + tmp11;
      d[i4] = tmp10 - tmp11;
      const z1 = (tmp12 + tmp13) * 0.707106781;
      d[i2] = tmp13 + z1;
      d[i6] = tmp13 - z1;
      // Odd part.
      const t10 = tmp4 + tmp5;
      const t11 = tmp5 + tmp6;
      const t12 = tmp6 + tmp7;
      const z5 = (t10 - t12) * 0.382683433;
      const z2 = 0.5411961 * t10 + z5;
      const z4 = 1.306562965 * t12 + z5;
      const z3 = t11 * 0.707106781;
      const z11 = tmp7 + z3;
      const z13 = tmp7 - z3;
      d[i5] = z13 + z2;
      d[i3] = z13 - z2;
      d[i1] = z11 + z4;
      d[i7] = z11 - z4;
    }
  }
}

/** Number of bits needed for |v| (JPEG "category" / SSSS). */
function magnitudeBits(v: number): number {
  return 32 - Math.clz32(v < 0 ? -v : v);
}

/** DCT, quantize, and Huffman-code one block; returns the block's DC value for prediction. */
function encodeBlock(w: ByteWriter, block: Float64Array, div: Float64Array, prevDc: number, dc: HuffmanTable, ac: HuffmanTable): number {
  fdct(block);
  for (let i = 0; i < 64; i++) {
    const v = block[ZIGZAG[i]] * div[i];
    COEF[i] = v > 0 ? (v + 0.5) | 0 : -((-v + 0.5) | 0);
  }
  // DC: difference from the previous block of the same component.
  const diff = COEF[0] - prevDc;
  const dn = magnitudeBits(diff);
  w.bits(dc.code[dn], dc.length[dn]);
  if (dn) w.bits(diff < 0 ? diff - 1 : diff, dn);
  // AC: (run of zeros, size) symbols, ZRL for 16 zeros, EOB after the last non-zero.
  let last = 63;
  while (last > 0 && COEF[last] === 0) last--;
  let run = 0;
  for (let i = 1; i <= last; i++) {
    let v = COEF[i];
    if (v === 0) {
      run++;
      continue;
    }
    while (run >= 16) {
      w.bits(ac.code[0xf0], ac.length[0xf0]);
      run -= 16;
    }
    // Baseline AC values have at most 10 bits; rounding can only overshoot by one step.
    if (v > 1023) v = 1023;
    else if (v < -1023) v = -1023;
    const n = magnitudeBits(v);
    const sym = (run << 4) | n;
    w.bits(ac.code[sym], ac.length[sym]);
    w.bits(v < 0 ? v - 1 : v, n);
    run = 0;
  }
  if (last < 63) w.bits(ac.code[0x00], ac.length[0x00]);
  return COEF[0];
}

function writeHuffmanTable(w: ByteWriter, cls: number, id: number, bits: number[], vals: number[]): void {
  w.byte((cls << 4) | id);
  w.bytes(bits);
  w.bytes(vals);
}

/**
 * Encodes RGB pixels (width * height * 3 bytes) as a baseline JPEG at `quality` (1..100, IJG
 * scale).
 */
export function encodeBaselineJpeg(rgb: Uint8Array, width: number, height: number, quality: number): Uint8Array {
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw new Error(`JPEG: bad size ${width}x${height}`);
  if (rgb.length !== width * height * 3) throw new Error(`JPEG: ${rgb.length} bytes for ${width}x${height} RGB`);
  const qt = quantTables(quality);
  const w = writer;
  w.reset(MAX_HEADER_BYTES + Math.ceil(width / 8) * Math.ceil(height / 8) * 3 * MAX_BLOCK_BYTES);
  w.word(0xffd8); // SOI
  // APP0 JFIF 1.01, no thumbnail, aspect 1:1.
  w.word(0xffe0);
  w.word(16);
  w.bytes([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  // DQT: table 0 (luma) and 1 (chroma), 8-bit, zigzag order.
  w.word(0xffdb);
  w.word(2 + 2 * 65);
  w.byte(0);
  for (let i = 0; i < 64; i++) w.byte(qt.luma[ZIGZAG[i]]);
  w.byte(1);
  for (let i = 0; i < 64; i++) w.byte(qt.chroma[ZIGZAG[i]]);
  // SOF0: 8-bit, 3 components, no subsampling.
  w.word(0xffc0);
  w.word(17);
  w.byte(8);
  w.word(height);
  w.word(width);
  w.byte(3);
  w.bytes([1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
  // DHT: the four standard tables.
  const dhtLength = (bits: number[], vals: number[]) => 17 + vals.length;
  w.word(0xffc4);
  w.word(2 + dhtLength(DC_LUMA_BITS, DC_LUMA_VALS) + dhtLength(AC_LUMA_BITS, AC_LUMA_VALS) + dhtLength(DC_CHROMA_BITS, DC_CHROMA_VALS) + dhtLength(AC_CHROMA_BITS, AC_CHROMA_VALS));
  writeHuffmanTable(w, 0, 0, DC_LUMA_BITS, DC_LUMA_VALS);
  writeHuffmanTable(w, 1, 0, AC_LUMA_BITS, AC_LUMA_VALS);
  writeHuffmanTable(w, 0, 1, DC_CHROMA_BITS, DC_CHROMA_VALS);
  writeHuffmanTable(w, 1, 1, AC_CHROMA_BITS, AC_CHROMA_VALS);
  // SOS: all three components interleaved, full spectral range.
  w.word(0xffda);
  w.word(12);
  w.byte(3);
  w.bytes([1, 0x00, 2, 0x11, 3, 0x11]);
  w.bytes([0, 63, 0]);

  let dcY = 0;
  let dcCb = 0;
  let dcCr = 0;
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      // Colour conversion (JFIF), edge pixels replicated into partial blocks, level shift -128.
      for (let r = 0; r < 8; r++) {
        const y = Math.min(by + r, height - 1);
        for (let c = 0; c < 8; c++) {
          const x = Math.min(bx + c, width - 1);
          const p = (y * width + x) * 3;
          const R = rgb[p];
          const G = rgb[p + 1];
          const B = rgb[p + 2];
          const k = r * 8 + c;
          Y[k] = 0.299 * R + 0.587 * G + 0.114 * B - 128;
          CB[k] = -0.168735892 * R - 0.331264108 * G + 0.5 * B;
          CR[k] = 0.5 * R - 0.418687589 * G - 0.081312411 * B;
        }
      }
      dcY = encodeBlock(w, Y, qt.lumaDiv, dcY, HT_DC_LUMA, HT_AC_LUMA);
      dcCb = encodeBlock(w, CB, qt.chromaDiv, dcCb, HT_DC_CHROMA, HT_AC_CHROMA);
      dcCr = encodeBlock(w, CR, qt.chromaDiv, dcCr, HT_DC_CHROMA, HT_AC_CHROMA);
    }
  }
  w.flushBits();
  w.word(0xffd9); // EOI
  return w.buf.slice(0, w.pos);
}
