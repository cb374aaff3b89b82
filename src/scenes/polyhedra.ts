/**
 * Face planes of the convex polyhedra (icosahedron, triangular prism), in the unit frame the
 * intersector uses: (nx, ny, nz, d), inside where n . x <= d.
 */
import type { Vec3 } from './scene-graph.js';

const PHI = (1 + Math.sqrt(5)) / 2;

function normalize(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
}

/** Rotation (3x3 row-major) taking unit vector a onto unit vector b (Rodrigues). */
function rotationBetween(a: Vec3, b: Vec3): number[] {
  const v: Vec3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const c = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const k = 1 / (1 + c);
  return [
    v[0] * v[0] * k + c, v[0] * v[1] * k - v[2], v[0] * v[2] * k + v[1],
    v[1] * v[0] * k + v[2], v[1] * v[1] * k + c, v[1] * v[2] * k - v[0],
    v[2] * v[0] * k - v[1], v[2] * v[1] * k + v[0], v[2] * v[2] * k + c,
  ];
}

function apply(m: number[], v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Icosahedron with circumradius 1, turned so that one face lies flat at the bottom (it rests on the floor). */
function icosahedron(): { vertices: Vec3[]; normals: Vec3[] } {
  const raw: Vec3[] = [];
  for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) {
    raw.push([0, s1, s2 * PHI], [s1, s2 * PHI, 0], [s2 * PHI, 0, s1]);
  }
  // Face normals of an icosahedron point at the vertices of the dual dodecahedron.
  const rawNormals: Vec3[] = [];
  for (const a of [-1, 1]) for (const b of [-1, 1]) {
    for (const c of [-1, 1]) rawNormals.push([a, b, c]);
    rawNormals.push([0, a / PHI, b * PHI], [a / PHI, b * PHI, 0], [b * PHI, 0, a / PHI]);
  }
  const rot = rotationBetween(normalize([-1, -1, -1]), [0, -1, 0]);
  return {
    vertices: raw.map((v) => apply(rot, normalize(v))),
    normals: rawNormals.map((v) => apply(rot, normalize(v))),
  };
}

const ICO = icosahedron();

/** Distance from centre to each face of an icosahedron of circumradius 1. */
export const ICOSAHEDRON_INRADIUS = Math.max(...ICO.vertices.map((v) => v[0] * ICO.normals[0][0] + v[1] * ICO.normals[0][1] + v[2] * ICO.normals[0][2]));

/** 20 planes of the icosahedron of circumradius r. */
export function icosahedronPlanes(r: number): number[] {
  const out: number[] = [];
  for (const nrm of ICO.normals) {
    let d = -Infinity;
    for (const v of ICO.vertices) d = Math.max(d, nrm[0] * v[0] + nrm[1] * v[1] + nrm[2] * v[2]);
    out.push(nrm[0], nrm[1], nrm[2], d * r);
  }
  return out;
}

/** 5 planes of the triangular prism (see PrismObject): base width w, height h, depth dz. */
export function prismPlanes(w: number, h: number, dz: number): number[] {
  const hw = w / 2, hh = h / 2;
  const left = normalize([-h, hw, 0]);
  const right = normalize([h, hw, 0]);
  return [
    0, -1, 0, hh,
    0, 0, 1, dz / 2,
    0, 0, -1, dz / 2,
    left[0], left[1], 0, left[0] * -hw + left[1] * -hh,
    right[0], right[1], 0, right[0] * hw + right[1] * -hh,
  ];
}
