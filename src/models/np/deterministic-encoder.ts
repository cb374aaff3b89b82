/**
 * The deterministic path: r_i = h([x_i, y_i]) for every context point, then for every target
 * either r = (1/C) sum_i r_i (CNP, NP: one r for all targets) or r*_t = MultiHead(e(x_t), e(x_i), r_i)
 * (ANP: each target attends to the context points near it in x; e is an MLP shared by queries and
 * keys). In the ANP the r_i first pass through self-attention over the context.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Mlp } from '../layers/linear.js';
import { MultiheadAttention, SelfAttentionBlock } from '../layers/multihead-attention.js';
import type { ParamStore } from '../layers/params.js';
import type { NpConfig } from './config.js';

export class DeterministicEncoder {
  readonly mlp: Mlp;
  readonly selfAttention: SelfAttentionBlock[];
  /** The ANP's cross-attention: x embedding for queries and keys, and the attention itself. */
  readonly xEmbedding: Mlp | null;
  readonly crossAttention: MultiheadAttention | null;

  constructor(store: ParamStore, name: string, readonly config: NpConfig) {
    const h = config.hidden;
    this.mlp = new Mlp(store, `${name}.mlp`, config.xSize + config.ySize, Array(config.encoderLayers).fill(h));
    this.selfAttention = Array.from({ length: config.selfAttention }, (_, l) => new SelfAttentionBlock(store, `${name}.self_attention.${l}`, h, config.heads));
    const attend = config.deterministicPath === 'attention';
    this.xEmbedding = attend ? new Mlp(store, `${name}.x_embedding`, config.xSize, [h, h]) : null;
    this.crossAttention = attend ? new MultiheadAttention(store, `${name}.cross_attention`, h, config.heads) : null;
  }

  /** r for every target [B, T, h], from the context [B, C, d_x], [B, C, d_y] and the targets' x [B, T, d_x]. */
  apply(contextX: tf.Tensor3D, contextY: tf.Tensor3D, targetX: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      let ri = this.mlp.apply(tf.concat([contextX, contextY], 2) as tf.Tensor3D); // (B, C, h)
      for (const block of this.selfAttention) ri = block.apply(ri);
      if (this.crossAttention && this.xEmbedding) {
        return this.crossAttention.apply(this.xEmbedding.apply(targetX), this.xEmbedding.apply(contextX), ri); // (B, T, h)
      }
      const t = targetX.shape[1];
      const r = tf.mean(ri, 1, true); // (B, 1, h)
      return tf.tile(r, [1, t, 1]) as tf.Tensor3D; // (B, T, h)
    });
  }
}
