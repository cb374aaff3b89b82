/**
 * Compiles a SceneGraph into flat typed arrays for the tracer: per-object transforms and
 * shape parameters precomputed once per scene, so the per-ray loops do arithmetic only.
 */
import { icosahedronPlanes, prismPlanes } from './polyhedra.js';
import type { GridData } from './primitives/grid.js';
import type { Rotation, SceneGraph, SceneObject, Texture } from './scene-graph.js';
import { compileTexture, type CompiledTexture } from './textures.js';

// Shape codes.
export const S_PLANE = 0, S_BOX = 1, S_SPHERE = 2, S_CYLINDER = 3, S_CAPSULE = 4, S_CONE = 5,
  S_CONVEX = 6, S_GRID = 7;

// Per-object record layout in CompiledScene.obj.
export const O_TYPE = 0;
/** Centre (x, y, z). */
export const O_C = 1;
/** Rotation local->world, 3x3 row-major (world = R local + c). */
export const O_R = 4;
/** Shape parameters (meaning depends on the shape, see compileObject). */
export const O_P = 13;
/** Bounding-sphere radius around the centre; < 0 for unbounded (plane) or self-culling (grid). */
export const O_BOUND = 17;
export const O_SHADOW = 18;
export const O_TEX = 19;
/** 1 when R is the identity, so the ray needs no transform. */
export const O_IDENT = 20;
/** 1 when a texture of the object reads the local hit point (digits), so traceClosest computes it. */
export const O_LOCAL = 21;
/** Half-extents of the object's local bounding box (bounded shapes; for screen-space culling). */
export const O_EXT = 24;
export const STRIDE = 28;

export interface CompiledScene {
  count: number;
  /** 0 .. count-1: the default object list for traceClosest. */
  all: Int32Array;
  obj: Float64Array;
  /** Face planes of the convex objects (offsets/counts in their O_P slots). */
  planes: Float64Array;
  grids: GridData[];
  textures: CompiledTexture[];
  /** Per light: kind (0 directional, 1 point), x, y, z (unit direction toward the light, or position), r, g, b. */
  lights: Float64Array;
  lightCount: number;
  /** Indices of the objects that cast shadows, so shadow rays skip walls and floors. */
  shadowCasters: Int32Array;
  ambient: Float64Array;
  background: Float64Array;
  fov: number;
}

export const LIGHT_STRIDE = 7;

/** Ry(y) * Rx(x) * Rz(z), right-hand rule about each axis, row-major. */
export function rotationMatrix(rot: Rotation | undefined): number[] {
  if (!rot) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const [ax, ay, az] = rot;
  const cx = Math.cos(ax), sx = Math.sin(ax);
  const cy = Math.cos(ay), sy = Math.sin(ay);
  const cz = Math.cos(az), sz = Math.sin(az);
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  return mul3(mul3(ry, rx), rz);
}

function mul3(a: number[], b: number[]): number[] {
  const out = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    }
  }
  return out;
}

function finite(x: number, what: string): number {
  if (!Number.isFinite(x)) throw new Error(`scene: ${what} must be a finite number, got ${x}`);
  return x;
}

export function compileScene(scene: SceneGraph): CompiledScene {
  const count = scene.objects.length;
  const obj = new Float64Array(count * STRIDE);
  const planes: number[] = [];
  const grids: GridData[] = [];
  const textures: CompiledTexture[] = [];
  const texIndex = new Map<Texture, number>();
  const addTexture = (t: Texture): number => {
    let i = texIndex.get(t);
    if (i === undefined) {
      i = textures.length;
      textures.push(compileTexture(t));
      texIndex.set(t, i);
    }
    return i;
  };
  const casters: number[] = [];

  scene.objects.forEach((o, i) => {
    const base = i * STRIDE;
    const [cx, cy, cz] = o.position.map((v, k) => finite(v, `objects[${i}].position[${k}]`));
    obj[base + O_C] = cx; obj[base + O_C + 1] = cy; obj[base + O_C + 2] = cz;
    const usesRotation = o.shape !== 'plane' && o.shape !== 'grid';
    const r = rotationMatrix(usesRotation ? o.rotation : undefined);
    for (let k = 0; k < 9; k++) obj[base + O_R + k] = r[k];
    const ident = r[0] === 1 && r[4] === 1 && r[8] === 1 && r[1] === 0 && r[2] === 0 && r[3] === 0 && r[5] === 0 && r[6] === 0 && r[7] === 0;
    obj[base + O_IDENT] = ident ? 1 : 0;
    obj[base + O_SHADOW] = o.castShadow === false ? 0 : 1;
    if (o.castShadow !== false) casters.push(i);
    obj[base + O_TEX] = addTexture(o.texture);
    compileShape(o, base, obj, planes, grids, addTexture);
    const textures = o.shape === 'grid' && o.textures ? [o.texture, ...o.textures] : [o.texture];
    obj[base + O_LOCAL] = textures.some((t) => t.kind === 'digits') ? 1 : 0;
  });

  const lights = new Float64Array(scene.lights.length * LIGHT_STRIDE);
  scene.lights.forEach((l, i) => {
    const b = i * LIGHT_STRIDE;
    if (l.kind === 'directional') {
      const len = Math.hypot(...l.direction);
      if (!(len > 0)) throw new Error(`scene: lights[${i}].direction must be non-zero`);
      lights[b] = 0;
      lights[b + 1] = l.direction[0] / len; lights[b + 2] = l.direction[1] / len; lights[b + 3] = l.direction[2] / len;
    } else {
      lights[b] = 1;
      lights[b + 1] = l.position[0]; lights[b + 2] = l.position[1]; lights[b + 3] = l.position[2];
    }
    lights[b + 4] = l.color[0]; lights[b + 5] = l.color[1]; lights[b + 6] = l.color[2];
  });

  return {
    count, all: Int32Array.from({ length: count }, (_, i) => i), obj, planes: Float64Array.from(planes), grids, textures,
    lights, lightCount: scene.lights.length,
    shadowCasters: Int32Array.from(casters),
    ambient: Float64Array.from(scene.ambient),
    background: Float64Array.from(scene.background),
    fov: finite(scene.fov, 'fov'),
  };
}

function setExtents(obj: Float64Array, base: number, hx: number, hy: number, hz: number): void {
  obj[base + O_EXT] = hx; obj[base + O_EXT + 1] = hy; obj[base + O_EXT + 2] = hz;
}

function compileShape(
  o: SceneObject, base: number, obj: Float64Array, planes: number[], grids: GridData[],
  addTexture: (t: Texture) => number,
): void {
  const p = base + O_P;
  const positive = (x: number, what: string): number => {
    if (!(x > 0) || !Number.isFinite(x)) throw new Error(`scene: ${o.shape} ${what} must be > 0, got ${x}`);
    return x;
  };
  switch (o.shape) {
    case 'plane': {
      const [nx, ny, nz] = o.normal;
      const len = Math.hypot(nx, ny, nz);
      if (!(len > 0)) throw new Error('scene: plane normal must be non-zero');
      obj[base + O_TYPE] = S_PLANE;
      obj[p] = nx / len; obj[p + 1] = ny / len; obj[p + 2] = nz / len;
      obj[p + 3] = (nx * o.position[0] + ny * o.position[1] + nz * o.position[2]) / len;
      obj[base + O_BOUND] = -1;
      return;
    }
    case 'box': {
      const hx = positive(o.size[0], 'size') / 2, hy = positive(o.size[1], 'size') / 2, hz = positive(o.size[2], 'size') / 2;
      obj[base + O_TYPE] = S_BOX;
      obj[p] = hx; obj[p + 1] = hy; obj[p + 2] = hz;
      obj[base + O_BOUND] = Math.hypot(hx, hy, hz);
      setExtents(obj, base, hx, hy, hz);
      return;
    }
    case 'sphere':
      obj[base + O_TYPE] = S_SPHERE;
      obj[p] = positive(o.radius, 'radius');
      obj[base + O_BOUND] = o.radius;
      setExtents(obj, base, o.radius, o.radius, o.radius);
      return;
    case 'cylinder':
    case 'capsule':
    case 'cone': {
      const r = positive(o.radius, 'radius');
      const h = positive(o.height, 'height');
      if (o.shape === 'capsule') {
        // Segment half-length; a capsule shorter than its diameter degenerates to a sphere.
        const a = Math.max(0, h / 2 - r);
        obj[base + O_TYPE] = S_CAPSULE;
        obj[p] = r; obj[p + 1] = a;
        obj[base + O_BOUND] = a + r;
        setExtents(obj, base, r, a + r, r);
      } else {
        obj[base + O_TYPE] = o.shape === 'cylinder' ? S_CYLINDER : S_CONE;
        obj[p] = r; obj[p + 1] = h / 2;
        obj[base + O_BOUND] = Math.hypot(r, h / 2);
        setExtents(obj, base, r, h / 2, r);
      }
      return;
    }
    case 'icosahedron':
    case 'prism': {
      const pl = o.shape === 'icosahedron'
        ? icosahedronPlanes(positive(o.radius, 'radius'))
        : prismPlanes(positive(o.size[0], 'size'), positive(o.size[1], 'size'), positive(o.size[2], 'size'));
      obj[base + O_TYPE] = S_CONVEX;
      obj[p] = planes.length; obj[p + 1] = pl.length / 4;
      planes.push(...pl);
      obj[base + O_BOUND] = o.shape === 'icosahedron' ? o.radius : Math.hypot(o.size[0] / 2, o.size[1] / 2, o.size[2] / 2);
      // The icosahedron's vertices lie on the sphere of its radius; the prism fills its size box.
      if (o.shape === 'icosahedron') setExtents(obj, base, o.radius, o.radius, o.radius);
      else setExtents(obj, base, o.size[0] / 2, o.size[1] / 2, o.size[2] / 2);
      return;
    }
    case 'grid': {
      const { cols, rows } = o;
      if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) throw new Error('scene: grid cols/rows must be positive integers');
      if (o.cells.length !== cols * rows) throw new Error(`scene: grid cells has ${o.cells.length} entries, expected ${cols * rows}`);
      const own = addTexture(o.texture);
      const texs = (o.textures ?? []).map(addTexture);
      const cells = new Int32Array(cols * rows);
      o.cells.forEach((c, k) => {
        if (c === 0) { cells[k] = -1; return; }
        if (!o.textures) { cells[k] = own; return; }
        const t = texs[c - 1];
        if (t === undefined) throw new Error(`scene: grid cell ${k} uses texture ${c} of ${texs.length}`);
        cells[k] = t;
      });
      obj[base + O_TYPE] = S_GRID;
      obj[p] = grids.length;
      grids.push({
        x0: o.position[0], y0: o.position[1], z0: o.position[2],
        cellSize: positive(o.cellSize, 'cellSize'), cols, rows, height: positive(o.height, 'height'), cells,
      });
      obj[base + O_BOUND] = -1;
      return;
    }
    default: {
      const never: never = o;
      throw new Error(`scene: unknown shape ${(never as { shape: string }).shape}`);
    }
  }
}
