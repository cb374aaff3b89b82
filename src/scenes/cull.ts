/**
 * Screen-space culling for the camera rays of one view: which objects a pixel's rays can hit
 * at all, so traceClosest tests only those. Everything here is conservative (padded by at least
 * a pixel, plus a rounding margin): an object is left out of a pixel only where the full test
 * would reject it for every ray of that pixel, so the nearest hit (ties going to the lower
 * index) and the image are exactly what testing every object gives.
 *
 * - Bounded objects: a ray can hit one only through its bounding sphere, and the sphere's image
 *   lies inside the rectangle spanned by its tangent planes through the eye; when the object's
 *   local bounding box is wholly in front of the eye, also inside the rectangle around the
 *   projections of the box's corners (tighter for boxes and cubes).
 * - Planes: a ray from the eye meets a plane at t > 0 only if n . d has the sign of the
 *   plane's numerator d - n . eye; n . d is linear in the image coordinates (h, v), so the
 *   pixels that can see the plane form a half-plane, one column range per row (the floor is
 *   never tested above the horizon, a wall never on the side of the image that looks away).
 * - Grids, and bounding spheres that reach behind the image plane, cover the whole image.
 */
import { O_BOUND, O_C, O_EXT, O_P, O_R, O_TYPE, STRIDE, S_GRID, S_PLANE, type CompiledScene } from './compile.js';

/** Per object: first and last row, first and last column (inclusive; first > last: none). */
let RECT = new Int32Array(64);
/** Per plane: sA, sB, sC, margin (s n . (f + h r + v u) > 0 where it can be hit), else unused. */
let PLANE = new Float64Array(64);
let PLANE_FLAG = new Uint8Array(16);

/** The view's constants, set by cullView and read by rowRanges. */
let SIZE = 0, TAN_H = 0, STEP = 0, COUNT = 0;

/**
 * Prepares the culling of a view: eye (ox, oy, oz), basis f, r, u, image half-extent tanH
 * (h, v in [-tanH, tanH]), pixel step, size; pre holds prepareOrigin's constants for the eye.
 */
export function cullView(
  cs: CompiledScene, ox: number, oy: number, oz: number,
  f: readonly number[], r: readonly number[], u: readonly number[], tanH: number, step: number, size: number,
  pre: Float64Array,
): void {
  const count = cs.count;
  if (RECT.length < 4 * count) {
    RECT = new Int32Array(8 * count); PLANE = new Float64Array(8 * count); PLANE_FLAG = new Uint8Array(2 * count);
  }
  SIZE = size; TAN_H = tanH; STEP = step; COUNT = count;
  const obj = cs.obj;
  const last = size - 1;
  for (let i = 0, b = 0; i < count; i++, b += STRIDE) {
    const q = 4 * i;
    let r0 = 0, r1 = last, c0 = 0, c1 = last;
    const type = obj[b + O_TYPE];
    PLANE_FLAG[i] = 0;
    if (type === S_PLANE) {
      const num = pre[q];
      if (num === 0) {
        r0 = 1; r1 = 0; // t = 0 for every ray: never a hit
      } else if (num > 0 || num < 0) {
        const s = num > 0 ? 1 : -1;
        const p = b + O_P;
        const nx = obj[p], ny = obj[p + 1], nz = obj[p + 2];
        const A = s * (nx * f[0] + ny * f[1] + nz * f[2]);
        const B = s * (nx * r[0] + ny * r[1] + nz * r[2]);
        const C = s * (nx * u[0] + ny * u[1] + nz * u[2]);
        const ext = tanH + 2 * step;
        const margin = 1e-9 * (1 + Math.abs(A) + (Math.abs(B) + Math.abs(C)) * ext);
        if (Number.isFinite(A + B + C + margin)) {
          PLANE[q] = A; PLANE[q + 1] = B; PLANE[q + 2] = C; PLANE[q + 3] = margin;
          PLANE_FLAG[i] = 1;
        }
      }
    } else if (type !== S_GRID && obj[b + O_BOUND] >= 0) {
      const R = obj[b + O_BOUND];
      const cx = obj[b + O_C] - ox, cy = obj[b + O_C + 1] - oy, cz = obj[b + O_C + 2] - oz;
      // Centre in camera coordinates: X right, Y up, Z forward.
      const X = cx * r[0] + cy * r[1] + cz * r[2];
      const Y = cx * u[0] + cy * u[1] + cz * u[2];
      const Z = cx * f[0] + cy * f[1] + cz * f[2];
      const margin = 1e-6 * (1 + Math.sqrt(cx * cx + cy * cy + cz * cz));
      if (Z < -R - margin) {
        r0 = 1; r1 = 0; // wholly behind the camera, and every camera ray points forward
      } else {
        let hMin = -Infinity, hMax = Infinity, vMin = -Infinity, vMax = Infinity;
        if (Z > R + margin) {
          // Tangent planes through the eye containing the up (right) axis bound the sphere's
          // image: h = (XZ +- R sqrt(X^2 + Z^2 - R^2)) / (Z^2 - R^2), likewise v with Y.
          const D = Z * Z - R * R;
          const sx = R * Math.sqrt(X * X + D), sy = R * Math.sqrt(Y * Y + D);
          hMin = (X * Z - sx) / D; hMax = (X * Z + sx) / D;
          vMin = (Y * Z - sy) / D; vMax = (Y * Z + sy) / D;
        }
        // The local bounding box is often tighter: when all its corners are in front of the
        // eye, the image of the (convex) box lies within their projections' bounding box.
        const ex = obj[b + O_EXT], ey = obj[b + O_EXT + 1], ez = obj[b + O_EXT + 2];
        const m = b + O_R;
        // Box axes (columns of R, scaled by the half-extents) in camera coordinates.
        const ax = obj[m] * ex, ay = obj[m + 3] * ex, az = obj[m + 6] * ex;
        const bx = obj[m + 1] * ey, by = obj[m + 4] * ey, bz = obj[m + 7] * ey;
        const gx = obj[m + 2] * ez, gy = obj[m + 5] * ez, gz = obj[m + 8] * ez;
        const aX = ax * r[0] + ay * r[1] + az * r[2], aY = ax * u[0] + ay * u[1] + az * u[2], aZ = ax * f[0] + ay * f[1] + az * f[2];
        const bX = bx * r[0] + by * r[1] + bz * r[2], bY = bx * u[0] + by * u[1] + bz * u[2], bZ = bx * f[0] + by * f[1] + bz * f[2];
        const gX = gx * r[0] + gy * r[1] + gz * r[2], gY = gx * u[0] + gy * u[1] + gz * u[2], gZ = gx * f[0] + gy * f[1] + gz * f[2];
        if (Z - Math.abs(aZ) - Math.abs(bZ) - Math.abs(gZ) > margin) {
          let h0 = Infinity, h1 = -Infinity, v0 = Infinity, v1 = -Infinity;
          for (let corner = 0; corner < 8; corner++) {
            const sa = corner & 1 ? 1 : -1, sb = corner & 2 ? 1 : -1, sg = corner & 4 ? 1 : -1;
            const KX = X + sa * aX + sb * bX + sg * gX;
            const KY = Y + sa * aY + sb * bY + sg * gY;
            const KZ = Z + sa * aZ + sb * bZ + sg * gZ;
            const h = KX / KZ, v = KY / KZ;
            if (h < h0) h0 = h;
            if (h > h1) h1 = h;
            if (v < v0) v0 = v;
            if (v > v1) v1 = v;
          }
          if (h0 > hMin) hMin = h0;
          if (h1 < hMax) hMax = h1;
          if (v0 > vMin) vMin = v0;
          if (v1 < vMax) vMax = v1;
        }
        // Pixel j's rays have (h + tanH) / step in [j, j + 1] (rows: (tanH - v) / step);
        // pad by a pixel or more. Infinite bounds leave the range whole; NaN compares false.
        const cMin = Math.floor((hMin + tanH) / step) - 2, cMax = Math.floor((hMax + tanH) / step) + 1;
        const rMin = Math.floor((tanH - vMax) / step) - 2, rMax = Math.floor((tanH - vMin) / step) + 1;
        if (cMin > c0) c0 = cMin > last ? size : cMin;
        if (cMax < c1) c1 = cMax < 0 ? -1 : cMax;
        if (rMin > r0) r0 = rMin > last ? size : rMin;
        if (rMax < r1) r1 = rMax < 0 ? -1 : rMax;
      }
    }
    RECT[q] = r0; RECT[q + 1] = r1; RECT[q + 2] = c0; RECT[q + 3] = c1;
  }
}

/**
 * The objects that pixel row i can see, in scene order, written to row as (index, first
 * column, last column) triples; returns the number of entries * 3. row needs 3 * count slots.
 */
export function rowRanges(i: number, row: Int32Array): number {
  const last = SIZE - 1, tanH = TAN_H, step = STEP;
  let rn = 0;
  for (let k = 0; k < COUNT; k++) {
    const q = 4 * k;
    if (RECT[q] > i || i > RECT[q + 1]) continue;
    let c0 = RECT[q + 2], c1 = RECT[q + 3];
    if (PLANE_FLAG[k] === 1) {
      // Rays of pixel (i, j), padded by a pixel: v in [tanH - (i + 2) step, tanH - (i - 1) step],
      // h in [hj - step, hj + 2 step] with hj = j step - tanH. The plane is out where
      // A + B h + C v < -margin over all of that.
      const A = PLANE[q], B = PLANE[q + 1], C = PLANE[q + 2], margin = PLANE[q + 3];
      const vLo = tanH - (i + 2) * step, vHi = tanH - (i - 1) * step;
      const g0 = A + (C > 0 ? C * vHi : C * vLo) + margin; // out where g0 + B h < 0 for all h
      if (B > 1e-12) {
        // Out where hj + 2 step < -g0 / B.
        const j0 = Math.floor((-g0 / B + tanH) / step) - 3;
        if (j0 > c0) c0 = j0;
      } else if (B < -1e-12) {
        // Out where hj - step > -g0 / B.
        const j1 = Math.floor((-g0 / B + tanH) / step) + 2;
        if (j1 < c1) c1 = j1;
      } else if (g0 + Math.abs(B) * (tanH + 2 * step) < 0) {
        continue;
      }
      if (c0 > last || c1 < 0 || c0 > c1) continue;
    }
    row[rn] = k; row[rn + 1] = c0; row[rn + 2] = c1; rn += 3;
  }
  return rn;
}
