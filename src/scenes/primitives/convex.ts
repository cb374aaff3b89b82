import { T_MIN } from './hit.js';

/**
 * Convex polyhedron given as planes: planes[off + 4i .. 4i+3] = (nx, ny, nz, d), inside where
 * n . x <= d. Clips the ray against every plane (Cyrus-Beck).
 */
export function intersectConvex(planes: Float64Array, off: number, count: number, ray: Float64Array, n: Float64Array): boolean {
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  let tNear = -Infinity, tFar = Infinity;
  let nearP = -1, farP = -1;
  for (let i = 0; i < count; i++) {
    const p = off + 4 * i;
    const nx = planes[p], ny = planes[p + 1], nz = planes[p + 2];
    const denom = nx * dx + ny * dy + nz * dz;
    const dist = planes[p + 3] - (nx * ox + ny * oy + nz * oz);
    if (denom === 0) {
      if (dist < 0) return false;
      continue;
    }
    const t = dist / denom;
    if (denom < 0) {
      if (t > tNear) { tNear = t; nearP = p; }
    } else if (t < tFar) { tFar = t; farP = p; }
    if (tNear > tFar) return false;
  }
  let t: number, p: number;
  if (tNear > T_MIN) { t = tNear; p = nearP; } else { t = tFar; p = farP; }
  if (p < 0 || t <= T_MIN || t >= tMax) return false;
  n[1] = planes[p]; n[2] = planes[p + 1]; n[3] = planes[p + 2];
  n[0] = t;
  return true;
}
