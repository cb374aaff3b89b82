// Screen-space culling of camera rays (cull.ts) must not change a single value: renders with
// culling on are compared, float for float, with renders that test every object for every ray.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random/rng.js';
import { getWorld, renderViewLinear, WORLD_NAMES, type Camera, type SceneGraph, type SceneObject, type Vec3 } from '../../src/scenes/index.js';

function sameImage(scene: SceneGraph, cam: Camera, size: number, antialias: boolean, what: string): void {
  const culled = renderViewLinear(scene, cam, size, { antialias });
  const full = renderViewLinear(scene, cam, size, { antialias, cull: false });
  let bad = 0;
  for (let i = 0; i < full.length; i++) if (!Object.is(culled[i], full[i])) bad++;
  assert.equal(bad, 0, `${what}: ${bad} values differ with culling`);
}

test('culling: every world renders exactly as without it', () => {
  for (const name of WORLD_NAMES) {
    const w = getWorld(name);
    for (let i = 0; i < 3; i++) {
      const scene = w.generate(Rng.from('cull', name, i));
      const rng = Rng.from('cull', name, 'cam', i);
      for (let v = 0; v < 3; v++) sameImage(scene, w.sampleCamera(scene, rng), 24, v === 0, `${name} ${i}/${v}`);
    }
  }
});

const unit = (v: Vec3): Vec3 => { const l = Math.hypot(...v); return [v[0] / l, v[1] / l, v[2] / l]; };

/** Random objects of every shape, tilted planes, cameras inside bounding spheres or among the objects. */
function randomScene(rng: Rng): SceneGraph {
  const tex = { kind: 'checker' as const, color: [0.9, 0.4, 0.2] as Vec3, color2: [0.2, 0.5, 0.9] as Vec3, scale: 0.3 };
  const pos = (): Vec3 => [rng.uniform(-3, 3), rng.uniform(-2, 2), rng.uniform(-3, 3)];
  const rot = (): Vec3 => [rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-3, 3)];
  const objects: SceneObject[] = [];
  for (let k = rng.int(0, 3); k > 0; k--) {
    objects.push({ shape: 'plane', position: pos(), normal: unit([rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]), texture: tex, castShadow: rng.next() < 0.5 });
  }
  for (let k = rng.int(1, 8); k > 0; k--) {
    const r = rng.uniform(0.1, 1.5);
    const base = { position: pos(), rotation: rot(), texture: tex };
    switch (rng.int(0, 6)) {
      case 0: objects.push({ ...base, shape: 'box', size: [r, rng.uniform(0.1, 2), rng.uniform(0.1, 2)] }); break;
      case 1: objects.push({ ...base, shape: 'sphere', radius: r }); break;
      case 2: objects.push({ ...base, shape: 'cylinder', radius: r, height: rng.uniform(0.1, 3) }); break;
      case 3: objects.push({ ...base, shape: 'capsule', radius: r, height: rng.uniform(0.1, 3) }); break;
      case 4: objects.push({ ...base, shape: 'cone', radius: r, height: rng.uniform(0.1, 3) }); break;
      case 5: objects.push({ ...base, shape: 'icosahedron', radius: r }); break;
      default: objects.push({ ...base, shape: 'prism', size: [r, rng.uniform(0.1, 2), rng.uniform(0.1, 2)] }); break;
    }
  }
  // Shuffle so planes and bounded objects interleave in scene order (ties go to the lower index).
  rng.shuffle(objects);
  return {
    world: 'test', objects,
    lights: [{ kind: 'directional', direction: unit([0.3, 1, 0.2]), color: [0.7, 0.7, 0.7] }, { kind: 'point', position: [0, 3, 0], color: [0.3, 0.3, 0.3] }],
    ambient: [0.3, 0.3, 0.3], background: [0.1, 0.2, 0.3],
    fov: rng.uniform(0.2, 2.8), // up to ~160 degrees
    camera: { kind: 'ring', radius: 1, height: 0, target: [0, 0, 0] },
  };
}

test('culling: random shapes, tilted planes, wide and narrow fields of view', () => {
  const rng = new Rng(20240607);
  for (let s = 0; s < 60; s++) {
    const scene = randomScene(rng);
    for (let v = 0; v < 4; v++) {
      // Half the cameras sit at an object's centre or near it (inside its bounding sphere).
      const near = v % 2 === 1 ? scene.objects[rng.int(0, scene.objects.length - 1)].position : null;
      const position: Vec3 = near ? [near[0] + rng.uniform(-0.3, 0.3), near[1] + rng.uniform(-0.3, 0.3), near[2] + rng.uniform(-0.3, 0.3)]
        : [rng.uniform(-5, 5), rng.uniform(-3, 3), rng.uniform(-5, 5)];
      const cam: Camera = { position, yaw: rng.uniform(-Math.PI, Math.PI), pitch: rng.uniform(-1.5, 1.5) };
      sameImage(scene, cam, rng.int(1, 40), rng.next() < 0.3, `random scene ${s} view ${v}`);
    }
  }
  // Many objects (the per-view scratch buffers grow).
  const crowd = randomScene(new Rng(11));
  for (let k = 0; k < 40; k++) {
    const position: Vec3 = [(k % 7) - 3, (k % 3) - 1, Math.floor(k / 7) - 3];
    const texture = crowd.objects[0].texture;
    crowd.objects.push(k % 2 ? { shape: 'sphere', radius: 0.2, position, texture } : { shape: 'box', size: [0.3, 0.3, 0.3], position, texture });
  }
  sameImage(crowd, { position: [0, 1, -6], yaw: Math.PI / 2, pitch: -0.1 }, 48, true, 'crowd');
  // Straight down and straight up: the right axis stays defined, the plane ranges degenerate.
  const scene = randomScene(new Rng(7));
  sameImage(scene, { position: [0, 4, 0], yaw: 0.3, pitch: -Math.PI / 2 }, 33, false, 'straight down');
  sameImage(scene, { position: [0, -4, 0], yaw: 0.3, pitch: Math.PI / 2 }, 33, true, 'straight up');
});
