/**
 * The query camera the user steers, per camera rig of the world (scene.camera):
 *
 * - ring and sphere rigs: an orbit around the rig's target. Drag turns the scene (azimuth,
 *   elevation), the wheel moves the camera nearer or back to the rig's distance, arrow keys
 *   orbit in steps.
 * - free and maze rigs: a walking camera. Drag looks around (yaw, pitch within the rig's pitch
 *   range), up/down arrows and the wheel walk, left/right arrows turn; it stays inside the rig's
 *   box (free) or the maze's open cells (maze).
 *
 * `inTraining` says whether the camera is one the world's sampleCamera could have drawn: the
 * model was trained only on those, so views off the rig (nearer, higher) test generalisation.
 */
import { lookAt, type Camera, type SceneGraph, type GridObject, type Vec3 } from '../../scenes/index.js';

export type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

export interface QueryCamera {
  camera(): Camera;
  /** A drag of (dx, dy) CSS pixels over the view. */
  drag(dx: number, dy: number): void;
  /** Wheel steps: positive = away from the scene. */
  wheel(steps: number): void;
  key(key: ArrowKey): void;
  /** Jump to this exact camera (a dataset view); later moves start from it. */
  set(camera: Camera): void;
  inTraining(): boolean;
}

const EPS = 1e-6;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** Radians per dragged CSS pixel, and per arrow key press. */
const DRAG = 0.01;
const TURN = 0.12;
const TILT = 0.06;

interface OrbitRange { distance: [number, number]; elevation: [number, number]; trained: (distance: number, elevation: number) => boolean }

/** Azimuth, elevation and distance around `target`, looking at it. */
class Orbit implements QueryCamera {
  private azimuth = 0;
  private elevation = 0;
  private distance = 1;
  /** A camera set exactly (no round trip through the orbit parameters) until the next move. */
  private exact: Camera | null = null;

  constructor(private readonly target: Vec3, private readonly range: OrbitRange, start: Camera) {
    this.set(start);
  }

  set(camera: Camera): void {
    const [x, y, z] = camera.position;
    const d = Math.hypot(x - this.target[0], y - this.target[1], z - this.target[2]);
    this.distance = clamp(d, ...this.range.distance);
    this.elevation = clamp(Math.asin(clamp((y - this.target[1]) / Math.max(d, EPS), -1, 1)), ...this.range.elevation);
    this.azimuth = Math.atan2(z - this.target[2], x - this.target[0]);
    this.exact = { position: [x, y, z], yaw: camera.yaw, pitch: camera.pitch };
  }

  camera(): Camera {
    if (this.exact) return this.exact;
    const t = this.target;
    const c = Math.cos(this.elevation);
    return lookAt([
      t[0] + this.distance * c * Math.cos(this.azimuth),
      t[1] + this.distance * Math.sin(this.elevation),
      t[2] + this.distance * c * Math.sin(this.azimuth),
    ], t);
  }

  private move(dAzimuth: number, dElevation: number, distanceFactor = 1): void {
    this.exact = null;
    // Increasing azimuth moves the camera to its left: the scene turns the way it is dragged.
    this.azimuth = Math.atan2(Math.sin(this.azimuth + dAzimuth), Math.cos(this.azimuth + dAzimuth));
    this.elevation = clamp(this.elevation + dElevation, ...this.range.elevation);
    this.distance = clamp(this.distance * distanceFactor, ...this.range.distance);
  }

  drag(dx: number, dy: number): void { this.move(dx * DRAG, dy * DRAG); }
  wheel(steps: number): void { this.move(0, 0, 1.08 ** steps); }
  key(key: ArrowKey): void {
    if (key === 'ArrowLeft') this.move(TURN, 0);
    if (key === 'ArrowRight') this.move(-TURN, 0);
    if (key === 'ArrowUp') this.move(0, TILT);
    if (key === 'ArrowDown') this.move(0, -TILT);
  }

  inTraining(): boolean { return this.range.trained(this.distance, this.elevation); }
}

/** A camera that walks in the x-z plane at its height; `allowed` keeps it where it may stand. */
class Walker implements QueryCamera {
  private current: Camera;

  constructor(start: Camera, private readonly pitchRange: [number, number], private readonly allowed: (x: number, z: number) => boolean) {
    this.current = start;
  }

  set(camera: Camera): void {
    this.current = { position: [...camera.position], yaw: camera.yaw, pitch: camera.pitch };
  }

  camera(): Camera { return this.current; }

  private turn(dYaw: number, dPitch: number): void {
    const c = this.current;
    const yaw = Math.atan2(Math.sin(c.yaw + dYaw), Math.cos(c.yaw + dYaw));
    this.current = { position: c.position, yaw, pitch: clamp(c.pitch + dPitch, ...this.pitchRange) };
  }

  private walk(step: number): void {
    const c = this.current;
    const x = c.position[0] + step * Math.cos(c.yaw);
    const z = c.position[2] + step * Math.sin(c.yaw);
    if (this.allowed(x, z)) this.current = { ...c, position: [x, c.position[1], z] };
  }

  // Drag right turns right (yaw grows toward image right), drag up looks up.
  drag(dx: number, dy: number): void { this.turn(dx * DRAG, -dy * DRAG); }
  wheel(steps: number): void { this.walk(-0.1 * steps); }
  key(key: ArrowKey): void {
    if (key === 'ArrowLeft') this.turn(-TURN, 0);
    if (key === 'ArrowRight') this.turn(TURN, 0);
    if (key === 'ArrowUp') this.walk(0.15);
    if (key === 'ArrowDown') this.walk(-0.15);
  }

  inTraining(): boolean {
    const c = this.current;
    return c.pitch >= this.pitchRange[0] - EPS && c.pitch <= this.pitchRange[1] + EPS && this.allowed(c.position[0], c.position[2]);
  }
}

/**
 * n cameras one arrow-key step from `start`, alternately left and right (new cameras for the
 * viewer benchmarks); leaves `query` at `start`.
 */
export function stepsAround(query: QueryCamera, start: Camera, n: number): Camera[] {
  const cameras = Array.from({ length: n }, (_, i) => {
    query.set(start);
    query.key(i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight');
    return query.camera();
  });
  query.set(start);
  return cameras;
}

/** Whether (x, z) is inside an open cell of the maze, `margin` from its walls. */
function inOpenCell(grid: GridObject, margin: number, x: number, z: number): boolean {
  const u = (x - grid.position[0]) / grid.cellSize;
  const v = (z - grid.position[2]) / grid.cellSize;
  const c = Math.floor(u), r = Math.floor(v);
  if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows || grid.cells[r * grid.cols + c] !== 0) return false;
  const m = margin / grid.cellSize;
  const fu = u - c, fv = v - r;
  // Near an edge is fine when the neighbour across it is open too.
  const open = (dr: number, dc: number) => grid.cells[(r + dr) * grid.cols + (c + dc)] === 0;
  if (fu < m && !open(0, -1)) return false;
  if (fu > 1 - m && !open(0, 1)) return false;
  if (fv < m && !open(-1, 0)) return false;
  if (fv > 1 - m && !open(1, 0)) return false;
  return true;
}

/** The controller for the scene's rig, starting at `start`. */
export function queryCameraFor(scene: SceneGraph, start: Camera): QueryCamera {
  const rig = scene.camera;
  switch (rig.kind) {
    case 'ring': {
      const dy = rig.height - rig.target[1];
      const d0 = Math.hypot(rig.radius, dy);
      const e0 = Math.atan2(dy, rig.radius);
      // Nearer than the ring, never beyond it (rooms have walls just behind it); a little above or below.
      return new Orbit(rig.target, {
        distance: [0.55 * d0, d0], elevation: [e0 - 0.35, Math.min(e0 + 0.5, 1.4)],
        trained: (d, e) => Math.abs(d - d0) < 1e-3 && Math.abs(e - e0) < 1e-3,
      }, start);
    }
    case 'sphere':
      return new Orbit(rig.target, {
        distance: [0.6 * rig.radius, 1.3 * rig.radius], elevation: rig.elevationRange,
        trained: (d) => Math.abs(d - rig.radius) < 1e-3,
      }, start);
    case 'free':
      return new Walker(start, rig.pitchRange, (x, z) => x >= rig.min[0] && x <= rig.max[0] && z >= rig.min[2] && z <= rig.max[2]);
    case 'maze': {
      const grid = scene.objects.find((o): o is GridObject => o.shape === 'grid');
      if (!grid) throw new Error('maze scene without a grid object');
      return new Walker(start, rig.pitchRange, (x, z) => inOpenCell(grid, rig.margin, x, z));
    }
  }
}
