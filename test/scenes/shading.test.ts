// Lambert shading, ambient, hard shadows (directional and point lights) and textures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderViewLinear, type Camera, type Light, type SceneGraph, type SceneObject } from '../../src/scenes/index.js';

const down: Camera = { position: [0, 10, 0], yaw: -Math.PI / 2, pitch: -Math.PI / 2 };
const SIZE = 21;

function floorScene(lights: Light[], extra: SceneObject[] = []): SceneGraph {
  return {
    world: 'test',
    objects: [{ shape: 'plane', position: [0, 0, 0], normal: [0, 1, 0], texture: { kind: 'solid', color: [1, 1, 1] }, castShadow: false }, ...extra],
    lights,
    ambient: [0.2, 0.2, 0.2],
    background: [0, 0, 0],
    fov: Math.PI / 4,
    camera: { kind: 'ring', radius: 1, height: 0, target: [0, 0, 0] },
  };
}

const pixel = (img: Float32Array, row: number, col: number) => img[(row * SIZE + col) * 3];

test('Lambert: ambient + intensity * cos(angle to the light)', () => {
  const elev = Math.PI / 3;
  const img = renderViewLinear(floorScene([{ kind: 'directional', direction: [Math.cos(elev), Math.sin(elev), 0], color: [0.5, 0.5, 0.5] }]), down, SIZE);
  assert.ok(Math.abs(pixel(img, 3, 3) - (0.2 + 0.5 * Math.sin(elev))) < 1e-6);
  const below = renderViewLinear(floorScene([{ kind: 'directional', direction: [0, -1, 0], color: [1, 1, 1] }]), down, SIZE);
  assert.ok(Math.abs(pixel(below, 10, 10) - 0.2) < 1e-6, 'a light from below leaves ambient only');
});

test('a sphere casts a hard shadow straight below it; the rest of the floor stays lit', () => {
  // A small sphere at height 1 hidden from the camera by nothing: the camera sees it from above,
  // so look at a floor point beside the sphere's image, inside its (offset) shadow.
  const light: Light = { kind: 'directional', direction: [1, 1, 0], color: [0.6, 0.6, 0.6] };
  const sphere: SceneObject = { shape: 'sphere', radius: 0.5, position: [-1.5, 1.5, 0], texture: { kind: 'solid', color: [0, 0, 1] } };
  const img = renderViewLinear(floorScene([light], [sphere]), down, SIZE);
  // Camera: image right = +x, down = +z; 10 units up with fov 45: one pixel ~ 0.39 units.
  const perPx = (2 * 10 * Math.tan(Math.PI / 8)) / SIZE;
  const col = (x: number) => Math.floor(SIZE / 2 + x / perPx);
  const lit = 0.2 + 0.6 * Math.SQRT1_2;
  assert.ok(Math.abs(pixel(img, 10, col(-3)) - 0.2) < 1e-6, 'shadow of the sphere at x = -3');
  assert.ok(Math.abs(pixel(img, 10, col(2)) - lit) < 1e-6, 'lit floor elsewhere');
});

test('point light: shadow ends at the light, falls off with angle only', () => {
  const light: Light = { kind: 'point', position: [0, 2, 0], color: [0.5, 0.5, 0.5] };
  // A box above the light does not shadow the floor below the light.
  const box: SceneObject = { shape: 'box', size: [1, 0.2, 1], position: [0, 3, 0], texture: { kind: 'solid', color: [1, 1, 1] } };
  const img = renderViewLinear(floorScene([light], [box]), { position: [0, 1, 3], yaw: -Math.PI / 2, pitch: -Math.PI / 2 + 0.3 }, SIZE);
  assert.ok(img.every(Number.isFinite));
  const direct = renderViewLinear(floorScene([light]), down, SIZE);
  assert.ok(Math.abs(pixel(direct, 10, 10) - 0.7) < 1e-6, 'floor under the light: ambient + full intensity');
});

test('checker texture alternates across cells', () => {
  const scene = floorScene([], []);
  scene.ambient = [1, 1, 1];
  scene.objects[0].texture = { kind: 'checker', color: [1, 1, 1], color2: [0, 0, 0], scale: 1 };
  const img = renderViewLinear(scene, down, SIZE);
  const values = new Set<number>();
  for (let i = 0; i < img.length; i += 3) values.add(img[i]);
  assert.deepEqual([...values].sort(), [0, 1]);
});
