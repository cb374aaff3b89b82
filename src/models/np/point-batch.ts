/**
 * A batch of functions seen as sets of points, the Neural Processes' data: B functions, each with
 * C context points and T target points, inputs x of size d_x and outputs y of size d_y. Every
 * function of a batch has the same C and T (the tasks draw them per batch), so no masks.
 * In training the targets include the contexts (the first C targets are the context points), as
 * in the papers; in evaluation they are the held-out points.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface PointBatch {
  /** [B, C, d_x] */
  contextX: tf.Tensor3D;
  /** [B, C, d_y] */
  contextY: tf.Tensor3D;
  /** [B, T, d_x] */
  targetX: tf.Tensor3D;
  /** [B, T, d_y] */
  targetY: tf.Tensor3D;
}

/** The same batch as plain arrays (row-major), what the tasks produce without touching tfjs. */
export interface PointArrays {
  batch: number;
  contexts: number;
  targets: number;
  xSize: number;
  ySize: number;
  contextX: Float32Array;
  contextY: Float32Array;
  targetX: Float32Array;
  targetY: Float32Array;
}

export function toPointBatch(a: PointArrays): PointBatch {
  const { batch: b, contexts: c, targets: t, xSize: dx, ySize: dy } = a;
  return {
    contextX: tf.tensor3d(a.contextX, [b, c, dx]),
    contextY: tf.tensor3d(a.contextY, [b, c, dy]),
    targetX: tf.tensor3d(a.targetX, [b, t, dx]),
    targetY: tf.tensor3d(a.targetY, [b, t, dy]),
  };
}

export function disposePointBatch(batch: PointBatch): void {
  tf.dispose([batch.contextX, batch.contextY, batch.targetX, batch.targetY]);
}
