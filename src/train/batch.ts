/** Turns the data reader's plain arrays into the model's tensors (one query view per scene). */
import * as tf from '@tensorflow/tfjs-core';

import type { Batch } from '../data/reader.js';
import type { QueryBatch } from '../models/model.js';

export function toQueryBatch(b: Batch): QueryBatch {
  const [bs, q, h, w, c] = b.queryImages.shape;
  if (q !== 1) throw new Error(`toQueryBatch: expected one query view per scene, got ${q}`);
  const ci = b.contextImages.shape;
  return {
    contextImages: tf.tensor5d(b.contextImages.data, ci as [number, number, number, number, number]),
    contextViewpoints: tf.tensor3d(b.contextViewpoints.data, b.contextViewpoints.shape as [number, number, number]),
    queryImage: tf.tensor4d(b.queryImages.data, [bs, h, w, c]),
    queryViewpoint: tf.tensor2d(b.queryViewpoints.data, [bs, b.queryViewpoints.shape[2]]),
  };
}

export function disposeBatch(b: QueryBatch): void {
  tf.dispose([b.contextImages, b.contextViewpoints, b.queryImage, b.queryViewpoint]);
}
