/**
 * Procedural textures: cheap functions of the hit point, no image lookups (except the MNIST
 * digits of the dice). Patterned textures use 2-D coordinates projected along the dominant
 * axis of the world normal, so floors get (x, z) and walls (z or x, y).
 */
import { H_L, H_N, H_P } from './hit-record.js';
import type { Texture } from './scene-graph.js';

export const T_SOLID = 0, T_CHECKER = 1, T_STRIPES = 2, T_NOISE = 3, T_BRICKS = 4, T_TILES = 5, T_DIGITS = 6;

const KINDS: Record<Texture['kind'], number> = {
  solid: T_SOLID, checker: T_CHECKER, stripes: T_STRIPES, noise: T_NOISE, bricks: T_BRICKS, tiles: T_TILES, digits: T_DIGITS,
};

export interface CompiledTexture {
  kind: number;
  r: number; g: number; b: number;
  r2: number; g2: number; b2: number;
  /** 1 / scale. */
  inv: number;
  /** kind digits: 6 faces x 28 x 28 intensities in [0, 1]. */
  digits: Float32Array | null;
}

export const DIGIT_SIZE = 28;

export function compileTexture(t: Texture): CompiledTexture {
  const kind = KINDS[t.kind];
  if (kind === undefined) throw new Error(`scene: unknown texture kind "${t.kind}"`);
  const c2 = t.color2 ?? t.color;
  const scale = t.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scene: texture scale must be > 0, got ${scale}`);
  let digits: Float32Array | null = null;
  if (kind === T_DIGITS) {
    const faces = t.digits;
    const px = DIGIT_SIZE * DIGIT_SIZE;
    if (!faces || faces.length !== 6 || faces.some((f) => f.length !== px)) {
      throw new Error(`scene: a digits texture needs 6 images of ${px} values`);
    }
    digits = new Float32Array(6 * px);
    faces.forEach((f, i) => { for (let k = 0; k < px; k++) digits![i * px + k] = f[k] / 255; });
  }
  return { kind, r: t.color[0], g: t.color[1], b: t.color[2], r2: c2[0], g2: c2[1], b2: c2[2], inv: 1 / scale, digits };
}

/**
 * The lattice hash, in [0, 1): h = imul(ix, HX) + imul(iy, HY) (int32), then
 * h = imul(h ^ (h >>> 13), HM); h ^= h >>> 16; (h >>> 0) / 2^32. It is written out inline
 * below rather than called: V8 boxes the doubles passed to and returned from a function it
 * does not inline, and evalTexture is too big for these to be inlined reliably, so a call
 * would allocate on every textured pixel.
 */
const HX = 374761393, HY = 668265263, HM = 1274126177;
const INV_2_32 = 1 / 4294967296;

/**
 * Albedo at a hit, written to out[0..2]. Reads the world point, world normal and local point
 * (digits pick the face from it) from the hit record (hit-record.ts layout).
 */
export function evalTexture(t: CompiledTexture, hit: Float64Array, out: Float64Array): void {
  const kind = t.kind;
  if (kind === T_SOLID) { out[0] = t.r; out[1] = t.g; out[2] = t.b; return; }
  if (kind === T_DIGITS) { evalDigits(t, hit, out); return; }
  const px = hit[H_P], py = hit[H_P + 1], pz = hit[H_P + 2];
  const nx = hit[H_N], ny = hit[H_N + 1], nz = hit[H_N + 2];
  const ax = nx < 0 ? -nx : nx, ay = ny < 0 ? -ny : ny, az = nz < 0 ? -nz : nz;
  let u: number, v: number;
  if (ay >= ax && ay >= az) { u = px; v = pz; } else if (ax >= az) { u = pz; v = py; } else { u = px; v = py; }
  u *= t.inv; v *= t.inv;
  let m = 0; // 0 = colour, 1 = colour2, in between mixes
  let shade = 1; // per-brick/tile brightness variation
  switch (kind) {
    case T_CHECKER:
      m = (Math.floor(u) + Math.floor(v)) & 1;
      break;
    case T_STRIPES:
      m = Math.floor(u) & 1;
      break;
    case T_NOISE:
      // Two octaves of value noise: 0.65 vn(4u, 4v) + 0.35 vn(11u + 17.3, 11v + 5.1), each the
      // smoothstep-weighted bilinear blend of the lattice hash at the four corners around it.
      for (let oct = 0; oct < 2; oct++) {
        const nu = oct === 0 ? u * 4 : u * 11 + 17.3, nv = oct === 0 ? v * 4 : v * 11 + 5.1;
        const iu = Math.floor(nu), iv = Math.floor(nv);
        let fu = nu - iu, fv = nv - iv;
        fu = fu * fu * (3 - 2 * fu);
        fv = fv * fv * (3 - 2 * fv);
        // imul(i + 1, K) = imul(i, K) + K (mod 2^32), so two products serve the four corners.
        const hu = Math.imul(iu, HX), hv = Math.imul(iv, HY);
        const hu1 = (hu + HX) | 0, hv1 = (hv + HY) | 0;
        let ha = (hu + hv) | 0, hb = (hu1 + hv) | 0, hc = (hu + hv1) | 0, hd = (hu1 + hv1) | 0;
        ha = Math.imul(ha ^ (ha >>> 13), HM); ha ^= ha >>> 16;
        hb = Math.imul(hb ^ (hb >>> 13), HM); hb ^= hb >>> 16;
        hc = Math.imul(hc ^ (hc >>> 13), HM); hc ^= hc >>> 16;
        hd = Math.imul(hd ^ (hd >>> 13), HM); hd ^= hd >>> 16;
        const a = (ha >>> 0) * INV_2_32, b = (hb >>> 0) * INV_2_32, c = (hc >>> 0) * INV_2_32, d = (hd >>> 0) * INV_2_32;
        const n = (a + (b - a) * fu) * (1 - fv) + (c + (d - c) * fu) * fv;
        m += (oct === 0 ? 0.65 : 0.35) * n; // 0 + x is x, so the sum rounds as before
      }
      break;
    case T_BRICKS: {
      const row = Math.floor(v * 2);
      const uu = u + (row & 1) * 0.5;
      const col = Math.floor(uu);
      const fu = uu - col, fv = v * 2 - row;
      if (fu < 0.04 || fv < 0.08) {
        m = 1;
      } else {
        let h = (Math.imul(col, HX) + Math.imul(row, HY)) | 0;
        h = Math.imul(h ^ (h >>> 13), HM); h ^= h >>> 16;
        shade = 0.88 + 0.24 * ((h >>> 0) * INV_2_32);
      }
      break;
    }
    case T_TILES: {
      const iu = Math.floor(u), iv = Math.floor(v);
      const fu = u - iu, fv = v - iv;
      if (fu < 0.035 || fv < 0.035) {
        m = 1;
      } else {
        let h = (Math.imul(iu, HX) + Math.imul(iv, HY)) | 0;
        h = Math.imul(h ^ (h >>> 13), HM); h ^= h >>> 16;
        shade = 0.92 + 0.16 * ((h >>> 0) * INV_2_32);
      }
      break;
    }
  }
  const k = 1 - m;
  out[0] = (t.r * k + t.r2 * m) * shade;
  out[1] = (t.g * k + t.g2 * m) * shade;
  out[2] = (t.b * k + t.b2 * m) * shade;
}

/**
 * A cube face digit: the face is the dominant axis of the local point (a cube's faces are where
 * one coordinate reaches the half-size), (u, v) are oriented so each digit reads upright when
 * the face is seen from outside (side faces: up = +y; top face: up = -z; bottom: up = +z).
 */
function evalDigits(t: CompiledTexture, hit: Float64Array, out: Float64Array): void {
  const lx = hit[H_L], ly = hit[H_L + 1], lz = hit[H_L + 2];
  const ax = lx < 0 ? -lx : lx, ay = ly < 0 ? -ly : ly, az = lz < 0 ? -lz : lz;
  let face: number, u: number, v: number, h: number;
  if (ax >= ay && ax >= az) {
    h = ax;
    if (lx > 0) { face = 0; u = -lz; } else { face = 1; u = lz; }
    v = ly;
  } else if (ay >= az) {
    h = ay;
    u = lx;
    if (ly > 0) { face = 2; v = -lz; } else { face = 3; v = lz; }
  } else {
    h = az;
    if (lz > 0) { face = 4; u = lx; } else { face = 5; u = -lx; }
    v = ly;
  }
  const N = DIGIT_SIZE;
  // Bilinear sample at texel centres; u, v in [-h, h] map onto the 28x28 image.
  const fx = ((u / h) * 0.5 + 0.5) * N - 0.5;
  const fy = ((-v / h) * 0.5 + 0.5) * N - 0.5;
  let x0 = Math.floor(fx), y0 = Math.floor(fy);
  const wx = fx - x0, wy = fy - y0;
  let x1 = x0 + 1, y1 = y0 + 1;
  if (x0 < 0) x0 = 0; if (x1 > N - 1) x1 = N - 1; if (x0 > N - 1) x0 = N - 1;
  if (y0 < 0) y0 = 0; if (y1 > N - 1) y1 = N - 1; if (y0 > N - 1) y0 = N - 1;
  const d = t.digits!;
  const off = face * N * N;
  const a = d[off + y0 * N + x0], b = d[off + y0 * N + x1], c = d[off + y1 * N + x0], e = d[off + y1 * N + x1];
  const m = (a + (b - a) * wx) * (1 - wy) + (c + (e - c) * wx) * wy;
  const k = 1 - m;
  out[0] = t.r * k + t.r2 * m;
  out[1] = t.g * k + t.g2 * m;
  out[2] = t.b * k + t.b2 * m;
}
