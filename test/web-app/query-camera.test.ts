/**
 * The viewer's query camera (no browser needed): orbits stay on the training ring until the user
 * leaves it, the wheel and elevation stay in range, walkers stay in the free box or the maze's
 * open cells, and a dataset camera set exactly is returned exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Rng } from '../../src/random/rng.js';
import { getWorld, type Camera, type GridObject } from '../../src/scenes/index.js';
import { queryCameraFor } from '../../src/web/app/query-camera.js';

function sceneAndCamera(world: string, i = 0): { scene: ReturnType<ReturnType<typeof getWorld>['generate']>; camera: Camera } {
  const w = getWorld(world);
  const scene = w.generate(Rng.from(0, world, 'test', i));
  return { scene, camera: w.sampleCamera(scene, Rng.from(0, world, 'test', i, 'cameras')) };
}

test('ring orbit: a dataset camera is kept exactly; turning stays on the ring, tilting and the wheel leave it', () => {
  const { scene, camera } = sceneAndCamera('rooms');
  const q = queryCameraFor(scene, camera);
  assert.deepEqual(q.camera(), camera);
  assert.equal(q.inTraining(), true);
  q.drag(40, 0);
  q.key('ArrowLeft');
  const c = q.camera();
  assert.ok(Math.abs(Math.hypot(c.position[0], c.position[2]) - 2.8) < 1e-9, 'still on the ring radius');
  assert.ok(Math.abs(c.position[1] - 1.4) < 1e-9, 'still at the ring height');
  assert.notDeepEqual(c.position, camera.position);
  assert.equal(q.inTraining(), true);
  for (let i = 0; i < 50; i++) q.wheel(1);
  assert.ok(Math.abs(Math.hypot(q.camera().position[0], q.camera().position[2]) - 2.8) < 1e-9, 'the wheel never goes beyond the ring');
  q.wheel(-3);
  assert.equal(q.inTraining(), false);
  for (let i = 0; i < 100; i++) q.wheel(-1);
  const near = Math.hypot(q.camera().position[0], q.camera().position[1] - 0.4, q.camera().position[2]);
  assert.ok(near > 1.5, `clamped nearest distance ${near}`);
  for (let i = 0; i < 100; i++) q.key('ArrowUp');
  assert.ok(q.camera().pitch < 0, 'looking down at the target even at the highest elevation');
});

test('sphere orbit: the camera keeps looking at the target', () => {
  const { scene, camera } = sceneAndCamera('shepard-metzler-7');
  const q = queryCameraFor(scene, camera);
  q.drag(-70, 35);
  const c = q.camera();
  const [x, y, z] = c.position;
  const r = Math.hypot(x, y, z);
  // forward . (target - position) / |..| = 1 when looking at the origin.
  const f = [Math.cos(c.pitch) * Math.cos(c.yaw), Math.sin(c.pitch), Math.cos(c.pitch) * Math.sin(c.yaw)];
  assert.ok(Math.abs((-f[0] * x - f[1] * y - f[2] * z) / r - 1) < 1e-9);
  assert.equal(q.inTraining(), true);
});

test('walkers stay where the rig allows', () => {
  const free = sceneAndCamera('rooms-free');
  const q = queryCameraFor(free.scene, free.camera);
  for (let i = 0; i < 200; i++) q.key('ArrowUp');
  const rig = free.scene.camera as { min: number[]; max: number[]; pitchRange: [number, number] };
  const p = q.camera().position;
  assert.ok(p[0] >= rig.min[0] && p[0] <= rig.max[0] && p[2] >= rig.min[2] && p[2] <= rig.max[2], `inside the free box: ${p}`);
  for (let i = 0; i < 100; i++) q.drag(0, -20);
  assert.ok(Math.abs(q.camera().pitch - rig.pitchRange[1]) < 1e-9, 'pitch clamped to the rig');

  const maze = sceneAndCamera('mazes');
  const m = queryCameraFor(maze.scene, maze.camera);
  const grid = maze.scene.objects.find((o): o is GridObject => o.shape === 'grid')!;
  for (let turn = 0; turn < 8; turn++) {
    for (let i = 0; i < 40; i++) m.key('ArrowUp');
    m.key('ArrowRight');
    const [x, , z] = m.camera().position;
    const c = Math.floor((x - grid.position[0]) / grid.cellSize), r = Math.floor((z - grid.position[2]) / grid.cellSize);
    assert.equal(grid.cells[r * grid.cols + c], 0, `in an open cell after walking (${x}, ${z})`);
  }
  assert.equal(m.inTraining(), true);
});
