import { MISS, T_MIN } from './hit.js';

/** Plane n . x = d (n unit). The normal written is n itself; shading flips it toward the viewer. */
export function intersectPlane(
  nx: number, ny: number, nz: number, d: number,
  ox: number, oy: number, oz: number, dx: number, dy: number, dz: number,
  tMax: number, n: Float64Array,
): number {
  const denom = nx * dx + ny * dy + nz * dz;
  if (denom > -1e-12 && denom < 1e-12) return MISS;
  const t = (d - (nx * ox + ny * oy + nz * oz)) / denom;
  if (t <= T_MIN || t >= tMax) return MISS;
  n[0] = nx; n[1] = ny; n[2] = nz;
  return t;
}
