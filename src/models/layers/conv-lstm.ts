/**
 * Convolutional LSTM cell (Shi et al. 2015), as in GQN's generation and inference cores.
 *
 *   [i, f, o, g] = conv([input, h]) ;  c' = sigmoid(f) c + sigmoid(i) tanh(g) ;  h' = sigmoid(o) tanh(c')
 *
 * One weight covers [input, h] (PyTorch port layout: `conv.weight` [4h, in + h, k, k], gates in
 * the order i, f, o, g). A convolution is linear in its input channels, so the part of the input
 * that does not change across the L steps of one query (viewpoint, representation, target
 * image) is convolved once per query by `prepare` and added at every step. That pays only when
 * the cell runs more than once per query (shared cores): an unshared core runs once, and slicing
 * its weight would copy it (650 MB for the paper preset), so it convolves the whole input.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Conv2d } from './conv2d.js';
import type { ParamStore } from './params.js';

export interface LstmState {
  h: tf.Tensor4D;
  c: tf.Tensor4D;
}

export class ConvLSTMCell {
  readonly conv: Conv2d;

  /**
   * @param invariantChannels leading input channels that are the same at every step
   * @param inputChannels all input channels (invariant first), excluding the hidden state
   */
  constructor(store: ParamStore, name: string, readonly inputChannels: number, readonly hiddenChannels: number, kernel: number, readonly invariantChannels = 0) {
    this.conv = new Conv2d(store, `${name}.conv`, inputChannels + hiddenChannels, 4 * hiddenChannels, kernel);
  }

  /**
   * Once per query: conv(invariant input) + bias, and the weight of the varying channels (sliced
   * here once rather than at every step). With `reused` false the cell will step once, so the
   * invariant input is only remembered and concatenated at that step.
   */
  prepare(invariant: tf.Tensor4D | null, reused = true): PreparedCell {
    const w = this.conv.weight as tf.Tensor4D;
    const k = this.invariantChannels;
    if (invariant == null || k === 0) return { pre: null, prefix: null, wVarying: w, bias: this.conv.bias! };
    if (!reused) return { pre: null, prefix: invariant, wVarying: w, bias: this.conv.bias! };
    const wInv = tf.slice(w, [0, 0, 0, 0], [-1, -1, k, -1]) as tf.Tensor4D;
    const pre = tf.add(tf.conv2d(invariant, wInv, 1, 'same'), this.conv.bias!) as tf.Tensor4D;
    return { pre, prefix: null, wVarying: tf.slice(w, [0, 0, k, 0], [-1, -1, -1, -1]) as tf.Tensor4D, bias: this.conv.bias! };
  }

  /** One step; `varying` holds the input channels after the invariant ones. */
  step(prepared: PreparedCell, varying: tf.Tensor4D, state: LstmState): LstmState {
    const input = prepared.prefix ? [prepared.prefix, varying, state.h] : [varying, state.h];
    let gates = tf.conv2d(tf.concat(input, 3), prepared.wVarying, 1, 'same');
    gates = prepared.pre ? tf.add(gates, prepared.pre) : tf.add(gates, prepared.bias);
    const [i, f, o, g] = tf.split(gates, 4, 3) as tf.Tensor4D[];
    const c: tf.Tensor4D = tf.add(tf.mul(tf.sigmoid(f), state.c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    const h: tf.Tensor4D = tf.mul(tf.sigmoid(o), tf.tanh(c));
    return { h, c };
  }
}

export interface PreparedCell {
  /** conv(invariant) + bias, or null when the cell has no invariant input. */
  pre: tf.Tensor4D | null;
  /** Invariant input to concatenate at the step (a cell that steps once), or null. */
  prefix: tf.Tensor4D | null;
  wVarying: tf.Tensor4D;
  bias: tf.Tensor;
}
