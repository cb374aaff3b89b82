/**
 * Camera convention (also in docs/scenes.md):
 *
 * - World axes: right-handed, y is up; the floor of the room worlds is the plane y = 0.
 * - A camera is (x, y, z, yaw, pitch), angles in radians, like DeepMind's gqn-datasets rows.
 * - yaw is the heading in the horizontal x-z plane, measured from +x toward +z:
 *   yaw = atan2(forward.z, forward.x). yaw 0 looks along +x, yaw pi/2 along +z.
 * - pitch is the elevation of the view direction: positive looks up, -pi/2 straight down.
 *   forward = (cos(pitch) cos(yaw), sin(pitch), cos(pitch) sin(yaw)).
 * - Image right = (-sin(yaw), 0, cos(yaw)) (horizontal, so there is no roll and looking straight
 *   up or down stays well defined); image up = right x forward.
 * - Pixels: row 0 is the top row, column 0 the left column; the field of view is vertical (=
 *   horizontal, images are square) and is a property of the scene (SceneGraph.fov).
 *
 * DeepMind never documented their axes; their pose vector is used only as the network input
 * (x, y, z, sin/cos yaw, sin/cos pitch), so any consistent convention serves the model.
 */
import type { Vec3 } from './scene-graph.js';

export interface Camera {
  position: [number, number, number];
  /** Heading from +x toward +z, radians. */
  yaw: number;
  /** Elevation, radians; positive looks up. */
  pitch: number;
}

/** Orthonormal camera frame: forward, right, up (each a unit vector). */
export interface CameraBasis { forward: Vec3; right: Vec3; up: Vec3 }

export function cameraBasis(cam: Camera): CameraBasis {
  const cy = Math.cos(cam.yaw), sy = Math.sin(cam.yaw);
  const cp = Math.cos(cam.pitch), sp = Math.sin(cam.pitch);
  const forward: Vec3 = [cp * cy, sp, cp * sy];
  const right: Vec3 = [-sy, 0, cy];
  // up = right x forward
  const up: Vec3 = [
    right[1] * forward[2] - right[2] * forward[1],
    right[2] * forward[0] - right[0] * forward[2],
    right[0] * forward[1] - right[1] * forward[0],
  ];
  return { forward, right, up };
}

/** The camera at `position` looking at `target`. */
export function lookAt(position: Vec3, target: Vec3): Camera {
  const dx = target[0] - position[0], dy = target[1] - position[1], dz = target[2] - position[2];
  const horiz = Math.hypot(dx, dz);
  return {
    position: [position[0], position[1], position[2]],
    yaw: horiz > 1e-12 ? Math.atan2(dz, dx) : 0,
    pitch: Math.atan2(dy, horiz),
  };
}

/** Where world point p lands in a size x size image: [column, row] in pixels (fractional), or null behind the camera. */
export function projectPoint(cam: Camera, fov: number, size: number, p: Vec3): [number, number] | null {
  const { forward, right, up } = cameraBasis(cam);
  const rx = p[0] - cam.position[0], ry = p[1] - cam.position[1], rz = p[2] - cam.position[2];
  const zf = rx * forward[0] + ry * forward[1] + rz * forward[2];
  if (zf <= 1e-9) return null;
  const t = Math.tan(fov / 2);
  const u = (rx * right[0] + ry * right[1] + rz * right[2]) / (zf * t);
  const v = (rx * up[0] + ry * up[1] + rz * up[2]) / (zf * t);
  return [((u + 1) / 2) * size, ((1 - v) / 2) * size];
}
