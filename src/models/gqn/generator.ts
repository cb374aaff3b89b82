/**
 * The generator: a conditional convolutional DRAW with L steps (paper figure S2).
 *
 * Per step l, on a latent grid of side S/scale:
 *   prior      pi_l = N(mu, exp(logvar)) from h_g            (conv k x k -> 2z)
 *   inference  h_e, c_e = inferenceCore([x_down, v, r, h_g, u_down], h_e, c_e)
 *   posterior  q_l from h_e                                   (conv k x k -> 2z)
 *   z_l ~ q_l (training) or pi_l (sampling)
 *   generation h_g, c_g = generationCore([v, r, z_l], h_g, c_g)
 *   canvas     u <- u + ConvTranspose(scale x scale / scale)(h_g)
 * then the observation mean is sigmoid(conv 1x1(u)).
 * The prior and posterior heads, canvas and downsamplers are shared by all steps; the cores are
 * shared or one per step (config.shareCores).
 */
import * as tf from '@tensorflow/tfjs-core';

import { Conv2d, ConvTranspose2d } from '../layers/conv2d.js';
import { ConvLSTMCell, type LstmState } from '../layers/conv-lstm.js';
import type { ParamStore } from '../layers/params.js';
import type { GqnConfig } from './config.js';
import { klDivergence, sample } from './gaussian.js';
import { tileViewpoint } from './representation.js';

export interface Inference {
  /** Observation mean [B,S,S,C] of the posterior path. */
  mean: tf.Tensor4D;
  /** Sum of the per-step KLs per image [B]. */
  kl: tf.Tensor1D;
  /** KL per step per image [L, B]. */
  klPerStep: tf.Tensor2D;
}

export class Generator {
  readonly generationCores: ConvLSTMCell[];
  readonly inferenceCores: ConvLSTMCell[];
  readonly prior: Conv2d;
  readonly posterior: Conv2d;
  readonly canvas: ConvTranspose2d;
  readonly xDown: Conv2d;
  readonly uDown: Conv2d;
  readonly observation: Conv2d;
  readonly grid: number;

  constructor(store: ParamStore, readonly c: GqnConfig) {
    const cores = c.shareCores ? 1 : c.steps;
    const vr = c.viewpointSize + c.rChannels;
    this.grid = c.imageSize / c.scale;
    this.generationCores = Array.from({ length: cores }, (_, l) =>
      new ConvLSTMCell(store, `generator.generation_cores.${l}`, vr + c.zChannels, c.hChannels, c.coreKernel, vr));
    this.inferenceCores = Array.from({ length: cores }, (_, l) =>
      new ConvLSTMCell(store, `generator.inference_cores.${l}`, c.imageChannels + vr + c.hChannels + c.uChannels, c.hChannels, c.coreKernel, c.imageChannels + vr));
    this.prior = new Conv2d(store, 'generator.prior', c.hChannels, 2 * c.zChannels, c.coreKernel);
    this.posterior = new Conv2d(store, 'generator.posterior', c.hChannels, 2 * c.zChannels, c.coreKernel);
    this.canvas = new ConvTranspose2d(store, 'generator.canvas', c.hChannels, c.uChannels, c.scale, c.scale);
    this.xDown = new Conv2d(store, 'generator.x_down', c.imageChannels, c.imageChannels, c.scale, { stride: c.scale, pad: 'valid' });
    this.uDown = new Conv2d(store, 'generator.u_down', c.uChannels, c.uChannels, c.scale, { stride: c.scale, pad: 'valid' });
    this.observation = new Conv2d(store, 'generator.observation', c.uChannels, c.imageChannels, 1);
  }

  private core<T>(cores: T[], l: number): T {
    return cores[this.c.shareCores ? 0 : l];
  }

  /** [v, r] on the latent grid: the step-invariant conditioning. */
  private conditioning(v: tf.Tensor2D, r: tf.Tensor4D): tf.Tensor4D {
    const g = this.grid;
    const [b, side] = r.shape;
    const rGrid = side === g ? r : tf.tile(r, [1, g / side, g / side, 1]) as tf.Tensor4D;
    if (rGrid.shape[0] !== b || v.shape[0] !== b) throw new Error(`generator: batch of v (${v.shape[0]}) and r (${b}) differ`);
    return tf.concat([tileViewpoint(v, g, g), rGrid], 3);
  }

  private zeroState(b: number): LstmState {
    const shape: [number, number, number, number] = [b, this.grid, this.grid, this.c.hChannels];
    return { h: tf.zeros(shape), c: tf.zeros(shape) };
  }

  private heads(conv: Conv2d, h: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
    return tf.split(conv.apply(h), 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  }

  /** Posterior path for training and reconstruction; eps: L standard normals [B,g,g,z]. */
  infer(x: tf.Tensor4D, v: tf.Tensor2D, r: tf.Tensor4D, eps: tf.Tensor4D[]): Inference {
    const c = this.c;
    const b = x.shape[0];
    const cond = this.conditioning(v, r);
    const gInvariant = cond;
    const iInvariant = tf.concat([this.xDown.apply(x), cond], 3);
    // With shared cores the invariant convolutions are computed once for all steps.
    const preG = this.generationCores.map((core) => core.prepare(gInvariant, c.shareCores));
    const preI = this.inferenceCores.map((core) => core.prepare(iInvariant, c.shareCores));
    let gen = this.zeroState(b);
    let inf = this.zeroState(b);
    let u: tf.Tensor4D = tf.zeros([b, c.imageSize, c.imageSize, c.uChannels]);
    const kls: tf.Tensor1D[] = [];
    for (let l = 0; l < c.steps; l++) {
      const [muP, logVarP] = this.heads(this.prior, gen.h);
      inf = this.core(this.inferenceCores, l).step(this.core(preI, l), tf.concat([gen.h, this.uDown.apply(u)], 3), inf);
      const [muQ, logVarQ] = this.heads(this.posterior, inf.h);
      const z = sample(muQ, logVarQ, eps[l]) as tf.Tensor4D;
      gen = this.core(this.generationCores, l).step(this.core(preG, l), z, gen);
      u = tf.add(u, this.canvas.apply(gen.h));
      kls.push(tf.sum(klDivergence(muQ, logVarQ, muP, logVarP), [1, 2, 3]) as tf.Tensor1D);
    }
    const klPerStep = tf.stack(kls) as tf.Tensor2D;
    return { mean: tf.sigmoid(this.observation.apply(u)), kl: tf.sum(klPerStep, 0) as tf.Tensor1D, klPerStep };
  }

  /** Prior path: an image from the prior, no target needed. eps as in `infer`. */
  generate(v: tf.Tensor2D, r: tf.Tensor4D, eps: tf.Tensor4D[]): tf.Tensor4D {
    const c = this.c;
    const b = v.shape[0];
    const cond = this.conditioning(v, r);
    const preG = this.generationCores.map((core) => core.prepare(cond, c.shareCores));
    let gen = this.zeroState(b);
    let u: tf.Tensor4D = tf.zeros([b, c.imageSize, c.imageSize, c.uChannels]);
    for (let l = 0; l < c.steps; l++) {
      const [muP, logVarP] = this.heads(this.prior, gen.h);
      const z = sample(muP, logVarP, eps[l]) as tf.Tensor4D;
      gen = this.core(this.generationCores, l).step(this.core(preG, l), z, gen);
      u = tf.add(u, this.canvas.apply(gen.h));
    }
    return tf.sigmoid(this.observation.apply(u));
  }
}
