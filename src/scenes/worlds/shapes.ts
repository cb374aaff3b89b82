/** Random object shapes for the room worlds, sized so they rest on the floor and fit the room. */
import type { Rng } from '../../random/rng.js';
import { ICOSAHEDRON_INRADIUS } from '../polyhedra.js';
import type { SceneObject, Texture, Vec3 } from '../scene-graph.js';

export const ROOM_SHAPES = ['box', 'sphere', 'cylinder', 'capsule', 'cone', 'icosahedron', 'prism'] as const;
export type RoomShape = (typeof ROOM_SHAPES)[number];

/**
 * An object of the given shape with characteristic radius rho, its centre placed at (x, z) so
 * that it stands on y = 0. Returns it with the radius of its footprint (for spacing).
 */
export function makeRoomObject(
  shape: RoomShape, rng: Rng, rho: number, x: number, z: number, yaw: number, texture: Texture, label: string,
): { object: SceneObject; footprint: number } {
  const rotation: Vec3 | undefined = yaw !== 0 ? [0, yaw, 0] : undefined;
  const at = (y: number): Vec3 => [x, y, z];
  const base = { texture, label, ...(rotation ? { rotation } : {}) };
  switch (shape) {
    case 'box': {
      const size: Vec3 = [2 * rho * rng.uniform(0.75, 1.15), 2 * rho * rng.uniform(0.75, 1.25), 2 * rho * rng.uniform(0.75, 1.15)];
      return { object: { ...base, shape, size, position: at(size[1] / 2) }, footprint: Math.hypot(size[0], size[2]) / 2 };
    }
    case 'sphere':
      return { object: { ...base, shape, radius: rho, position: at(rho) }, footprint: rho };
    case 'cylinder': {
      const radius = rho * rng.uniform(0.7, 0.95), height = 2 * rho * rng.uniform(0.8, 1.4);
      return { object: { ...base, shape, radius, height, position: at(height / 2) }, footprint: radius };
    }
    case 'capsule': {
      const radius = rho * rng.uniform(0.5, 0.7), height = 2 * rho * rng.uniform(1.1, 1.5);
      return { object: { ...base, shape, radius, height, position: at(height / 2) }, footprint: radius };
    }
    case 'cone': {
      const radius = rho * rng.uniform(0.85, 1.05), height = 2 * rho * rng.uniform(1, 1.4);
      return { object: { ...base, shape, radius, height, position: at(height / 2) }, footprint: radius };
    }
    case 'icosahedron': {
      const radius = rho * 1.1;
      return { object: { ...base, shape, radius, position: at(radius * ICOSAHEDRON_INRADIUS) }, footprint: radius };
    }
    case 'prism': {
      const size: Vec3 = [2 * rho * rng.uniform(0.9, 1.15), 2 * rho * rng.uniform(0.8, 1.1), 2 * rho * rng.uniform(0.8, 1.1)];
      return { object: { ...base, shape, size, position: at(size[1] / 2) }, footprint: Math.hypot(size[0], size[2]) / 2 };
    }
  }
}

/** Radius of an object's footprint circle in the x-z plane (0 for unbounded shapes). */
export function footprintRadius(o: SceneObject): number {
  switch (o.shape) {
    case 'box': case 'prism': return Math.hypot(o.size[0], o.size[1], o.size[2]) / 2;
    case 'sphere': case 'icosahedron': return o.radius;
    case 'cylinder': case 'capsule': case 'cone': return Math.max(o.radius, o.height / 2);
    default: return 0;
  }
}
