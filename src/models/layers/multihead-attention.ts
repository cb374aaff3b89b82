/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017), batched over sets:
 *
 *   head_h = softmax(Q_h K_h^T / sqrt(d_h)) V_h,  Q_h = q W_h^Q, K_h = k W_h^K, V_h = v W_h^V
 *   MultiHead(q, k, v) = concat(head_1..head_H) W^O
 *
 * Sets are unordered and unmasked: every query attends to every key of its own batch row. The
 * Attentive NP (Kim et al. 2019) uses it for its cross-attention (queries: target inputs, keys:
 * context inputs, values: r_i) and, in a residual block with layer norm, as self-attention over
 * the context points.
 */
import * as tf from '@tensorflow/tfjs-core';

import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import type { ParamStore } from './params.js';

export class MultiheadAttention {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
  readonly headSize: number;

  /** Queries of width `queryFeatures`, keys `keyFeatures`, values `valueFeatures`; output width `dim`. */
  constructor(store: ParamStore, name: string, readonly dim: number, readonly heads: number, queryFeatures = dim, keyFeatures = dim, valueFeatures = dim) {
    if (!Number.isInteger(dim / heads)) throw new Error(`MultiheadAttention ${name}: width ${dim} is not divisible by ${heads} heads`);
    this.headSize = dim / heads;
    this.query = new Linear(store, `${name}.query`, queryFeatures, dim);
    this.key = new Linear(store, `${name}.key`, keyFeatures, dim);
    this.value = new Linear(store, `${name}.value`, valueFeatures, dim);
    this.output = new Linear(store, `${name}.output`, dim, dim);
  }

  /** q [B, Nq, dq], k [B, Nk, dk], v [B, Nk, dv] -> [B, Nq, dim]. */
  apply(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, nq] = q.shape;
      const nk = k.shape[1];
      const split = (t: tf.Tensor3D, n: number) => tf.transpose(tf.reshape(t, [b, n, this.heads, this.headSize]), [0, 2, 1, 3]) as tf.Tensor4D;
      const qh = split(this.query.apply(q), nq); // (B, H, Nq, dh)
      const kh = split(this.key.apply(k), nk); // (B, H, Nk, dh)
      const vh = split(this.value.apply(v), nk); // (B, H, Nk, dh)
      const logits = tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(this.headSize)); // (B, H, Nq, Nk)
      const heads = tf.matMul(tf.softmax(logits), vh); // (B, H, Nq, dh)
      const joined = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [b, nq, this.dim]) as tf.Tensor3D;
      return this.output.apply(joined);
    });
  }
}

/** Self-attention over a set with a residual connection and layer norm: h <- LayerNorm(h + MultiHead(h, h, h)). */
export class SelfAttentionBlock {
  readonly attention: MultiheadAttention;
  readonly norm: LayerNorm;

  constructor(store: ParamStore, name: string, dim: number, heads: number) {
    this.attention = new MultiheadAttention(store, `${name}.attention`, dim, heads);
    this.norm = new LayerNorm(store, `${name}.norm`, dim);
  }

  apply(h: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => this.norm.apply(tf.add(h, this.attention.apply(h, h, h))));
  }
}
