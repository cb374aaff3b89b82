// Ray-primitive intersections against hand-computed hits and misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intersectBox } from '../../src/scenes/primitives/box.js';
import { intersectCapsule } from '../../src/scenes/primitives/capsule.js';
import { intersectCone } from '../../src/scenes/primitives/cone.js';
import { intersectConvex } from '../../src/scenes/primitives/convex.js';
import { intersectCylinder } from '../../src/scenes/primitives/cylinder.js';
import { intersectGrid, type GridData } from '../../src/scenes/primitives/grid.js';
import { MISS } from '../../src/scenes/primitives/hit.js';
import { intersectPlane } from '../../src/scenes/primitives/plane.js';
import { intersectSphere } from '../../src/scenes/primitives/sphere.js';
import { icosahedronPlanes, ICOSAHEDRON_INRADIUS, prismPlanes } from '../../src/scenes/polyhedra.js';
import { compileScene } from '../../src/scenes/compile.js';
import { HIT, H_N, H_T, traceClosest } from '../../src/scenes/intersect.js';
import type { SceneGraph, SceneObject } from '../../src/scenes/scene-graph.js';

const n = new Float64Array(4);
type V = [number, number, number];

function close(actual: number, expected: number, what: string, eps = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);
}
function hit(t: number, expectedT: number, normal: V): void {
  close(t, expectedT, 't');
  close(n[0], normal[0], 'nx'); close(n[1], normal[1], 'ny'); close(n[2], normal[2], 'nz');
}
const unit = (v: V): V => { const l = Math.hypot(...v); return [v[0] / l, v[1] / l, v[2] / l]; };

test('sphere: hit from outside, exit from inside, miss', () => {
  hit(intersectSphere(1, 0, 0, -5, 0, 0, 1, Infinity, n), 4, [0, 0, -1]);
  hit(intersectSphere(1, 0, 0, 0, 1, 0, 0, Infinity, n), 1, [1, 0, 0]);
  assert.equal(intersectSphere(1, 0, 2, -5, 0, 0, 1, Infinity, n), MISS);
  assert.equal(intersectSphere(1, 0, 0, -5, 0, 0, 1, 3.9, n), MISS, 'beyond tMax');
  assert.equal(intersectSphere(1, 0, 0, 5, 0, 0, 1, Infinity, n), MISS, 'behind the origin');
});

test('box: face hits, inside exit, miss', () => {
  hit(intersectBox(1, 2, 3, -5, 0.5, 0.5, 1, 0, 0, Infinity, n), 4, [-1, 0, 0]);
  hit(intersectBox(1, 2, 3, 0.5, 0.5, 10, 0, 0, -1, Infinity, n), 7, [0, 0, 1]);
  hit(intersectBox(1, 2, 3, 0, 0, 0, 0, 1, 0, Infinity, n), 2, [0, 1, 0]);
  assert.equal(intersectBox(1, 2, 3, -5, 2.5, 0, 1, 0, 0, Infinity, n), MISS);
});

test('cylinder: side, cap, miss above', () => {
  hit(intersectCylinder(1, 1, -5, 0, 0, 1, 0, 0, Infinity, n), 4, [-1, 0, 0]);
  hit(intersectCylinder(1, 1, 0.5, 5, 0, 0, -1, 0, Infinity, n), 4, [0, 1, 0]);
  hit(intersectCylinder(1, 1, 0.5, -5, 0, 0, 1, 0, Infinity, n), 4, [0, -1, 0]);
  assert.equal(intersectCylinder(1, 1, -5, 1.5, 0, 1, 0, 0, Infinity, n), MISS);
  assert.equal(intersectCylinder(1, 1, -5, 0, 1.5, 1, 0, 0, Infinity, n), MISS);
});

test('capsule: side, top, end sphere off-axis, miss', () => {
  // radius 0.5, segment half-length 1 (total height 3)
  hit(intersectCapsule(0.5, 1, -5, 0, 0, 1, 0, 0, Infinity, n), 4.5, [-1, 0, 0]);
  hit(intersectCapsule(0.5, 1, 0, 5, 0, 0, -1, 0, Infinity, n), 3.5, [0, 1, 0]);
  const x = Math.sqrt(0.25 - 0.04);
  hit(intersectCapsule(0.5, 1, -5, 1.2, 0, 1, 0, 0, Infinity, n), 5 - x, [-x / 0.5, 0.2 / 0.5, 0]);
  assert.equal(intersectCapsule(0.5, 1, -5, 1.6, 0, 1, 0, 0, Infinity, n), MISS);
});

test('cone: side at half height, base, miss beside the apex', () => {
  // base radius 1 at y = -1, apex at y = 1: radius 0.5 at y = 0; k = 0.5, normal ~ (x, k^2 (a - y), z)
  hit(intersectCone(1, 1, -5, 0, 0, 1, 0, 0, Infinity, n), 4.5, unit([-0.5, 0.25, 0]));
  hit(intersectCone(1, 1, 0, -5, 0, 0, 1, 0, Infinity, n), 4, [0, -1, 0]);
  assert.equal(intersectCone(1, 1, -5, 0.9, 0.2, 1, 0, 0, Infinity, n), MISS);
  assert.equal(intersectCone(1, 1, -5, 1.2, 0, 1, 0, 0, Infinity, n), MISS);
});

test('triangular prism: slanted side, bottom, miss', () => {
  const planes = Float64Array.from(prismPlanes(2, 2, 2));
  // left side runs from (-1, -1) to (0, 1): x = -0.5 at y = 0; outward normal (-2, 1, 0)/sqrt 5
  hit(intersectConvex(planes, 0, 5, -5, 0, 0, 1, 0, 0, Infinity, n), 4.5, unit([-2, 1, 0]));
  hit(intersectConvex(planes, 0, 5, 0, -5, 0, 0, 1, 0, Infinity, n), 4, [0, -1, 0]);
  hit(intersectConvex(planes, 0, 5, 0, 0, 5, 0, 0, -1, Infinity, n), 4, [0, 0, 1]);
  assert.equal(intersectConvex(planes, 0, 5, -5, 1.5, 0, 1, 0, 0, Infinity, n), MISS);
});

test('icosahedron: rests on a face at the inradius, misses outside the circumsphere', () => {
  const phi = (1 + Math.sqrt(5)) / 2;
  const inradius = (phi * phi) / (Math.sqrt(3) * Math.sqrt(phi * phi + 1));
  close(ICOSAHEDRON_INRADIUS, inradius, 'inradius', 1e-12);
  const planes = Float64Array.from(icosahedronPlanes(1));
  assert.equal(planes.length, 80);
  hit(intersectConvex(planes, 0, 20, 0, -5, 0, 0, 1, 0, Infinity, n), 5 - inradius, [0, -1, 0]);
  assert.equal(intersectConvex(planes, 0, 20, 0, -5, 1.01, 0, 1, 0, Infinity, n), MISS);
});

test('plane: oblique hit, parallel miss, behind miss', () => {
  const d = Math.SQRT1_2;
  hit(intersectPlane(0, 1, 0, 0, 0, 3, 0, 0, -d, d, Infinity, n), 3 * Math.SQRT2, [0, 1, 0]);
  assert.equal(intersectPlane(0, 1, 0, 0, 0, 3, 0, 1, 0, 0, Infinity, n), MISS);
  assert.equal(intersectPlane(0, 1, 0, 0, 0, 3, 0, 0, 1, 0, Infinity, n), MISS);
});

test('grid: wall side, wall top, empty row, above the walls', () => {
  // 3x3 cells of size 1 from the origin, only the centre cell is a wall (texture 7)
  const g: GridData = { x0: 0, y0: 0, z0: 0, cellSize: 1, cols: 3, rows: 3, height: 1, cells: Int32Array.from([-1, -1, -1, -1, 7, -1, -1, -1, -1]) };
  hit(intersectGrid(g, -2, 0.5, 1.5, 1, 0, 0, Infinity, n), 3, [-1, 0, 0]);
  assert.equal(n[3], 7);
  hit(intersectGrid(g, 1.5, 0.5, 5, 0, 0, -1, Infinity, n), 3, [0, 0, 1]);
  hit(intersectGrid(g, 1.5, 5, 1.5, 0, -1, 0, Infinity, n), 4, [0, 1, 0]);
  hit(intersectGrid(g, 0.5, 0.5, 1.5, 1, 0, 0, Infinity, n), 0.5, [-1, 0, 0]); // starts inside the grid
  assert.equal(intersectGrid(g, -2, 0.5, 0.5, 1, 0, 0, Infinity, n), MISS);
  assert.equal(intersectGrid(g, -2, 1.5, 1.5, 1, 0, 0, Infinity, n), MISS);
  const d = unit([1, 0, 1]);
  hit(intersectGrid(g, -0.5, 0.5, -0.2, d[0], 0, d[2], Infinity, n), 1.5 * Math.SQRT2, [-1, 0, 0]);
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
  assert.ok(traceClosest(cs, 0, 0, -5, 0, 0, 1, Infinity));
  close(HIT[H_T], 7, 't', 1e-9);
  close(HIT[H_N + 2], -1, 'nz', 1e-9);
  // Rotated cylinder lying along x (rotation about z by 90 degrees): side hit from above.
  const cyl = compileScene(sceneOf([{ shape: 'cylinder', radius: 0.5, height: 4, position: [1, 0, 0], rotation: [0, 0, Math.PI / 2], texture: solid }]));
  assert.ok(traceClosest(cyl, 2.5, 5, 0, 0, -1, 0, Infinity));
  close(HIT[H_T], 4.5, 't', 1e-9);
  close(HIT[H_N + 1], 1, 'ny', 1e-9);
  assert.ok(!traceClosest(cyl, 3.5, 5, 0, 0, -1, 0, Infinity), 'beyond the cylinder end');
});

test('compile rejects bad scenes with clear errors', () => {
  assert.throws(() => compileScene(sceneOf([{ shape: 'sphere', radius: -1, position: [0, 0, 0], texture: solid }])), /radius must be > 0/);
  assert.throws(() => compileScene(sceneOf([{ shape: 'sphere', radius: 1, position: [0, NaN, 0], texture: solid }])), /finite/);
});
