// The camera convention: y up, yaw from +x toward +z, pitch up positive, row 0 at the top.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraBasis, lookAt, projectPoint, renderViewLinear, type Camera, type SceneGraph, type Vec3 } from '../../src/scenes/index.js';

const SIZE = 33; // odd, so there is a centre pixel

/** A red sphere at `at` in an otherwise empty black scene, lit only by ambient light. */
function sphereScene(at: Vec3, radius = 0.5): SceneGraph {
  return {
    world: 'test',
    objects: [{ shape: 'sphere', radius, position: at, texture: { kind: 'solid', color: [1, 0, 0] } }],
    lights: [],
    ambient: [1, 1, 1],
    background: [0, 0, 0],
    fov: Math.PI / 3,
    camera: { kind: 'ring', radius: 1, height: 0, target: [0, 0, 0] },
  };
}

/** Centroid [column, row] of the red pixels. */
function redCentroid(img: Float32Array): [number, number] {
  let sx = 0, sy = 0, count = 0;
  for (let i = 0; i < SIZE; i++) {
    for (let j = 0; j < SIZE; j++) {
      if (img[(i * SIZE + j) * 3] > 0.5) { sx += j + 0.5; sy += i + 0.5; count++; }
    }
  }
  assert.ok(count > 0, 'the sphere is visible');
  return [sx / count, sy / count];
}

const origin: Camera = { position: [0, 0, 0], yaw: 0, pitch: 0 };

test('yaw 0 looks along +x: an object straight ahead lands at the image centre', () => {
  const [cx, cy] = redCentroid(renderViewLinear(sphereScene([5, 0, 0]), origin, SIZE));
  assert.ok(Math.abs(cx - SIZE / 2) < 0.5 && Math.abs(cy - SIZE / 2) < 0.5, `centroid ${cx},${cy}`);
  const centre = renderViewLinear(sphereScene([5, 0, 0]), origin, SIZE);
  assert.equal(centre[((SIZE >> 1) * SIZE + (SIZE >> 1)) * 3], 1);
});

test('+z is to the right of a camera looking along +x; +y is up', () => {
  const [rx] = redCentroid(renderViewLinear(sphereScene([5, 0, 1.5]), origin, SIZE));
  assert.ok(rx > SIZE / 2 + 2, `object at +z lands right, column ${rx}`);
  const [lx] = redCentroid(renderViewLinear(sphereScene([5, 0, -1.5]), origin, SIZE));
  assert.ok(lx < SIZE / 2 - 2, `object at -z lands left, column ${lx}`);
  const [, uy] = redCentroid(renderViewLinear(sphereScene([5, 1.5, 0]), origin, SIZE));
  assert.ok(uy < SIZE / 2 - 2, `object above lands in the upper half, row ${uy}`);
  const [, dy] = redCentroid(renderViewLinear(sphereScene([5, -1.5, 0]), origin, SIZE));
  assert.ok(dy > SIZE / 2 + 2, `object below lands in the lower half, row ${dy}`);
});

test('yaw pi/2 looks along +z (then -x is on the right); pitch up sees objects above', () => {
  const cam: Camera = { position: [0, 0, 0], yaw: Math.PI / 2, pitch: 0 };
  const [cx, cy] = redCentroid(renderViewLinear(sphereScene([0, 0, 5]), cam, SIZE));
  assert.ok(Math.abs(cx - SIZE / 2) < 0.5 && Math.abs(cy - SIZE / 2) < 0.5);
  const [rx] = redCentroid(renderViewLinear(sphereScene([-1.5, 0, 5]), cam, SIZE));
  assert.ok(rx > SIZE / 2 + 2);
  const up: Camera = { position: [0, 0, 0], yaw: 0, pitch: Math.atan2(3, 5) };
  const [ux, uy] = redCentroid(renderViewLinear(sphereScene([5, 3, 0]), up, SIZE));
  assert.ok(Math.abs(ux - SIZE / 2) < 0.5 && Math.abs(uy - SIZE / 2) < 0.5, 'pitched camera centres the raised object');
});

test('lookAt and projectPoint agree with the renderer', () => {
  const target: Vec3 = [1, 0.5, -2];
  const cam = lookAt([4, 2, 3], target);
  const { forward, right, up } = cameraBasis(cam);
  const d = [target[0] - 4, target[1] - 2, target[2] - 3];
  const len = Math.hypot(d[0], d[1], d[2]);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(forward[k] - d[k] / len) < 1e-12);
  // Orthonormal, right horizontal.
  assert.ok(Math.abs(right[1]) < 1e-12);
  assert.ok(Math.abs(right[0] * up[0] + right[1] * up[1] + right[2] * up[2]) < 1e-12);
  assert.ok(up[1] > 0);
  const scene = sphereScene([1.6, 0.2, -2.4], 0.3);
  const [cx, cy] = redCentroid(renderViewLinear(scene, cam, SIZE));
  const p = projectPoint(cam, scene.fov, SIZE, [1.6, 0.2, -2.4])!;
  assert.ok(Math.abs(cx - p[0]) < 0.6 && Math.abs(cy - p[1]) < 0.6, `rendered ${cx},${cy} projected ${p}`);
  assert.equal(projectPoint(cam, scene.fov, SIZE, [7, 3.5, 8]), null, 'behind the camera');
});

test('looking straight down keeps a well-defined frame', () => {
  const cam: Camera = { position: [0, 5, 0], yaw: -Math.PI / 2, pitch: -Math.PI / 2 };
  const { right, up } = cameraBasis(cam);
  assert.ok(Math.abs(right[0] - 1) < 1e-12, 'image right = +x');
  assert.ok(Math.abs(up[2] + 1) < 1e-12, 'image up = -z');
  const [cx, cy] = redCentroid(renderViewLinear(sphereScene([0, 0, 0]), cam, SIZE));
  assert.ok(Math.abs(cx - SIZE / 2) < 0.5 && Math.abs(cy - SIZE / 2) < 0.5);
});
