/**
 * The query's frame: every camera of a query (its context views and the query itself) turned
 * about the world's vertical axis, through the origin, so that the query camera looks along +x.
 *
 * The worlds are drawn with no preferred heading (objects, light and cameras are placed uniformly
 * in angle about the vertical axis), so this turn loses nothing; what it buys is that
 * r = sum_k f(x^k, v^k) is built from where each context camera stands relative to the query.
 * A context view taken from the query's own heading then arrives with the same relative camera
 * whatever that heading was, and the generator no longer has to learn to turn a world-frame r
 * by v^q (config.contextFrame = 'query'; docs/models.md has the runs that motivated it).
 *
 * Viewpoints are (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch) with yaw measured from +x
 * toward +z (src/scenes/camera.ts). Turning by -yaw_q maps a heading t to t - yaw_q:
 *   x' = x cos(yaw_q) + z sin(yaw_q),  z' = z cos(yaw_q) - x sin(yaw_q),  y' = y, pitch' = pitch.
 */
import * as tf from '@tensorflow/tfjs-core';

/** v [..., 7] turned by the heading whose cosine and sine are c and s (each [..., 1]). */
function turn(v: tf.Tensor, c: tf.Tensor, s: tf.Tensor): tf.Tensor {
  const [x, y, z, cy, sy, rest] = tf.split(v, [1, 1, 1, 1, 1, 2], -1);
  return tf.concat([
    tf.add(tf.mul(x, c), tf.mul(z, s)), y, tf.sub(tf.mul(z, c), tf.mul(x, s)),
    tf.add(tf.mul(cy, c), tf.mul(sy, s)), tf.sub(tf.mul(sy, c), tf.mul(cy, s)), rest,
  ], -1);
}

/**
 * Viewpoints [B, N, 7] turned so that each scene's `reference` viewpoint ([B, 7]) looks along +x:
 * JUMP's context frame (config.contextFrame 'context'), where the reference is the first context
 * view, the same for every query, so that r stays one per scene.
 */
export function toFrameOf(reference: tf.Tensor2D, views: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [b] = reference.shape;
    if (views.shape[0] !== b) throw new Error(`toFrameOf: ${views.shape[0]} rows of views for ${b} references`);
    const c = tf.expandDims(tf.slice(reference, [0, 3], [b, 1]), 1);
    const s = tf.expandDims(tf.slice(reference, [0, 4], [b, 1]), 1);
    return turn(views, c, s) as tf.Tensor3D;
  });
}

/** Context viewpoints [B, M, 7] and query viewpoints [B, 7] in the query's frame. */
export function toQueryFrame(context: tf.Tensor3D, query: tf.Tensor2D): { context: tf.Tensor3D; query: tf.Tensor2D } {
  return tf.tidy(() => {
    const [b] = query.shape;
    if (context.shape[0] !== b) throw new Error(`toQueryFrame: ${context.shape[0]} context rows for ${b} queries`);
    const c = tf.slice(query, [0, 3], [b, 1]);
    const s = tf.slice(query, [0, 4], [b, 1]);
    const turnedContext = turn(context, tf.expandDims(c, 1), tf.expandDims(s, 1)) as tf.Tensor3D;
    const turnedQuery = turn(query, c, s) as tf.Tensor2D;
    return { context: turnedContext, query: turnedQuery };
  });
}
