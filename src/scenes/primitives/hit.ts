/**
 * Conventions shared by the primitive intersectors. Rays and results travel in Float64Arrays
 * rather than as number arguments: V8 boxes doubles passed to (or returned from) functions it
 * does not inline, which would allocate on every ray.
 *
 * ray: [ox, oy, oz, dx, dy, dz, tMax], in the object's local frame, |d| = 1.
 * out: [t, nx, ny, nz, texture]: on a hit (return true) the nearest t in (T_MIN, tMax) and the
 *      local outward unit normal; out[4] is written only by grids (the cell's texture).
 * Rays that start inside a solid get its exit point.
 */
export const T_MIN = 1e-6;

export const RAY_T_MAX = 6;
export const OUT_T = 0;
export const OUT_TEX = 4;

/** A ray buffer, for callers and tests: origin, direction (normalised here), tMax. */
export function makeRay(o: ArrayLike<number>, d: ArrayLike<number>, tMax = Infinity): Float64Array {
  const l = Math.hypot(d[0], d[1], d[2]);
  return Float64Array.of(o[0], o[1], o[2], d[0] / l, d[1] / l, d[2] / l, tMax);
}
