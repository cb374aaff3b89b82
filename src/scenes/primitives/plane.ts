import { T_MIN } from './hit.js';

/** Plane n . x = d (n unit). The normal written is n itself; shading flips it toward the viewer. */
export function intersectPlane(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const nx = prm[p], ny = prm[p + 1], nz = prm[p + 2], d = prm[p + 3];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  const denom = nx * dx + ny * dy + nz * dz;
  if (denom > -1e-12 && denom < 1e-12) return false;
  const t = (d - (nx * ox + ny * oy + nz * oz)) / denom;
  if (t <= T_MIN || t >= tMax) return false;
  n[1] = nx; n[2] = ny; n[3] = nz;
  n[0] = t;
  return true;
}
