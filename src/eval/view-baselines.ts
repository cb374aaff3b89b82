/**
 * Predictors that need no model, the yardsticks a GQN must beat at a new camera:
 *
 * - scene-mean oracle: the mean of all K views of the scene (query included). No predictor blind
 *   to the query camera can have a lower expected squared error, so beating it is the evidence
 *   that a model uses the camera. It cheats (it sees the query), hence "oracle".
 * - context mean: the mean of the M context images.
 * - nearest context view: the context image whose camera looks closest to the query's direction.
 *
 * Images are flat HWC Float32Arrays in [0, 1]; viewpoints are the network's 7-vectors
 * (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch).
 */

/** The mean of `images`, each of length d. */
export function meanImage(images: Float32Array[]): Float32Array {
  if (images.length === 0) throw new Error('meanImage: no images');
  const out = new Float32Array(images[0].length);
  for (const img of images) for (let i = 0; i < out.length; i++) out[i] += img[i];
  for (let i = 0; i < out.length; i++) out[i] /= images.length;
  return out;
}

/** The unit viewing direction of a viewpoint 7-vector (src/scenes/camera.ts convention). */
function forward(v: ArrayLike<number>): [number, number, number] {
  const [cy, sy, cp, sp] = [v[3], v[4], v[5], v[6]];
  return [cp * cy, sp, cp * sy];
}

/** Angle in radians between the viewing directions of two viewpoints. */
export function viewAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const fa = forward(a);
  const fb = forward(b);
  const dot = fa[0] * fb[0] + fa[1] * fb[1] + fa[2] * fb[2];
  return Math.acos(Math.min(1, Math.max(-1, dot)));
}

/** The index of the context viewpoint closest in viewing direction to `query`, and its angle. */
export function nearestView(contextViewpoints: ArrayLike<number>[], query: ArrayLike<number>): { index: number; angle: number } {
  let best = { index: -1, angle: Infinity };
  contextViewpoints.forEach((v, index) => {
    const angle = viewAngle(v, query);
    if (angle < best.angle) best = { index, angle };
  });
  if (best.index < 0) throw new Error('nearestView: no context views');
  return best;
}
