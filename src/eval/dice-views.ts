/**
 * Views of mnist-dice scenes from chosen cameras, for the face classifier and the consistency
 * test: a die's four side faces (+x, +z, -x, -z) each face the ring camera head-on at one
 * azimuth; a camera within 45 degrees of that azimuth sees the face more squarely than any other.
 * Scenes come from the world's own generator, seeded, so a test set is a seed and a count.
 */
import { unitFloats } from '../data/dataset-view.js';
import { lookAt, type Camera } from '../scenes/camera.js';
import { renderView } from '../scenes/render.js';
import type { SceneGraph } from '../scenes/scene-graph.js';
import { DICE_FACES, mnistDiceWorld } from '../scenes/worlds/mnist-dice.js';
import { Rng } from '../random/rng.js';

/** The side faces with the ring azimuth that sees each head-on (camera at (R cos a, h, R sin a)). */
export const SIDE_FACES = [
  { face: '+x', azimuth: 0 },
  { face: '+z', azimuth: Math.PI / 2 },
  { face: '-x', azimuth: Math.PI },
  { face: '-z', azimuth: -Math.PI / 2 },
] as const;

export type SideFace = (typeof SIDE_FACES)[number]['face'];

const WORLD = mnistDiceWorld();

/** Scene `index` of the stream seeded `seed` (the `stream` name keeps test sets apart). */
export function diceScene(seed: number, stream: string, index: number): SceneGraph {
  return WORLD.generate(Rng.from(seed, stream, index));
}

/** The digit class on each face, read from the object's label ("dice +x:3 -x:7 ..."). */
export function faceDigits(scene: SceneGraph): Record<string, number> {
  const label = scene.objects[0]?.label ?? '';
  const out: Record<string, number> = {};
  for (const m of label.matchAll(/([+-][xyz]):(\d)/g)) out[m[1]] = Number(m[2]);
  for (const f of DICE_FACES) if (out[f] == null) throw new Error(`faceDigits: the scene's label has no digit for face ${f}: ${JSON.stringify(label)}`);
  return out;
}

/** The scene's ring camera at `azimuth` (radians), looking at its target. */
export function ringCamera(scene: SceneGraph, azimuth: number): Camera {
  const rig = scene.camera;
  if (rig.kind !== 'ring') throw new Error(`ringCamera: expected a ring rig, got ${rig.kind}`);
  return lookAt([rig.target[0] + rig.radius * Math.cos(azimuth), rig.height, rig.target[2] + rig.radius * Math.sin(azimuth)], rig.target);
}

/** The camera as a dataset row (x, y, z, yaw, pitch), for encodeViewpoint. */
export function cameraRow(c: Camera): number[] {
  return [...c.position, c.yaw, c.pitch];
}

/**
 * The view at `camera` as RGB floats in [0, 1] (S*S*3), antialiased as the training data is. Not
 * through the dataset's JPEG round trip (data/dataset-view.ts, datasetView), which the shipped
 * face classifier was trained without.
 */
export function renderDiceView(scene: SceneGraph, camera: Camera, size: number): Float32Array {
  return unitFloats(renderView(scene, camera, size, { antialias: true }));
}

/** The side face a camera at `azimuth` sees most squarely. */
export function facingFace(azimuth: number): SideFace {
  let best: SideFace = '+x';
  let bestCos = -2;
  for (const f of SIDE_FACES) {
    const c = Math.cos(azimuth - f.azimuth);
    if (c > bestCos) [best, bestCos] = [f.face, c];
  }
  return best;
}

/** Labelled views for the face classifier: each a random scene's random side face, seen from within `spread` radians of head-on. */
export function labelledFaceViews(seed: number, stream: string, count: number, size: number, spread: number): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(count * size * size * 3);
  const labels = new Int32Array(count);
  const rng = Rng.from(seed, stream, 'cameras');
  for (let i = 0; i < count; i++) {
    const scene = diceScene(seed, stream, i);
    const f = SIDE_FACES[rng.int(0, 3)];
    const azimuth = f.azimuth + rng.uniform(-spread, spread);
    images.set(renderDiceView(scene, ringCamera(scene, azimuth), size), i * size * size * 3);
    labels[i] = faceDigits(scene)[f.face];
  }
  return { images, labels };
}
