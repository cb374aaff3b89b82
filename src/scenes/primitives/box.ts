import { T_MIN } from './hit.js';

/** Box [-hx, hx] x [-hy, hy] x [-hz, hz] (slab method). */
export function intersectBox(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const hx = prm[p], hy = prm[p + 1], hz = prm[p + 2];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  let tNear = -Infinity, tFar = Infinity;
  let nearAxis = -1, farAxis = -1;
  // x slab
  if (dx === 0) {
    if (ox < -hx || ox > hx) return false;
  } else {
    const inv = 1 / dx;
    let t1 = (-hx - ox) * inv, t2 = (hx - ox) * inv;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; nearAxis = 0; }
    if (t2 < tFar) { tFar = t2; farAxis = 0; }
  }
  if (dy === 0) {
    if (oy < -hy || oy > hy) return false;
  } else {
    const inv = 1 / dy;
    let t1 = (-hy - oy) * inv, t2 = (hy - oy) * inv;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; nearAxis = 1; }
    if (t2 < tFar) { tFar = t2; farAxis = 1; }
  }
  if (dz === 0) {
    if (oz < -hz || oz > hz) return false;
  } else {
    const inv = 1 / dz;
    let t1 = (-hz - oz) * inv, t2 = (hz - oz) * inv;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; nearAxis = 2; }
    if (t2 < tFar) { tFar = t2; farAxis = 2; }
  }
  if (tNear > tFar || tFar <= T_MIN) return false;
  let t: number, axis: number, sign: number;
  if (tNear > T_MIN) {
    t = tNear; axis = nearAxis;
    // Entering through the face the ray points into: the normal opposes d.
    sign = (axis === 0 ? dx : axis === 1 ? dy : dz) > 0 ? -1 : 1;
  } else {
    t = tFar; axis = farAxis;
    sign = (axis === 0 ? dx : axis === 1 ? dy : dz) > 0 ? 1 : -1;
  }
  if (t >= tMax) return false;
  n[1] = axis === 0 ? sign : 0;
  n[2] = axis === 1 ? sign : 0;
  n[3] = axis === 2 ? sign : 0;
  n[0] = t;
  return true;
}
