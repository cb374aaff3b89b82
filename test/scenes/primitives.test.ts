// Ray-primitive intersections against hand-computed hits and misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intersectBox } from '../../src/scenes/primitives/box.js';
import { intersectCapsule } from '../../src/scenes/primitives/capsule.js';
import { intersectCone } from '../../src/scenes/primitives/cone.js';
import { intersectConvex } from '../../src/scenes/primitives/convex.js';
import { intersectCylinder } from '../../src/scenes/primitives/cylinder.js';
import { intersectGrid, type GridData } from '../../src/scenes/primitives/grid.js';
import { makeRay } from '../../src/scenes/primitives/hit.js';
import { intersectPlane } from '../../src/scenes/primitives/plane.js';
import { intersectSphere } from '../../src/scenes/primitives/sphere.js';
import { icosahedronPlanes, ICOSAHEDRON_INRADIUS, prismPlanes } from '../../src/scenes/polyhedra.js';
import { compileScene } from '../../src/scenes/compile.js';
import { traceClosest } from '../../src/scenes/intersect.js';
import { HIT, H_N, H_T } from '../../src/scenes/hit-record.js';
import type { SceneGraph, SceneObject } from '../../src/scenes/scene-graph.js';

/** Primitive output: t, normal, grid texture. */
const n = new Float64Array(5);
type V = [number, number, number];
const MISS = Infinity;

function close(actual: number, expected: number, what: string, eps = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);
}
function hit(t: number, expectedT: number, normal: V): void {
  close(t, expectedT, 't');
  close(n[1], normal[0], 'nx'); close(n[2], normal[1], 'ny'); close(n[3], normal[2], 'nz');
}
/** Adapters from the buffer API: t of the hit, or MISS. */
const ray = (ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) => makeRay([ox, oy, oz], [dx, dy, dz], tMax);
const t = (hitFlag: boolean): number => (hitFlag ? n[0] : MISS);
const sphere = (r: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectSphere(Float64Array.of(r), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const box = (hx: number, hy: number, hz: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectBox(Float64Array.of(hx, hy, hz), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const cylinder = (r: number, a: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectCylinder(Float64Array.of(r, a), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const capsule = (r: number, a: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectCapsule(Float64Array.of(r, a), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const cone = (r: number, a: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectCone(Float64Array.of(r, a), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const convex = (planes: Float64Array, off: number, count: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectConvex(planes, off, count, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const plane = (nx: number, ny: number, nz: number, d: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectPlane(Float64Array.of(nx, ny, nz, d), 0, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const grid = (g: GridData, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number) =>
  t(intersectGrid(g, ray(ox, oy, oz, dx, dy, dz, tMax), n));
const unit = (v: V): V => { const l = Math.hypot(...v); return [v[0] / l, v[1] / l, v[2] / l]; };

test('sphere: hit from outside, exit from inside, miss', () => {
  hit(sphere(1, 0, 0, -5, 0, 0, 1, Infinity), 4, [0, 0, -1]);
  hit(sphere(1, 0, 0, 0, 1, 0, 0, Infinity), 1, [1, 0, 0]);
  assert.equal(sphere(1, 0, 2, -5, 0, 0, 1, Infinity), MISS);
  assert.equal(sphere(1, 0, 0, -5, 0, 0, 1, 3.9), MISS, 'beyond tMax');
  assert.equal(sphere(1, 0, 0, 5, 0, 0, 1, Infinity), MISS, 'behind the origin');
});

test('box: face hits, inside exit, miss', () => {
  hit(box(1, 2, 3, -5, 0.5, 0.5, 1, 0, 0, Infinity), 4, [-1, 0, 0]);
  hit(box(1, 2, 3, 0.5, 0.5, 10, 0, 0, -1, Infinity), 7, [0, 0, 1]);
  hit(box(1, 2, 3, 0, 0, 0, 0, 1, 0, Infinity), 2, [0, 1, 0]);
  assert.equal(box(1, 2, 3, -5, 2.5, 0, 1, 0, 0, Infinity), MISS);
});

test('cylinder: side, cap, miss above', () => {
  hit(cylinder(1, 1, -5, 0, 0, 1, 0, 0, Infinity), 4, [-1, 0, 0]);
  hit(cylinder(1, 1, 0.5, 5, 0, 0, -1, 0, Infinity), 4, [0, 1, 0]);
  hit(cylinder(1, 1, 0.5, -5, 0, 0, 1, 0, Infinity), 4, [0, -1, 0]);
  assert.equal(cylinder(1, 1, -5, 1.5, 0, 1, 0, 0, Infinity), MISS);
  assert.equal(cylinder(1, 1, -5, 0, 1.5, 1, 0, 0, Infinity), MISS);
});

test('capsule: side, top, end sphere off-axis, miss', () => {
  // radius 0.5, segment half-length 1 (total height 3)
  hit(capsule(0.5, 1, -5, 0, 0, 1, 0, 0, Infinity), 4.5, [-1, 0, 0]);
  hit(capsule(0.5, 1, 0, 5, 0, 0, -1, 0, Infinity), 3.5, [0, 1, 0]);
  const x = Math.sqrt(0.25 - 0.04);
  hit(capsule(0.5, 1, -5, 1.2, 0, 1, 0, 0, Infinity), 5 - x, [-x / 0.5, 0.2 / 0.5, 0]);
  assert.equal(capsule(0.5, 1, -5, 1.6, 0, 1, 0, 0, Infinity), MISS);
});

test('cone: side at half height, base, miss beside the apex', () => {
  // base radius 1 at y = -1, apex at y = 1: radius 0.5 at y = 0; k = 0.5, normal ~ (x, k^2 (a - y), z)
  hit(cone(1, 1, -5, 0, 0, 1, 0, 0, Infinity), 4.5, unit([-0.5, 0.25, 0]));
  hit(cone(1, 1, 0, -5, 0, 0, 1, 0, Infinity), 4, [0, -1, 0]);
  assert.equal(cone(1, 1, -5, 0.9, 0.2, 1, 0, 0, Infinity), MISS);
  assert.equal(cone(1, 1, -5, 1.2, 0, 1, 0, 0, Infinity), MISS);
});

test('triangular prism: slanted side, bottom, miss', () => {
  const planes = Float64Array.from(prismPlanes(2, 2, 2));
  // left side runs from (-1, -1) to (0, 1): x = -0.5 at y = 0; outward normal (-2, 1, 0)/sqrt 5
  hit(convex(planes, 0, 5, -5, 0, 0, 1, 0, 0, Infinity), 4.5, unit([-2, 1, 0]));
  hit(convex(planes, 0, 5, 0, -5, 0, 0, 1, 0, Infinity), 4, [0, -1, 0]);
  hit(convex(planes, 0, 5, 0, 0, 5, 0, 0, -1, Infinity), 4, [0, 0, 1]);
  assert.equal(convex(planes, 0, 5, -5, 1.5, 0, 1, 0, 0, Infinity), MISS);
});

test('icosahedron: rests on a face at the inradius, misses outside the circumsphere', () => {
  const phi = (1 + Math.sqrt(5)) / 2;
  const inradius = (phi * phi) / (Math.sqrt(3) * Math.sqrt(phi * phi + 1));
  close(ICOSAHEDRON_INRADIUS, inradius, 'inradius', 1e-12);
  const planes = Float64Array.from(icosahedronPlanes(1));
  assert.equal(planes.length, 80);
  hit(convex(planes, 0, 20, 0, -5, 0, 0, 1, 0, Infinity), 5 - inradius, [0, -1, 0]);
  assert.equal(convex(planes, 0, 20, 0, -5, 1.01, 0, 1, 0, Infinity), MISS);
});

test('plane: oblique hit, parallel miss, behind miss', () => {
  const d = Math.SQRT1_2;
  hit(plane(0, 1, 0, 0, 0, 3, 0, 0, -d, d, Infinity), 3 * Math.SQRT2, [0, 1, 0]);
  assert.equal(plane(0, 1, 0, 0, 0, 3, 0, 1, 0, 0, Infinity), MISS);
  assert.equal(plane(0, 1, 0, 0, 0, 3, 0, 0, 1, 0, Infinity), MISS);
});

test('grid: wall side, wall top, empty row, above the walls', () => {
  // 3x3 cells of size 1 from the origin, only the centre cell is a wall (texture 7)
  const g: GridData = { x0: 0, y0: 0, z0: 0, cellSize: 1, cols: 3, rows: 3, height: 1, cells: Int32Array.from([-1, -1, -1, -1, 7, -1, -1, -1, -1]) };
  hit(grid(g, -2, 0.5, 1.5, 1, 0, 0, Infinity), 3, [-1, 0, 0]);
  assert.equal(n[4], 7);
  hit(grid(g, 1.5, 0.5, 5, 0, 0, -1, Infinity), 3, [0, 0, 1]);
  hit(grid(g, 1.5, 5, 1.5, 0, -1, 0, Infinity), 4, [0, 1, 0]);
  hit(grid(g, 0.5, 0.5, 1.5, 1, 0, 0, Infinity), 0.5, [-1, 0, 0]); // starts inside the grid
  assert.equal(grid(g, -2, 0.5, 0.5, 1, 0, 0, Infinity), MISS);
  assert.equal(grid(g, -2, 1.5, 1.5, 1, 0, 0, Infinity), MISS);
  const d = unit([1, 0, 1]);
  hit(grid(g, -0.5, 0.5, -0.2, d[0], 0, d[2], Infinity), 1.5 * Math.SQRT2, [-1, 0, 0]);
});

function sceneOf(objects: SceneObject[]): SceneGraph {
  return { world: 'test', objects, lights: [], ambient: [1, 1, 1], background: [0, 0, 0], fov: 1, camera: { kind: 'ring', radius: 1, height: 0, target: [0, 0, 0] } };
}
const solid = { kind: 'solid' as const, color: [1, 1, 1] as V };

test('scene: rotated and translated objects, nearest of several', () => {
  // A 2x1x1 box turned 90 degrees about y now spans z in [-1, 1] around its centre (0, 0, 3).
  const cs = compileScene(sceneOf([
    { shape: 'box', size: [2, 1, 1], position: [0, 0, 3], rotation: [0, Math.PI / 2, 0], texture: solid },
    { shape: 'sphere', radius: 1, position: [0, 0, 10], texture: solid },
  ]));
  assert.ok(traceClosest(cs, makeRay([0, 0, -5], [0, 0, 1])));
  close(HIT[H_T], 7, 't', 1e-9);
  close(HIT[H_N + 2], -1, 'nz', 1e-9);
  // Rotated cylinder lying along x (rotation about z by 90 degrees): side hit from above.
  const cyl = compileScene(sceneOf([{ shape: 'cylinder', radius: 0.5, height: 4, position: [1, 0, 0], rotation: [0, 0, Math.PI / 2], texture: solid }]));
  assert.ok(traceClosest(cyl, makeRay([2.5, 5, 0], [0, -1, 0])));
  close(HIT[H_T], 4.5, 't', 1e-9);
  close(HIT[H_N + 1], 1, 'ny', 1e-9);
  assert.ok(!traceClosest(cyl, makeRay([3.5, 5, 0], [0, -1, 0])), 'beyond the cylinder end');
});

test('compile rejects bad scenes with clear errors', () => {
  assert.throws(() => compileScene(sceneOf([{ shape: 'sphere', radius: -1, position: [0, 0, 0], texture: solid }])), /radius must be > 0/);
  assert.throws(() => compileScene(sceneOf([{ shape: 'sphere', radius: 1, position: [0, NaN, 0], texture: solid }])), /finite/);
});
