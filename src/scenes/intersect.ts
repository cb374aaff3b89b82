/**
 * Scene-level ray queries over a CompiledScene: nearest hit (camera rays) and any hit (shadow
 * rays). Rays come in as Float64Array buffers (see primitives/hit.ts) and all scratch state is
 * preallocated, so tracing allocates nothing. Not re-entrant, which is fine: JS runs one render
 * at a time per thread.
 */
import {
  O_BOUND, O_C, O_IDENT, O_P, O_R, O_TEX, O_TYPE, STRIDE,
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
import { intersectPlane } from './primitives/plane.js';
import { intersectSphere } from './primitives/sphere.js';

/** The ray in the current object's local frame. */
const LOCAL = new Float64Array(7);
/** Primitive result: t, local normal, grid texture. */
const OUT = new Float64Array(5);


/**
 * Ray (world frame, |d| = 1, tMax in ray[6]) against the object at record offset b. On a hit
 * returns true with t and the local normal in `out`.
 */
function intersectObject(cs: CompiledScene, b: number, ray: Float64Array, out: Float64Array): boolean {
  const obj = cs.obj;
  const type = obj[b + O_TYPE];
  const p = b + O_P;
  if (type === S_PLANE) return intersectPlane(obj, p, ray, out);
  if (type === S_GRID) return intersectGrid(cs.grids[obj[p] | 0], ray, out);
  const dx = ray[3], dy = ray[4], dz = ray[5];
  const vx = ray[0] - obj[b + O_C], vy = ray[1] - obj[b + O_C + 1], vz = ray[2] - obj[b + O_C + 2];
  // Bounding-sphere early out: most rays pass far from any given object.
  const br = obj[b + O_BOUND];
  const bb = vx * dx + vy * dy + vz * dz;
  const cc = vx * vx + vy * vy + vz * vz - br * br;
  if (cc > 0) {
    if (bb > 0) return false;
    const disc = bb * bb - cc;
    if (disc < 0 || -bb - Math.sqrt(disc) >= ray[6]) return false;
  }
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
  switch (type) {
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
 * Nearest hit along `ray` ([ox, oy, oz, dx, dy, dz, tMax], world frame, |d| = 1). On a hit
 * fills HIT: t, world normal (unit, not yet turned toward the viewer), world point, local
 * point, object index, texture index (layout in hit-record.ts). ray[6] is restored on return.
 */
export function traceClosest(cs: CompiledScene, ray: Float64Array): boolean {
  const obj = cs.obj;
  const tMax = ray[6];
  let bestB = -1;
  let nx = 0, ny = 0, nz = 0, tex = 0;
  for (let i = 0, b = 0; i < cs.count; i++, b += STRIDE) {
    if (intersectObject(cs, b, ray, OUT)) {
      ray[6] = OUT[0]; // later objects must beat this hit
      bestB = b;
      nx = OUT[1]; ny = OUT[2]; nz = OUT[3];
      tex = obj[b + O_TYPE] === S_GRID ? OUT[4] : obj[b + O_TEX];
    }
  }
  const best = ray[6];
  ray[6] = tMax;
  if (bestB < 0) return false;
  const px = ray[0] + best * ray[3], py = ray[1] + best * ray[4], pz = ray[2] + best * ray[5];
  HIT[H_T] = best;
  HIT[H_P] = px; HIT[H_P + 1] = py; HIT[H_P + 2] = pz;
  HIT[H_OBJ] = bestB / STRIDE;
  HIT[H_TEX] = tex;
  const type = obj[bestB + O_TYPE];
  const vx = px - obj[bestB + O_C], vy = py - obj[bestB + O_C + 1], vz = pz - obj[bestB + O_C + 2];
  if (type === S_PLANE || type === S_GRID || obj[bestB + O_IDENT] === 1) {
    HIT[H_N] = nx; HIT[H_N + 1] = ny; HIT[H_N + 2] = nz;
    HIT[H_L] = vx; HIT[H_L + 1] = vy; HIT[H_L + 2] = vz;
  } else {
    const r = bestB + O_R;
    HIT[H_N] = obj[r] * nx + obj[r + 1] * ny + obj[r + 2] * nz;
    HIT[H_N + 1] = obj[r + 3] * nx + obj[r + 4] * ny + obj[r + 5] * nz;
    HIT[H_N + 2] = obj[r + 6] * nx + obj[r + 7] * ny + obj[r + 8] * nz;
    HIT[H_L] = obj[r] * vx + obj[r + 3] * vy + obj[r + 6] * vz;
    HIT[H_L + 1] = obj[r + 1] * vx + obj[r + 4] * vy + obj[r + 7] * vz;
    HIT[H_L + 2] = obj[r + 2] * vx + obj[r + 5] * vy + obj[r + 8] * vz;
  }
  return true;
}

/** Whether any shadow-casting object blocks `ray` before ray[6]. */
export function traceAny(cs: CompiledScene, ray: Float64Array): boolean {
  const casters = cs.shadowCasters;
  for (let i = 0; i < casters.length; i++) {
    if (intersectObject(cs, casters[i] * STRIDE, ray, OUT)) return true;
  }
  return false;
}
