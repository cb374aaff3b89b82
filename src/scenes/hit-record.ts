/**
 * The hit record traceClosest fills and shading reads: one preallocated buffer, so no hit
 * allocates. Layout: t, world normal (3, unit, not turned toward the viewer), world point (3),
 * local point (3; only for objects with a texture that reads it, digits, else NaN), object
 * index, texture index.
 */
export const HIT = new Float64Array(12);
export const H_T = 0, H_N = 1, H_P = 4, H_L = 7, H_OBJ = 10, H_TEX = 11;
