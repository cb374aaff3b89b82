/**
 * JUMP's scene latent: one z per scene, drawn by a convolutional DRAW over L steps on the latent
 * grid, from the context's representation r_C (prior) or from r_C and the representation of the
 * context and targets together, r_CT (posterior):
 *
 *   prior      pi_l = N(mu, exp(logvar)) from h_g                    (conv k x k -> 2z)
 *   inference  h_e, c_e = inferenceCore([r_C, r_CT, h_g], h_e, c_e)
 *   posterior  q_l from h_e                                           (conv k x k -> 2z)
 *   z_l ~ q_l (training) or pi_l (sampling)
 *   generation h_g, c_g = generationCore([r_C, z_l], h_g, c_g)
 *
 * z = [z_1, ..., z_L] stacked on the channel axis is all the renderer sees of the scene: what
 * the context shows reaches it through the prior's means, what it does not show through the
 * latent's spread, once for every query view.
 */
import * as tf from '@tensorflow/tfjs-core';

import { Conv2d } from '../layers/conv2d.js';
import { ConvLSTMCell, type LstmState } from '../layers/conv-lstm.js';
import type { ParamStore } from '../layers/params.js';
import { klDivergence, sample } from '../gqn/gaussian.js';
import type { JumpConfig } from './config.js';

export interface LatentDraw {
  /** The scene latent z [B, g, g, L * zChannels]. */
  z: tf.Tensor4D;
  /** KL(q || pi) summed over steps and grid per scene [B] (zeros when drawn from the prior). */
  kl: tf.Tensor1D;
}

export class SceneLatent {
  readonly generationCore: ConvLSTMCell;
  readonly inferenceCore: ConvLSTMCell;
  readonly prior: Conv2d;
  readonly posterior: Conv2d;

  constructor(store: ParamStore, readonly c: JumpConfig, readonly grid: number) {
    const r = c.rChannels;
    this.generationCore = new ConvLSTMCell(store, 'latent.generation_core', r + c.zChannels, c.hChannels, c.coreKernel, r);
    this.inferenceCore = new ConvLSTMCell(store, 'latent.inference_core', 2 * r + c.hChannels, c.hChannels, c.coreKernel, 2 * r);
    this.prior = new Conv2d(store, 'latent.prior', c.hChannels, 2 * c.zChannels, c.coreKernel);
    this.posterior = new Conv2d(store, 'latent.posterior', c.hChannels, 2 * c.zChannels, c.coreKernel);
  }

  /** r on the latent grid (the pool representation's 1x1 r tiled). */
  onGrid(r: tf.Tensor4D): tf.Tensor4D {
    const side = r.shape[1];
    return side === this.grid ? r : tf.tile(r, [1, this.grid / side, this.grid / side, 1]) as tf.Tensor4D;
  }

  private zeroState(b: number): LstmState {
    const shape: [number, number, number, number] = [b, this.grid, this.grid, this.c.hChannels];
    return { h: tf.zeros(shape), c: tf.zeros(shape) };
  }

  private heads(conv: Conv2d, h: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
    return tf.split(conv.apply(h), 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  }

  /** z from the posterior q(z | r_C, r_CT) and its KL to the prior; eps: L standard normals [B, g, g, zChannels]. */
  infer(rC: tf.Tensor4D, rCT: tf.Tensor4D, eps: tf.Tensor4D[]): LatentDraw {
    const b = rC.shape[0];
    const context = this.onGrid(rC);
    const preG = this.generationCore.prepare(context);
    const preI = this.inferenceCore.prepare(tf.concat([context, this.onGrid(rCT)], 3));
    let gen = this.zeroState(b);
    let inf = this.zeroState(b);
    const zs: tf.Tensor4D[] = [];
    const kls: tf.Tensor1D[] = [];
    for (let l = 0; l < this.c.latentSteps; l++) {
      const [muP, logVarP] = this.heads(this.prior, gen.h);
      inf = this.inferenceCore.step(preI, gen.h, inf);
      const [muQ, logVarQ] = this.heads(this.posterior, inf.h);
      const z = sample(muQ, logVarQ, eps[l]) as tf.Tensor4D;
      gen = this.generationCore.step(preG, z, gen);
      zs.push(z);
      kls.push(tf.sum(klDivergence(muQ, logVarQ, muP, logVarP), [1, 2, 3]) as tf.Tensor1D);
    }
    return { z: tf.concat(zs, 3), kl: tf.addN(kls) as tf.Tensor1D };
  }

  /** z from the prior pi(z | r_C); eps as in `infer` (zeros: every z_l at its prior's mean). */
  generate(rC: tf.Tensor4D, eps: tf.Tensor4D[]): tf.Tensor4D {
    const b = rC.shape[0];
    const preG = this.generationCore.prepare(this.onGrid(rC));
    let gen = this.zeroState(b);
    const zs: tf.Tensor4D[] = [];
    for (let l = 0; l < this.c.latentSteps; l++) {
      const [muP, logVarP] = this.heads(this.prior, gen.h);
      const z = sample(muP, logVarP, eps[l]) as tf.Tensor4D;
      gen = this.generationCore.step(preG, z, gen);
      zs.push(z);
    }
    return tf.concat(zs, 3);
  }
}
