/**
 * The latent path: s_i = g([x_i, y_i]) for every point of a set, s = (1/N) sum_i s_i, and
 * q(z | s) = N(mu(s), sigma(s)^2) with sigma = 0.1 + 0.9 sigmoid(.) (Kim et al. 2019). The same
 * encoder gives the prior (on the context) and the posterior (on context and targets). In the
 * ANP the s_i first pass through self-attention over the set.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Linear, Mlp } from '../layers/linear.js';
import { SelfAttentionBlock } from '../layers/multihead-attention.js';
import type { ParamStore } from '../layers/params.js';
import type { NpConfig } from './config.js';
import { boundedSigma } from './normal.js';

/** A diagonal Gaussian over z: mu and sigma [B, latentSize]. */
export type LatentGaussian = {
  mu: tf.Tensor2D;
  sigma: tf.Tensor2D;
};

export class LatentEncoder {
  readonly mlp: Mlp;
  readonly selfAttention: SelfAttentionBlock[];
  readonly hidden: Linear;
  readonly mu: Linear;
  readonly sigma: Linear;

  constructor(store: ParamStore, name: string, config: NpConfig) {
    const h = config.hidden;
    this.mlp = new Mlp(store, `${name}.mlp`, config.xSize + config.ySize, Array(config.encoderLayers).fill(h));
    this.selfAttention = Array.from({ length: config.selfAttention }, (_, l) => new SelfAttentionBlock(store, `${name}.self_attention.${l}`, h, config.heads));
    this.hidden = new Linear(store, `${name}.hidden`, h, h);
    this.mu = new Linear(store, `${name}.mu`, h, config.latentSize);
    this.sigma = new Linear(store, `${name}.sigma`, h, config.latentSize);
  }

  /** q(z | points) from the points' x [B, N, d_x] and y [B, N, d_y]. */
  apply(x: tf.Tensor3D, y: tf.Tensor3D): LatentGaussian {
    return tf.tidy(() => {
      let si = this.mlp.apply(tf.concat([x, y], 2) as tf.Tensor3D); // (B, N, h)
      for (const block of this.selfAttention) si = block.apply(si);
      const s = tf.relu(this.hidden.apply(tf.mean(si, 1) as tf.Tensor2D)); // (B, h)
      return { mu: this.mu.apply(s), sigma: boundedSigma(this.sigma.apply(s), 'sigmoid') as tf.Tensor2D };
    });
  }
}
