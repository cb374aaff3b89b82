import { T_MIN } from './hit.js';

/** Capped cylinder: radius r around the y axis, y in [-a, a]. */
export function intersectCylinder(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const r = prm[p], a = prm[p + 1];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  let best = tMax;
  let kind = -1; // 0 side, 1 top cap, 2 bottom cap
  const A = dx * dx + dz * dz;
  if (A > 1e-12) {
    const B = ox * dx + oz * dz;
    const C = ox * ox + oz * oz - r * r;
    const disc = B * B - A * C;
    if (disc >= 0) {
      const s = Math.sqrt(disc);
      const t0 = (-B - s) / A;
      if (t0 > T_MIN && t0 < best) {
        const y = oy + t0 * dy;
        if (y >= -a && y <= a) { best = t0; kind = 0; }
      }
      const t1 = (-B + s) / A;
      if (t1 > T_MIN && t1 < best) {
        const y = oy + t1 * dy;
        if (y >= -a && y <= a) { best = t1; kind = 0; }
      }
    } else if (C > 0) {
      return false; // misses the infinite cylinder, so also the caps
    }
  }
  if (dy !== 0) {
    const r2 = r * r;
    const tTop = (a - oy) / dy;
    if (tTop > T_MIN && tTop < best) {
      const x = ox + tTop * dx, z = oz + tTop * dz;
      if (x * x + z * z <= r2) { best = tTop; kind = 1; }
    }
    const tBot = (-a - oy) / dy;
    if (tBot > T_MIN && tBot < best) {
      const x = ox + tBot * dx, z = oz + tBot * dz;
      if (x * x + z * z <= r2) { best = tBot; kind = 2; }
    }
  }
  if (kind < 0) return false;
  if (kind === 0) {
    const inv = 1 / r;
    n[1] = (ox + best * dx) * inv; n[2] = 0; n[3] = (oz + best * dz) * inv;
  } else {
    n[1] = 0; n[2] = kind === 1 ? 1 : -1; n[3] = 0;
  }
  n[0] = best;
  return true;
}
