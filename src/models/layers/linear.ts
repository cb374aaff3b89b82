/** Fully connected layers y = x W + b on the last axis of any rank, with PyTorch's names (`<name>.weight`, `<name>.bias`) and initialisation (nn.Linear). */
import * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from './params.js';

/** y = x W + b over the last axis of x (any rank): nn.Linear(inFeatures, outFeatures). */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, readonly inFeatures: number, readonly outFeatures: number) {
    // nn.Linear's default initialisation, as the store draws it: U(-1/sqrt(in), 1/sqrt(in)).
    this.weight = store.uniform(`${name}.weight`, [inFeatures, outFeatures], inFeatures, 'linear');
    this.bias = store.uniform(`${name}.bias`, [outFeatures], inFeatures, 'vector');
  }

  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      const shape = x.shape;
      if (shape[shape.length - 1] !== this.inFeatures) throw new Error(`Linear: expected ${this.inFeatures} input features, got shape [${shape}]`);
      // matMul wants 2-D: fold every leading axis into the rows.
      const y = tf.add(tf.matMul(tf.reshape(x, [-1, this.inFeatures]), this.weight as tf.Tensor2D), this.bias);
      return tf.reshape(y, [...shape.slice(0, -1), this.outFeatures]) as T;
    });
  }
}

/**
 * Linear layers `<name>.layers.<i>` of the given widths with ReLU between them (none after the
 * last): the Neural Processes' "batch MLP", applied to every point of a set alike.
 */
export class Mlp {
  readonly layers: Linear[];

  constructor(store: ParamStore, name: string, inFeatures: number, widths: readonly number[]) {
    if (widths.length === 0) throw new Error(`Mlp ${name}: needs at least one layer`);
    this.layers = widths.map((w, i) => new Linear(store, `${name}.layers.${i}`, i === 0 ? inFeatures : widths[i - 1], w));
  }

  get outFeatures(): number {
    return this.layers[this.layers.length - 1].outFeatures;
  }

  apply<T extends tf.Tensor>(x: T): T {
    return tf.tidy(() => {
      let h: T = x;
      this.layers.forEach((layer, i) => {
        h = layer.apply(h);
        if (i < this.layers.length - 1) h = tf.relu(h);
      });
      return h;
    });
  }
}
