/**
 * Scene-level ray queries over a CompiledScene: nearest hit (camera rays) and any hit (shadow
 * rays). Rays come in as Float64Array buffers (see primitives/hit.ts) and all scratch state is
 * preallocated, so tracing allocates nothing. Not re-entrant, which is fine: JS runs one render
 * at a time per thread.
 */
import {
  O_BOUND, O_C, O_IDENT, O_LOCAL, O_P, O_R, O_TEX, O_TYPE, STRIDE,
  S_BOX, S_CAPSULE, S_CONE, S_CONVEX, S_CYLINDER, S_GRID, S_PLANE, S_SPHERE,
  type CompiledScene,
} from './compile.js';
import { HIT, H_L, H_N, H_OBJ, H_P, H_T, H_TEX } from './hit-record.js';
import { intersectBox } from './primitives/box.js';
import { intersectCapsule } from './primitives/capsule.js';
import { intersectCone } from './primitives/cone.js';
import { intersectConvex } from './primitives/convex.js';
import { intersectCylinder } from './primitives/cylinder.js';
import { intersectGrid } from './primitives/grid.js';
import { T_MIN } from './primitives/hit.js';
import { intersectPlane } from './primitives/plane.js';
import { intersectSphere } from './primitives/sphere.js';

/** The ray in the current object's local frame. */
const LOCAL = new Float64Array(7);
/** Primitive result: t, local normal, grid texture. */
const OUT = new Float64Array(5);

/**
 * Ray (world frame, |d| = 1, tMax in ray[6]) against the bounded object at record offset b,
 * after its bounding sphere has been found to meet the ray (traceClosest and traceAny test it
 * inline): transform into the local frame and run the primitive. On a hit returns true with
 * t and the local normal in `out`.
 */
function intersectBounded(cs: CompiledScene, b: number, ray: Float64Array, out: Float64Array): boolean {
  const obj = cs.obj;
  const p = b + O_P;
  const dx = ray[3], dy = ray[4], dz = ray[5];
  const vx = ray[0] - obj[b + O_C], vy = ray[1] - obj[b + O_C + 1], vz = ray[2] - obj[b + O_C + 2];
  const L = LOCAL;
  if (obj[b + O_IDENT] === 1) {
    L[0] = vx; L[1] = vy; L[2] = vz; L[3] = dx; L[4] = dy; L[5] = dz;
  } else {
    const r = b + O_R;
    // local = R^T (world - c)
    L[0] = obj[r] * vx + obj[r + 3] * vy + obj[r + 6] * vz;
    L[1] = obj[r + 1] * vx + obj[r + 4] * vy + obj[r + 7] * vz;
    L[2] = obj[r + 2] * vx + obj[r + 5] * vy + obj[r + 8] * vz;
    L[3] = obj[r] * dx + obj[r + 3] * dy + obj[r + 6] * dz;
    L[4] = obj[r + 1] * dx + obj[r + 4] * dy + obj[r + 7] * dz;
    L[5] = obj[r + 2] * dx + obj[r + 5] * dy + obj[r + 8] * dz;
  }
  L[6] = ray[6];
  switch (obj[b + O_TYPE]) {
    case S_BOX: return intersectBox(obj, p, L, out);
    case S_SPHERE: return intersectSphere(obj, p, L, out);
    case S_CYLINDER: return intersectCylinder(obj, p, L, out);
    case S_CAPSULE: return intersectCapsule(obj, p, L, out);
    case S_CONE: return intersectCone(obj, p, L, out);
    case S_CONVEX: return intersectConvex(cs.planes, obj[p] | 0, obj[p + 1] | 0, L, out);
    default: return false;
  }
}

/**
 * Constants of rays from the origin (ox, oy, oz), 4 per object into pre (length >= 4 * count):
 * planes the numerator d - n . o of their ray parameter, bounded objects o - c and
 * |o - c|^2 - r^2 for the bounding-sphere test, computed exactly as traceClosest would.
 */
export function prepareOrigin(cs: CompiledScene, ox: number, oy: number, oz: number, pre: Float64Array): void {
  const obj = cs.obj;
  for (let i = 0, b = 0; i < cs.count; i++, b += STRIDE) {
    const type = obj[b + O_TYPE];
    const q = 4 * i;
    if (type === S_PLANE) {
      const p = b + O_P;
      pre[q] = obj[p + 3] - (obj[p] * ox + obj[p + 1] * oy + obj[p + 2] * oz);
    } else if (type !== S_GRID) {
      const vx = ox - obj[b + O_C], vy = oy - obj[b + O_C + 1], vz = oz - obj[b + O_C + 2];
      const br = obj[b + O_BOUND];
      pre[q] = vx; pre[q + 1] = vy; pre[q + 2] = vz;
      pre[q + 3] = vx * vx + vy * vy + vz * vz - br * br;
    }
  }
}

/**
 * Nearest hit along `ray` ([ox, oy, oz, dx, dy, dz, tMax], world frame, |d| = 1). On a hit
 * fills HIT: t, world normal (unit, not yet turned toward the viewer), world point, local
 * point (digits textures only), object index, texture index (layout in hit-record.ts). ray[6]
 * is restored on return.
 *
 * Tests the objects list[0 .. n-1] (indices in scene order; all objects by default). Callers
 * may leave out objects the ray cannot hit (the renderer drops those whose bounding sphere lies
 * outside the pixel's screen rectangle): the nearest hit, ties going to the lower index, is
 * then the same.
 *
 * `pre`, when given, holds prepareOrigin's constants for this ray's origin (camera rays of one
 * view share it), saving their recomputation per ray; the arithmetic is otherwise the same.
 */
export function traceClosest(
  cs: CompiledScene, ray: Float64Array, list: Int32Array = cs.all, n: number = list.length, pre: Float64Array | null = null,
): boolean {
  const obj = cs.obj;
  const tMax = ray[6];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5];
  // The nearest hit so far lives in `best`; ray[6] is set from it only for the primitives
  // that read it.
  let best = tMax;
  let bestB = -1, bestI = -1;
  let nx = 0, ny = 0, nz = 0, tex = 0;
  for (let k = 0; k < n; k++) {
    const idx = list[k];
    const b = idx * STRIDE;
    const type = obj[b + O_TYPE];
    if (type === S_PLANE) {
      // Inline intersectPlane (same arithmetic, so the same bits).
      const p = b + O_P;
      const pnx = obj[p], pny = obj[p + 1], pnz = obj[p + 2];
      const denom = pnx * dx + pny * dy + pnz * dz;
      if (denom > -1e-12 && denom < 1e-12) continue;
      const num = pre !== null ? pre[4 * idx] : obj[p + 3] - (pnx * ox + pny * oy + pnz * oz);
      // Behind the origin (t <= 0) without dividing; a product that underflows to 0 means a t
      // far below T_MIN, rejected either way.
      if (num * denom <= 0) continue;
      const t = num / denom;
      if (t <= T_MIN || t >= best) continue;
      best = t; // later objects must beat this hit
      bestB = b; bestI = idx;
      nx = pnx; ny = pny; nz = pnz;
      tex = obj[b + O_TEX];
      continue;
    }
    if (type === S_GRID) {
      ray[6] = best;
      if (!intersectGrid(cs.grids[obj[b + O_P] | 0], ray, OUT)) continue;
      tex = OUT[4];
    } else {
      // Bounding-sphere early out: most rays pass far from any given object.
      let vx: number, vy: number, vz: number, cc: number;
      if (pre !== null) {
        const q = 4 * idx;
        vx = pre[q]; vy = pre[q + 1]; vz = pre[q + 2]; cc = pre[q + 3];
      } else {
        vx = ox - obj[b + O_C]; vy = oy - obj[b + O_C + 1]; vz = oz - obj[b + O_C + 2];
        const br = obj[b + O_BOUND];
        cc = vx * vx + vy * vy + vz * vz - br * br;
      }
      const bb = vx * dx + vy * dy + vz * dz;
      if (cc > 0) {
        if (bb > 0) continue;
        const disc = bb * bb - cc;
        if (disc < 0 || -bb - Math.sqrt(disc) >= best) continue;
      }
      ray[6] = best;
      if (!intersectBounded(cs, b, ray, OUT)) continue;
      tex = obj[b + O_TEX];
    }
    best = OUT[0]; // later objects must beat this hit
    bestB = b; bestI = idx;
    nx = OUT[1]; ny = OUT[2]; nz = OUT[3];
  }
  ray[6] = tMax;
  if (bestB < 0) return false;
  const px = ox + best * dx, py = oy + best * dy, pz = oz + best * dz;
  HIT[H_T] = best;
  HIT[H_P] = px; HIT[H_P + 1] = py; HIT[H_P + 2] = pz;
  HIT[H_OBJ] = bestI;
  HIT[H_TEX] = tex;
  const rotated = obj[bestB + O_IDENT] !== 1 && obj[bestB + O_TYPE] !== S_PLANE && obj[bestB + O_TYPE] !== S_GRID;
  const r = bestB + O_R;
  if (!rotated) {
    HIT[H_N] = nx; HIT[H_N + 1] = ny; HIT[H_N + 2] = nz;
  } else {
    HIT[H_N] = obj[r] * nx + obj[r + 1] * ny + obj[r + 2] * nz;
    HIT[H_N + 1] = obj[r + 3] * nx + obj[r + 4] * ny + obj[r + 5] * nz;
    HIT[H_N + 2] = obj[r + 6] * nx + obj[r + 7] * ny + obj[r + 8] * nz;
  }
  // The local point only for the textures that read it (digits); NaN otherwise.
  if (obj[bestB + O_LOCAL] === 1) {
    const vx = px - obj[bestB + O_C], vy = py - obj[bestB + O_C + 1], vz = pz - obj[bestB + O_C + 2];
    if (!rotated) {
      HIT[H_L] = vx; HIT[H_L + 1] = vy; HIT[H_L + 2] = vz;
    } else {
      HIT[H_L] = obj[r] * vx + obj[r + 3] * vy + obj[r + 6] * vz;
      HIT[H_L + 1] = obj[r + 1] * vx + obj[r + 4] * vy + obj[r + 7] * vz;
      HIT[H_L + 2] = obj[r + 2] * vx + obj[r + 5] * vy + obj[r + 8] * vz;
    }
  } else {
    HIT[H_L] = NaN; HIT[H_L + 1] = NaN; HIT[H_L + 2] = NaN;
  }
  return true;
}

/** Whether any shadow-casting object blocks `ray` before ray[6]. */
export function traceAny(cs: CompiledScene, ray: Float64Array): boolean {
  const casters = cs.shadowCasters;
  const obj = cs.obj;
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5];
  for (let i = 0; i < casters.length; i++) {
    const b = casters[i] * STRIDE;
    const type = obj[b + O_TYPE];
    if (type === S_PLANE) {
      if (intersectPlane(obj, b + O_P, ray, OUT)) return true;
      continue;
    }
    if (type === S_GRID) {
      if (intersectGrid(cs.grids[obj[b + O_P] | 0], ray, OUT)) return true;
      continue;
    }
    const vx = ox - obj[b + O_C], vy = oy - obj[b + O_C + 1], vz = oz - obj[b + O_C + 2];
    const br = obj[b + O_BOUND];
    const bb = vx * dx + vy * dy + vz * dz;
    const cc = vx * vx + vy * vy + vz * vz - br * br;
    if (cc > 0) {
      if (bb > 0) continue;
      const disc = bb * bb - cc;
      if (disc < 0 || -bb - Math.sqrt(disc) >= ray[6]) continue;
    }
    if (intersectBounded(cs, b, ray, OUT)) return true;
  }
  return false;
}
