import { T_MIN } from './hit.js';

/** Capsule: the points within r of the segment (0, -a, 0)-(0, a, 0). */
export function intersectCapsule(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const r = prm[p], a = prm[p + 1];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  let best = tMax;
  let kind = -1; // 0 side, 1 top sphere, 2 bottom sphere
  const r2 = r * r;
  const A = dx * dx + dz * dz;
  if (A > 1e-12) {
    const B = ox * dx + oz * dz;
    const C = ox * ox + oz * oz - r2;
    const disc = B * B - A * C;
    if (disc < 0) {
      if (C > 0) return false; // outside the infinite cylinder that bounds the capsule
    } else {
      const s = Math.sqrt(disc);
      const t0 = (-B - s) / A, t1 = (-B + s) / A;
      if (t0 > T_MIN && t0 < best) {
        const y = oy + t0 * dy;
        if (y >= -a && y <= a) { best = t0; kind = 0; }
      }
      if (t1 > T_MIN && t1 < best) {
        const y = oy + t1 * dy;
        if (y >= -a && y <= a) { best = t1; kind = 0; }
      }
    }
  }
  // End spheres: only their outer halves (|y| >= a) are surface.
  for (let cap = 1; cap <= 2; cap++) {
    const cy = cap === 1 ? a : -a;
    const py = oy - cy;
    const b = ox * dx + py * dy + oz * dz;
    const c = ox * ox + py * py + oz * oz - r2;
    const disc = b * b - c;
    if (disc < 0) continue;
    const s = Math.sqrt(disc);
    for (let k = 0; k < 2; k++) {
      const t = k === 0 ? -b - s : -b + s;
      if (t <= T_MIN || t >= best) continue;
      const y = oy + t * dy;
      if (cap === 1 ? y >= a : y <= -a) { best = t; kind = cap; }
    }
  }
  if (kind < 0) return false;
  const inv = 1 / r;
  const x = ox + best * dx, z = oz + best * dz;
  n[1] = x * inv; n[3] = z * inv;
  n[2] = kind === 0 ? 0 : (oy + best * dy - (kind === 1 ? a : -a)) * inv;
  n[0] = best;
  return true;
}
