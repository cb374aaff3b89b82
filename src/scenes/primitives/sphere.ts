import { T_MIN } from './hit.js';

/** Sphere of radius r at the origin. */
export function intersectSphere(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const r = prm[p];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  const b = ox * dx + oy * dy + oz * dz;
  const c = ox * ox + oy * oy + oz * oz - r * r;
  const disc = b * b - c;
  if (disc < 0) return false;
  const s = Math.sqrt(disc);
  let t = -b - s;
  if (t <= T_MIN) t = -b + s;
  if (t <= T_MIN || t >= tMax) return false;
  const inv = 1 / r;
  n[1] = (ox + t * dx) * inv;
  n[2] = (oy + t * dy) * inv;
  n[3] = (oz + t * dz) * inv;
  n[0] = t;
  return true;
}
