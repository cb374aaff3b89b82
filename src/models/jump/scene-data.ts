/**
 * JUMP's data: a gqn-datasets scene folder (--data), as the GQN's (gqn/scene-data.ts), read with
 * T target views per scene (train.targets) beside M context views.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Batch } from '../../data/reader.js';
import { checkSceneData, openSceneStream } from '../gqn/scene-data.js';
import type { KindData } from '../model.js';
import type { JumpConfig, JumpTrainSettings } from './config.js';
import type { JumpBatch } from './jump.js';

/** The reader's plain arrays as JUMP's tensors. */
export function toJumpBatch(b: Batch): JumpBatch {
  return {
    contextImages: tf.tensor5d(b.contextImages.data, b.contextImages.shape as [number, number, number, number, number]),
    contextViewpoints: tf.tensor3d(b.contextViewpoints.data, b.contextViewpoints.shape as [number, number, number]),
    targetImages: tf.tensor5d(b.queryImages.data, b.queryImages.shape as [number, number, number, number, number]),
    targetViewpoints: tf.tensor3d(b.queryViewpoints.data, b.queryViewpoints.shape as [number, number, number]),
  };
}

export function disposeJumpBatch(batch: JumpBatch): void {
  tf.dispose([batch.contextImages, batch.contextViewpoints, batch.targetImages, batch.targetViewpoints]);
}

export const JUMP_DATA: KindData<JumpConfig, JumpTrainSettings, JumpBatch> = {
  description: 'a gqn-datasets scene folder (--data), T target views per scene',
  check: async (model, train) => checkSceneData(model, train, train.targets),
  open: (model, train, o) => openSceneStream(model.imageSize, train, o, train.targets, toJumpBatch, disposeJumpBatch),
};
