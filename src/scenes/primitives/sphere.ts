import { MISS, T_MIN } from './hit.js';

/** Sphere of radius r at the origin. */
export function intersectSphere(
  r: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number,
  tMax: number, n: Float64Array,
): number {
  const b = ox * dx + oy * dy + oz * dz;
  const c = ox * ox + oy * oy + oz * oz - r * r;
  const disc = b * b - c;
  if (disc < 0) return MISS;
  const s = Math.sqrt(disc);
  let t = -b - s;
  if (t <= T_MIN) t = -b + s;
  if (t <= T_MIN || t >= tMax) return MISS;
  const inv = 1 / r;
  n[0] = (ox + t * dx) * inv;
  n[1] = (oy + t * dy) * inv;
  n[2] = (oz + t * dz) * inv;
  return t;
}
