import { T_MIN } from './hit.js';

/** Capped cone: base disc of radius r at y = -a, apex at (0, a, 0). */
export function intersectCone(prm: Float64Array, p: number, ray: Float64Array, n: Float64Array): boolean {
  const r = prm[p], a = prm[p + 1];
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  // Lateral surface: x^2 + z^2 = k^2 (a - y)^2 with k = r / (2a), y in [-a, a].
  const k = r / (2 * a);
  const k2 = k * k;
  const w = a - oy;
  const A = dx * dx + dz * dz - k2 * dy * dy;
  const B = ox * dx + oz * dz + k2 * w * dy;
  const C = ox * ox + oz * oz - k2 * w * w;
  let best = tMax;
  let kind = -1; // 0 side, 1 base
  if (Math.abs(A) > 1e-12) {
    const disc = B * B - A * C;
    if (disc >= 0) {
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
  } else if (B !== 0) {
    const t = -C / (2 * B);
    if (t > T_MIN && t < best) {
      const y = oy + t * dy;
      if (y >= -a && y <= a) { best = t; kind = 0; }
    }
  }
  if (dy !== 0) {
    const tb = (-a - oy) / dy;
    if (tb > T_MIN && tb < best) {
      const x = ox + tb * dx, z = oz + tb * dz;
      if (x * x + z * z <= r * r) { best = tb; kind = 1; }
    }
  }
  if (kind < 0) return false;
  if (kind === 1) {
    n[1] = 0; n[2] = -1; n[3] = 0;
  } else {
    // Gradient of x^2 + z^2 - k^2 (a - y)^2, halved.
    const x = ox + best * dx, y = oy + best * dy, z = oz + best * dz;
    const ny = k2 * (a - y);
    const len = Math.sqrt(x * x + ny * ny + z * z);
    if (len < 1e-12) { n[1] = 0; n[2] = 1; n[3] = 0; } else {
      const inv = 1 / len;
      n[1] = x * inv; n[2] = ny * inv; n[3] = z * inv;
    }
  }
  n[0] = best;
  return true;
}
