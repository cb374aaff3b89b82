/** Convolution layers (NHWC) with PyTorch-named weight and bias. */
import * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from './params.js';

export interface ConvOptions {
  stride?: number;
  /** 'same' keeps the size at stride 1 (odd kernels); 'valid' is no padding. */
  pad?: 'same' | 'valid';
  bias?: boolean;
}

export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly pad: 'same' | 'valid';

  constructor(store: ParamStore, name: string, readonly inChannels: number, readonly outChannels: number, readonly kernel: number, options: ConvOptions = {}) {
    const fanIn = inChannels * kernel * kernel;
    this.weight = store.uniform(`${name}.weight`, [kernel, kernel, inChannels, outChannels], fanIn, 'conv');
    this.bias = options.bias === false ? null : store.uniform(`${name}.bias`, [outChannels], fanIn, 'vector');
    this.stride = options.stride ?? 1;
    this.pad = options.pad ?? 'same';
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const y = tf.conv2d(x, this.weight as tf.Tensor4D, this.stride, this.pad);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/** Transposed convolution (kernel == stride upsampling in GQN's canvas). */
export class ConvTranspose2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParamStore, name: string, readonly inChannels: number, readonly outChannels: number, readonly kernel: number, readonly stride: number) {
    // PyTorch computes the fan-in of a transposed conv from weight.size(1) = outChannels.
    const fanIn = outChannels * kernel * kernel;
    this.weight = store.uniform(`${name}.weight`, [kernel, kernel, outChannels, inChannels], fanIn, 'convTranspose');
    this.bias = store.uniform(`${name}.bias`, [outChannels], fanIn, 'vector');
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const out: [number, number, number, number] = [n, (h - 1) * this.stride + this.kernel, (w - 1) * this.stride + this.kernel, this.outChannels];
    return tf.add(tf.conv2dTranspose(x, this.weight as tf.Tensor4D, out, this.stride, 'valid'), this.bias);
  }
}
