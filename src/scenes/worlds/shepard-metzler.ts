/**
 * Shepard-Metzler objects (after DeepMind's shepard_metzler_{5,7}_parts): N unit cubes placed
 * by a self-avoiding random walk on the integer grid, each its own colour, centred on the
 * origin; the camera sits on a sphere of fixed radius looking at the centre; plain background.
 */
import type { Rng } from '../../random/rng.js';
import { lookAt, type Camera } from '../camera.js';
import type { SceneGraph, SceneObject, Vec3 } from '../scene-graph.js';
import type { World } from '../world.js';
import { randomColour } from './palette.js';

const STEPS: Vec3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];

/** Grid cells of a self-avoiding walk of n cells (restarting if it traps itself). */
export function selfAvoidingWalk(n: number, rng: Rng): Vec3[] {
  for (;;) {
    const cells: Vec3[] = [[0, 0, 0]];
    const seen = new Set(['0,0,0']);
    while (cells.length < n) {
      const last = cells[cells.length - 1];
      const options = STEPS
        .map((s): Vec3 => [last[0] + s[0], last[1] + s[1], last[2] + s[2]])
        .filter((c) => !seen.has(c.join(',')));
      if (options.length === 0) break;
      const next = rng.pick(options);
      cells.push(next);
      seen.add(next.join(','));
    }
    if (cells.length === n) return cells;
  }
}

export function generateShepardMetzler(n: number, rng: Rng): SceneGraph {
  const cells = selfAvoidingWalk(n, rng);
  const mean = [0, 1, 2].map((k) => cells.reduce((s, c) => s + c[k], 0) / n);
  const objects: SceneObject[] = cells.map((c, i) => {
    const { color, name } = randomColour(rng);
    return {
      shape: 'box',
      size: [1, 1, 1],
      position: [c[0] - mean[0], c[1] - mean[1], c[2] - mean[2]],
      texture: { kind: 'solid', color },
      label: `${name} cube ${i + 1}`,
    };
  });
  return {
    world: `shepard-metzler-${n}`,
    objects,
    lights: [
      { kind: 'directional', direction: [0.45, 0.8, 0.35], color: [0.65, 0.65, 0.65] },
      { kind: 'directional', direction: [-0.5, -0.3, -0.6], color: [0.3, 0.3, 0.3] },
    ],
    ambient: [0.4, 0.4, 0.4],
    background: [0, 0, 0],
    fov: (40 * Math.PI) / 180,
    // Typical walks reach ~2 units from their centre; this frames them at about half the
    // image, accepting that a rare straight arm touches the border.
    camera: { kind: 'sphere', radius: n <= 5 ? 7 : 8, target: [0, 0, 0], elevationRange: [-1.3, 1.3] },
  };
}

/** Camera on a 'sphere' rig: yaw uniform, elevation uniform over the sphere's area. */
export function sampleSphereCamera(scene: SceneGraph, rng: Rng): Camera {
  const rig = scene.camera;
  if (rig.kind !== 'sphere') throw new Error(`sampleCamera: expected a sphere rig, got ${rig.kind}`);
  const a = rng.uniform(-Math.PI, Math.PI);
  const s = rng.uniform(Math.sin(rig.elevationRange[0]), Math.sin(rig.elevationRange[1]));
  const c = Math.sqrt(1 - s * s);
  const t = rig.target;
  return lookAt([t[0] + rig.radius * c * Math.cos(a), t[1] + rig.radius * s, t[2] + rig.radius * c * Math.sin(a)], t);
}

export function shepardMetzlerWorld(n: 5 | 7): World {
  return {
    name: n === 5 ? 'shepard-metzler-5' : 'shepard-metzler-7',
    defaultViews: 15,
    defaultSize: 64,
    generate: (rng) => generateShepardMetzler(n, rng),
    sampleCamera: sampleSphereCamera,
  };
}
