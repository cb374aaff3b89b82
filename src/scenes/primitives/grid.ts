import { T_MIN } from './hit.js';

/** A compiled GridObject: axis-aligned wall cells, traversed with a 2-D DDA in x-z. */
export interface GridData {
  x0: number; y0: number; z0: number;
  cellSize: number; cols: number; rows: number; height: number;
  /** Per cell: compiled texture index of the wall, or -1 for an empty cell. */
  cells: Int32Array;
}

/**
 * Ray against the grid's wall boxes (world frame). Writes t and the normal to n[0..3] (see
 * hit.ts) and the hit cell's texture index to n[4]. Visits only the cells the ray crosses (Amanatides-Woo), so a
 * 7x7 maze costs a handful of steps per ray.
 */
export function intersectGrid(g: GridData, ray: Float64Array, n: Float64Array): boolean {
  const ox = ray[0], oy = ray[1], oz = ray[2], dx = ray[3], dy = ray[4], dz = ray[5], tMax = ray[6];
  const cs = g.cellSize;
  const xMax = g.x0 + g.cols * cs, zMax = g.z0 + g.rows * cs, yMax = g.y0 + g.height;
  // Clip against the grid's bounding box, remembering which face the ray enters through.
  let tNear = -Infinity, tFar = Infinity, axis = -1;
  if (dx === 0) { if (ox < g.x0 || ox > xMax) return false; } else {
    let t1 = (g.x0 - ox) / dx, t2 = (xMax - ox) / dx;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; axis = 0; }
    if (t2 < tFar) tFar = t2;
  }
  if (dy === 0) { if (oy < g.y0 || oy > yMax) return false; } else {
    let t1 = (g.y0 - oy) / dy, t2 = (yMax - oy) / dy;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; axis = 1; }
    if (t2 < tFar) tFar = t2;
  }
  if (dz === 0) { if (oz < g.z0 || oz > zMax) return false; } else {
    let t1 = (g.z0 - oz) / dz, t2 = (zMax - oz) / dz;
    if (t1 > t2) { const tmp = t1; t1 = t2; t2 = tmp; }
    if (t1 > tNear) { tNear = t1; axis = 2; }
    if (t2 < tFar) tFar = t2;
  }
  if (tNear > tFar || tFar <= T_MIN || tNear >= tMax) return false;
  let t = tNear;
  if (t <= T_MIN) { t = 0; axis = -1; } // starts inside the box: a wall cell here is not a hit
  const cols = g.cols, rows = g.rows;
  let ix = Math.floor((ox + t * dx - g.x0) / cs);
  let iz = Math.floor((oz + t * dz - g.z0) / cs);
  if (ix < 0) ix = 0; else if (ix >= cols) ix = cols - 1;
  if (iz < 0) iz = 0; else if (iz >= rows) iz = rows - 1;
  const stepX = dx > 0 ? 1 : -1, stepZ = dz > 0 ? 1 : -1;
  const tDeltaX = dx !== 0 ? cs / Math.abs(dx) : Infinity;
  const tDeltaZ = dz !== 0 ? cs / Math.abs(dz) : Infinity;
  let tNextX = dx > 0 ? (g.x0 + (ix + 1) * cs - ox) / dx : dx < 0 ? (g.x0 + ix * cs - ox) / dx : Infinity;
  let tNextZ = dz > 0 ? (g.z0 + (iz + 1) * cs - oz) / dz : dz < 0 ? (g.z0 + iz * cs - oz) / dz : Infinity;
  const tEnd = tFar < tMax ? tFar : tMax;
  for (;;) {
    const tex = g.cells[iz * cols + ix];
    if (tex >= 0 && axis >= 0 && t > T_MIN) {
      n[1] = axis === 0 ? -stepX : 0;
      n[2] = axis === 1 ? (dy > 0 ? -1 : 1) : 0;
      n[3] = axis === 2 ? -stepZ : 0;
      n[4] = tex;
      n[0] = t;
      return true;
    }
    if (tNextX < tNextZ) {
      t = tNextX; ix += stepX; tNextX += tDeltaX; axis = 0;
      if (ix < 0 || ix >= cols) return false;
    } else {
      t = tNextZ; iz += stepZ; tNextZ += tDeltaZ; axis = 2;
      if (iz < 0 || iz >= rows) return false;
    }
    if (t >= tEnd) return false;
  }
}
