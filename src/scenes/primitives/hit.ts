/**
 * Conventions shared by the primitive intersectors. Each works in the object's local frame on
 * a ray (o, d) with |d| = 1, given as plain numbers so nothing is allocated per ray. It returns
 * the nearest t in (T_MIN, tMax) or MISS, and writes the local outward normal (unit length)
 * into `n[0..2]`. Rays that start inside a solid get its exit point.
 */
export const MISS = Infinity;
/** Hits closer than this are ignored, so a shadow ray does not hit the surface it leaves. */
export const T_MIN = 1e-6;
