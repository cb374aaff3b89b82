/**
 * The CPU ray tracer: one primary ray per pixel (four with antialias), Lambert shading with
 * hard shadows from each light, ambient term, procedural textures. Pure: no DOM, no node:.
 */
import { cameraBasis, type Camera } from './camera.js';
import { compileScene, LIGHT_STRIDE, type CompiledScene } from './compile.js';
import { HIT, H_N, H_P, H_TEX } from './hit-record.js';
import { traceAny, traceClosest } from './intersect.js';
import type { SceneGraph } from './scene-graph.js';
import { evalTexture } from './textures.js';

export interface RenderOptions {
  /** 2x2 supersampling per pixel (4x the cost). */
  antialias?: boolean;
  /** Trace shadow rays (default true). */
  shadows?: boolean;
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

/** Colour seen along EYE (tMax = Infinity), written to RGB. */
function shadeRay(cs: CompiledScene, shadows: boolean): void {
  const ray = EYE;
  if (!traceClosest(cs, ray)) {
    RGB[0] = cs.background[0]; RGB[1] = cs.background[1]; RGB[2] = cs.background[2];
    return;
  }
  let nx = HIT[H_N], ny = HIT[H_N + 1], nz = HIT[H_N + 2];
  // Face the viewer: planes are two-sided and rays from inside a solid see its inner side.
  if (nx * ray[3] + ny * ray[4] + nz * ray[5] > 0) {
    nx = -nx; ny = -ny; nz = -nz;
    HIT[H_N] = nx; HIT[H_N + 1] = ny; HIT[H_N + 2] = nz;
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

function toByte(x: number): number {
  const v = Math.round(x * 255);
  return v > 0 ? (v < 255 ? v : 255) : 0; // NaN -> 0
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
  for (let i = 0, o = 0; i < size; i++) {
    for (let j = 0; j < size; j++, o += 3) {
      let cr = 0, cg = 0, cb = 0;
      for (let sy = 0; sy < ss; sy++) {
        const v = tanH - (i + (sy + 0.5) / ss) * step;
        for (let sx = 0; sx < ss; sx++) {
          const h = (j + (sx + 0.5) / ss) * step - tanH;
          const dx = f0 + h * r0 + v * u0;
          const dy = f1 + h * r1 + v * u1;
          const dz = f2 + h * r2 + v * u2;
          const l = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
          EYE[0] = ox; EYE[1] = oy; EYE[2] = oz;
          EYE[3] = dx * l; EYE[4] = dy * l; EYE[5] = dz * l; EYE[6] = Infinity;
          shadeRay(cs, shadows);
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
          shadeRay(cs, shadows);
          cr += RGB[0]; cg += RGB[1]; cb += RGB[2];
        }
      }
      const o = (i * size + j) * 3;
      out[o] = cr * inv; out[o + 1] = cg * inv; out[o + 2] = cb * inv;
    }
  }
  return out;
}
