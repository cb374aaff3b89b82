/** Layer normalisation over the last axis (Ba et al. 2016), as PyTorch's nn.LayerNorm (eps 1e-5, biased variance). */
import * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from './params.js';

export const LAYER_NORM_EPS = 1e-5;

export class LayerNorm {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, readonly features: number) {
    this.weight = store.constant(`${name}.weight`, [features], 1, 'vector');
    this.bias = store.constant(`${name}.bias`, [features], 0, 'vector');
  }

  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const axis = x.rank - 1;
      const { mean, variance } = tf.moments(x, axis, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPS)));
      return tf.add(tf.mul(normed, this.weight), this.bias) as T;
    });
  }
}
