/**
 * Scene-level ray queries over a CompiledScene: nearest hit (camera rays) and any hit (shadow
 * rays). All state lives in preallocated module-level arrays, so tracing allocates nothing.
 * Not re-entrant, which is fine: JS runs one render at a time per thread.
 */
import {
  O_BOUND, O_C, O_IDENT, O_P, O_R, O_TEX, O_TYPE, STRIDE,
  S_BOX, S_CAPSULE, S_CONE, S_CONVEX, S_CYLINDER, S_GRID, S_PLANE, S_SPHERE,
  type CompiledScene,
} from './compile.js';
import { intersectBox } from './primitives/box.js';
import { intersectCapsule } from './primitives/capsule.js';
import { intersectCone } from './primitives/cone.js';
import { intersectConvex } from './primitives/convex.js';
import { intersectCylinder } from './primitives/cylinder.js';
import { intersectGrid } from './primitives/grid.js';
import { MISS } from './primitives/hit.js';
import { intersectPlane } from './primitives/plane.js';
import { intersectSphere } from './primitives/sphere.js';

/** Scratch normal written by the primitives (n[3]: texture of a grid cell). */
const N = new Float64Array(4);

/** Result of traceClosest. */
export const HIT = new Float64Array(12);
export const H_T = 0, H_N = 1, H_P = 4, H_L = 7, H_OBJ = 10, H_TEX = 11;

/** Ray (world frame, |d| = 1) against object at record offset b; t or MISS, local normal in n. */
function intersectObject(
  cs: CompiledScene, b: number,
  ox: number, oy: number, oz: number, dx: number, dy: number, dz: number,
  tMax: number, n: Float64Array,
): number {
  const obj = cs.obj;
  const type = obj[b + O_TYPE];
  const p = b + O_P;
  if (type === S_PLANE) return intersectPlane(obj[p], obj[p + 1], obj[p + 2], obj[p + 3], ox, oy, oz, dx, dy, dz, tMax, n);
  if (type === S_GRID) return intersectGrid(cs.grids[obj[p]], ox, oy, oz, dx, dy, dz, tMax, n);
  const vx = ox - obj[b + O_C], vy = oy - obj[b + O_C + 1], vz = oz - obj[b + O_C + 2];
  // Bounding-sphere early out: most rays pass far from any given object.
  const br = obj[b + O_BOUND];
  const bb = vx * dx + vy * dy + vz * dz;
  const cc = vx * vx + vy * vy + vz * vz - br * br;
  if (cc > 0) {
    if (bb > 0) return MISS;
    const disc = bb * bb - cc;
    if (disc < 0 || -bb - Math.sqrt(disc) >= tMax) return MISS;
  }
  let lox = vx, loy = vy, loz = vz, ldx = dx, ldy = dy, ldz = dz;
  if (obj[b + O_IDENT] === 0) {
    const r = b + O_R;
    // local = R^T (world - c)
    lox = obj[r] * vx + obj[r + 3] * vy + obj[r + 6] * vz;
    loy = obj[r + 1] * vx + obj[r + 4] * vy + obj[r + 7] * vz;
    loz = obj[r + 2] * vx + obj[r + 5] * vy + obj[r + 8] * vz;
    ldx = obj[r] * dx + obj[r + 3] * dy + obj[r + 6] * dz;
    ldy = obj[r + 1] * dx + obj[r + 4] * dy + obj[r + 7] * dz;
    ldz = obj[r + 2] * dx + obj[r + 5] * dy + obj[r + 8] * dz;
  }
  switch (type) {
    case S_BOX: return intersectBox(obj[p], obj[p + 1], obj[p + 2], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    case S_SPHERE: return intersectSphere(obj[p], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    case S_CYLINDER: return intersectCylinder(obj[p], obj[p + 1], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    case S_CAPSULE: return intersectCapsule(obj[p], obj[p + 1], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    case S_CONE: return intersectCone(obj[p], obj[p + 1], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    case S_CONVEX: return intersectConvex(cs.planes, obj[p], obj[p + 1], lox, loy, loz, ldx, ldy, ldz, tMax, n);
    default: return MISS;
  }
}

/**
 * Nearest hit along the ray before tMax. On a hit fills HIT: t, world normal (unit, not yet
 * turned toward the viewer), world point, local point, object index, texture index.
 */
export function traceClosest(
  cs: CompiledScene, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number,
): boolean {
  const obj = cs.obj;
  let best = tMax, bestB = -1;
  let nx = 0, ny = 0, nz = 0, tex = 0;
  for (let i = 0, b = 0; i < cs.count; i++, b += STRIDE) {
    const t = intersectObject(cs, b, ox, oy, oz, dx, dy, dz, best, N);
    if (t < best) {
      best = t; bestB = b;
      nx = N[0]; ny = N[1]; nz = N[2];
      tex = obj[b + O_TYPE] === S_GRID ? N[3] : obj[b + O_TEX];
    }
  }
  if (bestB < 0) return false;
  const px = ox + best * dx, py = oy + best * dy, pz = oz + best * dz;
  HIT[H_T] = best;
  HIT[H_P] = px; HIT[H_P + 1] = py; HIT[H_P + 2] = pz;
  HIT[H_OBJ] = bestB / STRIDE;
  HIT[H_TEX] = tex;
  const type = obj[bestB + O_TYPE];
  if (type === S_PLANE || type === S_GRID || obj[bestB + O_IDENT] === 1) {
    HIT[H_N] = nx; HIT[H_N + 1] = ny; HIT[H_N + 2] = nz;
    HIT[H_L] = px - obj[bestB + O_C]; HIT[H_L + 1] = py - obj[bestB + O_C + 1]; HIT[H_L + 2] = pz - obj[bestB + O_C + 2];
  } else {
    const r = bestB + O_R;
    HIT[H_N] = obj[r] * nx + obj[r + 1] * ny + obj[r + 2] * nz;
    HIT[H_N + 1] = obj[r + 3] * nx + obj[r + 4] * ny + obj[r + 5] * nz;
    HIT[H_N + 2] = obj[r + 6] * nx + obj[r + 7] * ny + obj[r + 8] * nz;
    const vx = px - obj[bestB + O_C], vy = py - obj[bestB + O_C + 1], vz = pz - obj[bestB + O_C + 2];
    HIT[H_L] = obj[r] * vx + obj[r + 3] * vy + obj[r + 6] * vz;
    HIT[H_L + 1] = obj[r + 1] * vx + obj[r + 4] * vy + obj[r + 7] * vz;
    HIT[H_L + 2] = obj[r + 2] * vx + obj[r + 5] * vy + obj[r + 8] * vz;
  }
  return true;
}

/** Whether any shadow-casting object blocks the ray before tMax. */
export function traceAny(
  cs: CompiledScene, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number,
): boolean {
  const casters = cs.shadowCasters;
  for (let i = 0; i < casters.length; i++) {
    if (intersectObject(cs, casters[i] * STRIDE, ox, oy, oz, dx, dy, dz, tMax, N) < tMax) return true;
  }
  return false;
}
