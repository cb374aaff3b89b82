/**
 * The decoder p(y_t | x_t, r_t, z) = N(mu, sigma^2) with [mu, raw] = MLP([r_t, z, x_t]) and
 * sigma = 0.1 + 0.9 softplus(raw), the floor keeping the likelihood from collapsing onto a context
 * point (Le et al. 2018; Kim et al. 2019).
 */
import * as tf from '@tensorflow/tfjs-core';

import { Mlp } from '../layers/linear.js';
import type { ParamStore } from '../layers/params.js';
import type { NpConfig } from './config.js';
import { boundedSigma } from './normal.js';

/** The predictive distribution of every target: mu and sigma [B, T, d_y]. */
export type Predictive = {
  mean: tf.Tensor3D;
  sigma: tf.Tensor3D;
};

export class Decoder {
  readonly mlp: Mlp;

  constructor(store: ParamStore, name: string, readonly config: NpConfig) {
    const { hidden: h, latentSize, xSize, ySize, decoderLayers } = config;
    const inFeatures = (config.deterministicPath === 'none' ? 0 : h) + latentSize + xSize;
    this.mlp = new Mlp(store, `${name}.mlp`, inFeatures, [...Array(decoderLayers).fill(h), 2 * ySize]);
  }

  /** r [B, T, h] (null without a deterministic path), z [B, latentSize] (null without a latent), x [B, T, d_x]. */
  apply(r: tf.Tensor3D | null, z: tf.Tensor2D | null, targetX: tf.Tensor3D): Predictive {
    return tf.tidy(() => {
      const [b, t] = targetX.shape;
      const parts: tf.Tensor3D[] = [];
      if (r) parts.push(r);
      if (z) parts.push(tf.tile(tf.expandDims(z, 1), [1, t, 1]) as tf.Tensor3D); // (B, T, latent)
      parts.push(targetX);
      const out = this.mlp.apply(tf.concat(parts, 2) as tf.Tensor3D); // (B, T, 2 d_y)
      const d = this.config.ySize;
      const mean = tf.slice(out, [0, 0, 0], [b, t, d]) as tf.Tensor3D;
      const sigma = boundedSigma(tf.slice(out, [0, 0, d], [b, t, d]), 'softplus') as tf.Tensor3D;
      return { mean, sigma };
    });
  }
}
