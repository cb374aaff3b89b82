/** A fully connected layer y = x W + b with PyTorch-named weight and bias (nn.Linear). */
import * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from './params.js';

export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, readonly inFeatures: number, readonly outFeatures: number) {
    // nn.Linear's default initialisation, as the store draws it: U(-1/sqrt(in), 1/sqrt(in)).
    this.weight = store.uniform(`${name}.weight`, [inFeatures, outFeatures], inFeatures, 'linear');
    this.bias = store.uniform(`${name}.bias`, [outFeatures], inFeatures, 'vector');
  }

  /** [B, in] -> [B, out]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight as tf.Tensor2D), this.bias);
  }
}
