/**
 * Rooms (after DeepMind's rooms_ring_camera / rooms_free_camera_*): a square room, walls in one
 * of 5 looks, floor in one of 3, 1-3 objects of 7 shapes with random size, position and colour,
 * one random directional light.
 *
 * Layout: floor y = 0, walls at x, z = +-ROOM_HALF. Objects stay within OBJECT_RADIUS of the
 * centre so the ring camera (radius RING_RADIUS) is never inside one.
 */
import type { Rng } from '../../random/rng.js';
import { lookAt, type Camera } from '../camera.js';
import type { SceneGraph, SceneObject, Vec3 } from '../scene-graph.js';
import type { World, WorldName } from '../world.js';
import { cloneTexture, FLOOR_NAMES, FLOOR_TEXTURES, randomColour, WALL_NAMES, WALL_TEXTURES } from './palette.js';
import { footprintRadius, makeRoomObject, ROOM_SHAPES } from './shapes.js';

export const ROOM_HALF = 3;
export const WALL_HEIGHT = 3;
const OBJECT_RADIUS = 1.9;
const RING_RADIUS = 2.8;
const RING_HEIGHT = 1.4;
const RING_TARGET: Vec3 = [0, 0.4, 0];
// Free cameras keep this far from the walls, so few views are a wall filling the frame.
const FREE_MARGIN = 0.9;
const FOV = (60 * Math.PI) / 180;

type RoomsName = Extract<WorldName, 'rooms' | 'rooms-free' | 'rooms-free-rotations'>;

export function generateRoom(rng: Rng, opts: { free: boolean; rotations: boolean }): SceneGraph {
  const wallName = rng.pick(WALL_NAMES);
  const floorName = rng.pick(FLOOR_NAMES);
  const wall = WALL_TEXTURES[wallName];
  const objects: SceneObject[] = [
    { shape: 'plane', position: [0, 0, 0], normal: [0, 1, 0], texture: cloneTexture(FLOOR_TEXTURES[floorName]), castShadow: false, label: `${floorName} floor` },
    { shape: 'plane', position: [ROOM_HALF, 0, 0], normal: [-1, 0, 0], texture: cloneTexture(wall), castShadow: false, label: `${wallName} wall` },
    { shape: 'plane', position: [-ROOM_HALF, 0, 0], normal: [1, 0, 0], texture: cloneTexture(wall), castShadow: false, label: `${wallName} wall` },
    { shape: 'plane', position: [0, 0, ROOM_HALF], normal: [0, 0, -1], texture: cloneTexture(wall), castShadow: false, label: `${wallName} wall` },
    { shape: 'plane', position: [0, 0, -ROOM_HALF], normal: [0, 0, 1], texture: cloneTexture(wall), castShadow: false, label: `${wallName} wall` },
  ];
  const count = rng.int(1, 3);
  const placed: { x: number; z: number; r: number }[] = [];
  for (let k = 0; k < count; k++) {
    const shape = rng.pick(ROOM_SHAPES);
    const rho = rng.uniform(0.3, 0.55);
    const { color, name } = randomColour(rng);
    const yaw = opts.rotations ? rng.uniform(0, 2 * Math.PI) : 0;
    // Rejection-sample a spot clear of the others; the stream stays deterministic.
    let x = 0, z = 0, ok = false;
    for (let attempt = 0; attempt < 64 && !ok; attempt++) {
      const a = rng.uniform(0, 2 * Math.PI), d = Math.sqrt(rng.next()) * (OBJECT_RADIUS - rho);
      x = d * Math.cos(a); z = d * Math.sin(a);
      ok = placed.every((p) => Math.hypot(p.x - x, p.z - z) > p.r + rho * 1.5 + 0.1);
    }
    if (!ok) continue; // room too crowded for this one: fewer objects
    const { object, footprint } = makeRoomObject(shape, rng, rho, x, z, yaw, { kind: 'solid', color }, `${name} ${shape}`);
    objects.push(object);
    placed.push({ x, z, r: footprint });
  }
  const azimuth = rng.uniform(0, 2 * Math.PI);
  const elevation = rng.uniform(0.6, 1.25);
  const intensity = rng.uniform(0.6, 0.8);
  return {
    world: opts.free ? (opts.rotations ? 'rooms-free-rotations' : 'rooms-free') : 'rooms',
    objects,
    lights: [{
      kind: 'directional',
      direction: [Math.cos(elevation) * Math.cos(azimuth), Math.sin(elevation), Math.cos(elevation) * Math.sin(azimuth)],
      color: [intensity, intensity, intensity],
    }],
    ambient: [0.38, 0.38, 0.38],
    background: [0.6, 0.8, 0.95],
    fov: FOV,
    camera: opts.free
      ? { kind: 'free', min: [-ROOM_HALF + FREE_MARGIN, 0.5, -ROOM_HALF + FREE_MARGIN], max: [ROOM_HALF - FREE_MARGIN, 1.6, ROOM_HALF - FREE_MARGIN], pitchRange: [-0.75, 0.05] }
      : { kind: 'ring', radius: RING_RADIUS, height: RING_HEIGHT, target: RING_TARGET },
    bounds: { min: [-ROOM_HALF, 0, -ROOM_HALF], max: [ROOM_HALF, WALL_HEIGHT, ROOM_HALF] },
  };
}

/** Cameras for any scene with a 'ring' or 'free' rig (free cameras keep clear of objects). */
export function sampleRigCamera(scene: SceneGraph, rng: Rng): Camera {
  const rig = scene.camera;
  if (rig.kind === 'ring') {
    const a = rng.uniform(-Math.PI, Math.PI);
    return lookAt([rig.target[0] + rig.radius * Math.cos(a), rig.height, rig.target[2] + rig.radius * Math.sin(a)], rig.target);
  }
  if (rig.kind === 'free') {
    const clear = scene.objects
      .filter((o) => o.shape !== 'plane' && o.shape !== 'grid')
      .map((o) => ({ x: o.position[0], z: o.position[2], r: footprintRadius(o) + 0.2 }));
    let pos: [number, number, number] = [0, 0, 0];
    for (let attempt = 0; attempt < 100; attempt++) {
      pos = [rng.uniform(rig.min[0], rig.max[0]), rng.uniform(rig.min[1], rig.max[1]), rng.uniform(rig.min[2], rig.max[2])];
      if (clear.every((c) => Math.hypot(pos[0] - c.x, pos[2] - c.z) > c.r)) break;
    }
    return { position: pos, yaw: rng.uniform(-Math.PI, Math.PI), pitch: rng.uniform(rig.pitchRange[0], rig.pitchRange[1]) };
  }
  throw new Error(`sampleCamera: rooms cameras need a ring or free rig, got ${rig.kind}`);
}

export function roomsWorld(name: RoomsName): World {
  const free = name !== 'rooms';
  const rotations = name === 'rooms-free-rotations';
  return {
    name,
    defaultViews: 10,
    // DeepMind's with-rotations set is 128x128; 64 keeps every world trainable on a CPU.
    defaultSize: 64,
    generate: (rng) => generateRoom(rng, { free, rotations }),
    sampleCamera: sampleRigCamera,
  };
}
