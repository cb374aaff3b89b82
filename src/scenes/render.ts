/**
 * The CPU ray tracer: one primary ray per pixel (four with antialias), Lambert shading with
 * hard shadows from each light, ambient term, procedural textures. Pure: no DOM, no node:.
 */
import { cameraBasis, type Camera } from './camera.js';
import { compileScene, LIGHT_STRIDE, type CompiledScene } from './compile.js';
import { cullView, rowRanges } from './cull.js';
import { HIT, H_N, H_P, H_TEX } from './hit-record.js';
import { prepareOrigin, traceAny, traceClosest } from './intersect.js';
import type { SceneGraph } from './scene-graph.js';
import { evalTexture } from './textures.js';

export interface RenderOptions {
  /** 2x2 supersampling per pixel (4x the cost). */
  antialias?: boolean;
  /** Trace shadow rays (default true). */
  shadows?: boolean;
  /**
   * Screen-space culling of the camera rays (cull.ts; default true). false tests every object
   * for every ray: the same image, only slower. For tests of the culling.
   */
  cull?: boolean;
}

/** Shadow rays start this far off the surface so they do not re-hit it. */
const SHADOW_BIAS = 1e-4;

const ALBEDO = new Float64Array(3);
const RGB = new Float64Array(3);

// Scenes are treated as immutable once rendered; compiling once serves all their views.
const compiled = new WeakMap<SceneGraph, CompiledScene>();

export function getCompiled(scene: SceneGraph): CompiledScene {
  let cs = compiled.get(scene);
  if (!cs) {
    cs = compileScene(scene);
    compiled.set(scene, cs);
  }
  return cs;
}

/** Camera ray and shadow ray buffers: [ox, oy, oz, dx, dy, dz, tMax]. */
const EYE = new Float64Array(7);
const SHADOW = new Float64Array(7);

/**
 * Per-view scratch (grown on demand): the objects of the current pixel row with their column
 * ranges (cull.ts), the candidate list of the current pixel, f + h r per sample column, and
 * prepareOrigin's constants for the eye.
 */
let ROW = new Int32Array(48);
let CAND = new Int32Array(16);
let COLS = new Float64Array(3 * 256);
let DIRS = new Float64Array(3 * 256);
let PRE = new Float64Array(64);

/**
 * Colour seen along EYE (tMax = Infinity), written to RGB; traces only the objects cand[0 .. n-1],
 * with the origin constants `pre` (see traceClosest).
 */
function shadeRay(cs: CompiledScene, shadows: boolean, cand: Int32Array, n: number, pre: Float64Array | null): void {
  const ray = EYE;
  if (!traceClosest(cs, ray, cand, n, pre)) {
    RGB[0] = cs.background[0]; RGB[1] = cs.background[1]; RGB[2] = cs.background[2];
    return;
  }
  let nx = HIT[H_N], ny = HIT[H_N + 1], nz = HIT[H_N + 2];
  // Face the viewer: planes are two-sided and rays from inside a solid see its inner side.
  // (Textures use only |n|, so HIT keeps the unflipped normal.)
  if (nx * ray[3] + ny * ray[4] + nz * ray[5] > 0) {
    nx = -nx; ny = -ny; nz = -nz;
  }
  const px = HIT[H_P], py = HIT[H_P + 1], pz = HIT[H_P + 2];
  evalTexture(cs.textures[HIT[H_TEX] | 0], HIT, ALBEDO);
  let lr = cs.ambient[0], lg = cs.ambient[1], lb = cs.ambient[2];
  const lights = cs.lights;
  const sh = SHADOW;
  sh[0] = px + nx * SHADOW_BIAS; sh[1] = py + ny * SHADOW_BIAS; sh[2] = pz + nz * SHADOW_BIAS;
  for (let i = 0, b = 0; i < cs.lightCount; i++, b += LIGHT_STRIDE) {
    let lx: number, ly: number, lz: number, dist: number;
    if (lights[b] === 0) {
      lx = lights[b + 1]; ly = lights[b + 2]; lz = lights[b + 3]; dist = Infinity;
    } else {
      lx = lights[b + 1] - px; ly = lights[b + 2] - py; lz = lights[b + 3] - pz;
      dist = Math.sqrt(lx * lx + ly * ly + lz * lz);
      const inv = 1 / dist;
      lx *= inv; ly *= inv; lz *= inv;
    }
    const ndl = nx * lx + ny * ly + nz * lz;
    if (ndl <= 0) continue;
    if (shadows) {
      sh[3] = lx; sh[4] = ly; sh[5] = lz; sh[6] = dist;
      if (traceAny(cs, sh)) continue;
    }
    lr += ndl * lights[b + 4]; lg += ndl * lights[b + 5]; lb += ndl * lights[b + 6];
  }
  RGB[0] = ALBEDO[0] * lr; RGB[1] = ALBEDO[1] * lg; RGB[2] = ALBEDO[2] * lb;
}

/**
 * Math.round(x * 255) clamped to [0, 255], NaN -> 0, without the Math.round call: for
 * y >= 0.5, y + 0.5 is exact or rounds the way round-half-up does, so (y + 0.5) | 0 agrees.
 */
function toByte(x: number): number {
  const y = x * 255;
  if (y >= 254.5) return 255;
  return y >= 0.5 ? (y + 0.5) | 0 : 0;
}

/** Shared pixel loop; writes linear floats or clamped bytes, so neither path needs a second pass. */
function renderInto<T extends Float32Array | Uint8Array>(
  out: T, scene: SceneGraph, camera: Camera, size: number, options: RenderOptions,
): T {
  if (!Number.isInteger(size) || size < 1) throw new Error(`renderView: size must be a positive integer, got ${size}`);
  const [ox, oy, oz] = camera.position;
  if (![ox, oy, oz, camera.yaw, camera.pitch].every(Number.isFinite)) throw new Error('renderView: camera must be finite numbers');
  const bytes = out instanceof Uint8Array;
  const cs = getCompiled(scene);
  const { forward: f, right: r, up: u } = cameraBasis(camera);
  const f0 = f[0], f1 = f[1], f2 = f[2], r0 = r[0], r1 = r[1], r2 = r[2], u0 = u[0], u1 = u[1], u2 = u[2];
  const tanH = Math.tan(cs.fov / 2);
  const shadows = options.shadows ?? true;
  const ss = options.antialias ? 2 : 1;
  const inv = 1 / (ss * ss);
  const step = (2 * tanH) / size;
  const count = cs.count;
  if (CAND.length < count) { ROW = new Int32Array(6 * count); CAND = new Int32Array(2 * count); PRE = new Float64Array(8 * count); }
  prepareOrigin(cs, ox, oy, oz, PRE);
  cullView(cs, ox, oy, oz, f, r, u, tanH, step, size, PRE);
  // Per sample column: f + h r (the first terms of the direction, so the sums below round
  // exactly as f + h r + v u always did).
  const cols = size * ss;
  if (COLS.length < 3 * cols) COLS = new Float64Array(3 * cols);
  if (DIRS.length < 3 * cols * ss) DIRS = new Float64Array(3 * cols * ss);
  const colDir = COLS, dirs = DIRS;
  for (let j = 0, c = 0; j < size; j++) {
    for (let sx = 0; sx < ss; sx++, c += 3) {
      const h = (j + (sx + 0.5) / ss) * step - tanH;
      colDir[c] = f0 + h * r0; colDir[c + 1] = f1 + h * r1; colDir[c + 2] = f2 + h * r2;
    }
  }
  const row = ROW, cand = CAND;
  // (A field of view of 180 degrees or more has no finite image plane: trace everything.)
  const cull = (options.cull ?? true) && step > 0 && step < Infinity;
  const eye = EYE;
  eye[0] = ox; eye[1] = oy; eye[2] = oz; // shadeRay leaves the origin alone
  const rowStride = 3 * cols;
  for (let i = 0, o = 0; i < size; i++) {
    // This row's unit ray directions, sample row sy at dirs[sy * rowStride], one tight loop
    // (independent square roots and divisions overlap, unlike one per shaded ray).
    for (let sy = 0, d = 0; sy < ss; sy++) {
      const v = tanH - (i + (sy + 0.5) / ss) * step;
      const vu0 = v * u0, vu1 = v * u1, vu2 = v * u2;
      for (let c = 0; c < rowStride; c += 3, d += 3) {
        const dx = colDir[c] + vu0, dy = colDir[c + 1] + vu1, dz = colDir[c + 2] + vu2;
        const l = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
        dirs[d] = dx * l; dirs[d + 1] = dy * l; dirs[d + 2] = dz * l;
      }
    }
    // The objects this row can see, in scene order, with their column ranges.
    const rn = cull ? rowRanges(i, row) : 0;
    // The candidate list changes only where some object's column range starts or ends.
    let n = 0, next = 0;
    for (let j = 0; j < size; j++, o += 3) {
      if (j === next) {
        n = 0; next = size;
        for (let k = 0; k < rn; k += 3) {
          const c0 = row[k + 1], c1 = row[k + 2];
          if (c0 > j) { if (c0 < next) next = c0; } else if (j <= c1) {
            cand[n++] = row[k];
            if (c1 + 1 < next) next = c1 + 1;
          }
        }
      }
      let cr = 0, cg = 0, cb = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0, d = sy * rowStride + 3 * ss * j; sx < ss; sx++, d += 3) {
          eye[3] = dirs[d]; eye[4] = dirs[d + 1]; eye[5] = dirs[d + 2]; eye[6] = Infinity;
          if (cull) shadeRay(cs, shadows, cand, n, PRE);
          else shadeRay(cs, shadows, cs.all, count, null);
          cr += RGB[0]; cg += RGB[1]; cb += RGB[2];
        }
      }
      if (bytes) {
        out[o] = toByte(cr * inv); out[o + 1] = toByte(cg * inv); out[o + 2] = toByte(cb * inv);
      } else {
        out[o] = cr * inv; out[o + 1] = cg * inv; out[o + 2] = cb * inv;
      }
    }
  }
  return out;
}

/**
 * Renders the scene from `camera` into linear float RGB (size*size*3, row-major from the top
 * row, not clamped): the byte image before rounding, for tests and float pipelines.
 */
export function renderViewLinear(scene: SceneGraph, camera: Camera, size: number, options: RenderOptions = {}): Float32Array {
  return renderInto(new Float32Array(size * size * 3), scene, camera, size, options);
}

/** Renders the scene from `camera`: size*size*3 RGB bytes, row-major from the top row. */
export function renderView(scene: SceneGraph, camera: Camera, size: number, options: RenderOptions = {}): Uint8Array {
  return renderInto(new Uint8Array(size * size * 3), scene, camera, size, options);
}

function toBytes(linear: Float32Array): Uint8Array {
  const out = new Uint8Array(linear.length);
  for (let i = 0; i < linear.length; i++) out[i] = toByte(linear[i]);
  return out;
}

/**
 * Top-down orthographic map of the scene's bounds (SceneGraph.bounds): image right = +x,
 * image down = +z. Shadows stay on by default: they outline the walls against the floor.
 * Throws for scenes without bounds (Shepard-Metzler, dice).
 */
export function renderMap(scene: SceneGraph, size: number, options: RenderOptions = {}): Uint8Array {
  return toBytes(renderMapLinear(scene, size, options));
}

/** renderMap in linear float RGB. */
export function renderMapLinear(scene: SceneGraph, size: number, options: RenderOptions = {}): Float32Array {
  if (!scene.bounds) throw new Error(`renderMap: world "${scene.world}" has no map (scene.bounds is not set)`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`renderMap: size must be a positive integer, got ${size}`);
  const cs = getCompiled(scene);
  const { min, max } = scene.bounds;
  const side = Math.max(max[0] - min[0], max[2] - min[2]);
  const cx = (min[0] + max[0]) / 2, cz = (min[2] + max[2]) / 2;
  const top = max[1] + 1;
  const shadows = options.shadows ?? true;
  const ss = options.antialias ? 2 : 1;
  const inv = 1 / (ss * ss);
  const out = new Float32Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let cr = 0, cg = 0, cb = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = cx - side / 2 + ((j + (sx + 0.5) / ss) / size) * side;
          const z = cz - side / 2 + ((i + (sy + 0.5) / ss) / size) * side;
          EYE[0] = x; EYE[1] = top; EYE[2] = z; EYE[3] = 0; EYE[4] = -1; EYE[5] = 0; EYE[6] = Infinity;
          shadeRay(cs, shadows, cs.all, cs.count, null);
          cr += RGB[0]; cg += RGB[1]; cb += RGB[2];
        }
      }
      const o = (i * size + j) * 3;
      out[o] = cr * inv; out[o + 1] = cg * inv; out[o + 2] = cb * inv;
    }
  }
  return out;
}
