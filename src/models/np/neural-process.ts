/**
 * The Neural Process family on one class (config.ts says which member):
 *
 *   r_t   = deterministic path on the context (mean of r_i, or cross-attention at x_t)
 *   q(z|S)= latent encoder on a set S of points: prior q(z | C), posterior q(z | C u T)
 *   p(y_t | x_t, r_t, z) = decoder
 *
 * CNP (no z): maximise sum_t log p(y_t | x_t, r_t). NP and ANP: maximise the ELBO
 *
 *   log p(y_T | x_T, C) >= E_{q(z | C u T)} [ sum_t log p(y_t | x_t, r_t, z) ] - KL( q(z | C u T) || q(z | C) )
 *
 * with the prior being the same encoder on the context alone (Garnelo et al. 2018b). Training
 * batches' targets include the context, so the posterior encodes the targets.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ParamStore } from '../layers/params.js';
import type { Draw, Model } from '../model.js';
import { validateNpConfig, type NpConfig, type NpKindName } from './config.js';
import { Decoder, type Predictive } from './decoder.js';
import { DeterministicEncoder } from './deterministic-encoder.js';
import { LatentEncoder, type LatentGaussian } from './latent-encoder.js';
import { normalKl, normalLogProb } from './normal.js';
import { NpObjective } from './objective.js';
import type { PointBatch } from './point-batch.js';
import type { NpTrainSettings } from './task.js';

export interface NpElbo {
  /** The training loss, nats per target point: mean over functions of (sum_t -log p + KL) / T. */
  loss: tf.Scalar;
  /** Per function [B]: -log p of the targets, nats per point (mean over targets, summed over d_y). */
  nll: tf.Tensor1D;
  /** Per function [B]: KL(q(z | targets) || q(z | context)), nats (zeros without a latent). */
  kl: tf.Tensor1D;
  /** The decoder's output at the targets with z from the posterior. */
  predictive: Predictive;
}

export class NeuralProcess implements Model<PointBatch, NpTrainSettings> {
  readonly store: ParamStore;
  readonly deterministic: DeterministicEncoder | null;
  readonly latent: LatentEncoder | null;
  readonly decoder: Decoder;

  constructor(readonly kind: NpKindName, readonly config: NpConfig, seed: number) {
    validateNpConfig(kind, config);
    this.store = new ParamStore(seed);
    this.deterministic = config.deterministicPath === 'none' ? null : new DeterministicEncoder(this.store, 'deterministic_encoder', config);
    this.latent = config.latentSize > 0 ? new LatentEncoder(this.store, 'latent_encoder', config) : null;
    this.decoder = new Decoder(this.store, 'decoder', config);
  }

  /** Standard normal noise for z [B, latentSize], seeded; null for a model without a latent. */
  noise(batch: number, seed: number): tf.Tensor2D | null {
    return this.latent ? tf.randomNormal([batch, this.config.latentSize], 0, 1, 'float32', seed) as tf.Tensor2D : null;
  }

  private checkContext(contextX: tf.Tensor3D): void {
    // The mean over an empty set is 0/0: a Neural Process needs at least one context point.
    if (contextX.shape[1] === 0) throw new Error('NeuralProcess: needs at least one context point, got 0');
  }

  private r(contextX: tf.Tensor3D, contextY: tf.Tensor3D, targetX: tf.Tensor3D): tf.Tensor3D | null {
    return this.deterministic ? this.deterministic.apply(contextX, contextY, targetX) : null;
  }

  /** q(z | points): the prior on the context, the posterior on context and targets. */
  encodeLatent(x: tf.Tensor3D, y: tf.Tensor3D): LatentGaussian {
    if (!this.latent) throw new Error(`NeuralProcess: a ${this.kind} has no latent`);
    return this.latent.apply(x, y);
  }

  /** The training objective on `batch` (its targets include the context); eps from `noise`. */
  elbo(batch: PointBatch, eps: tf.Tensor2D | null): NpElbo {
    this.checkContext(batch.contextX);
    return tf.tidy(() => {
      const { contextX, contextY, targetX, targetY } = batch;
      const [b, t] = targetX.shape;
      const r = this.r(contextX, contextY, targetX);
      let z: tf.Tensor2D | null = null;
      let kl = tf.zeros([b]) as tf.Tensor1D;
      if (this.latent) {
        if (eps == null) throw new Error(`NeuralProcess: a ${this.kind} needs latent noise`);
        const prior = this.latent.apply(contextX, contextY);
        const posterior = this.latent.apply(targetX, targetY);
        z = tf.add(posterior.mu, tf.mul(posterior.sigma, eps)) as tf.Tensor2D;
        kl = tf.sum(normalKl(posterior.mu, posterior.sigma, prior.mu, prior.sigma), 1) as tf.Tensor1D;
      }
      const predictive = this.decoder.apply(r, z, targetX);
      const logp = tf.sum(normalLogProb(targetY, predictive.mean, predictive.sigma), 2); // (B, T)
      const nll = tf.neg(tf.mean(logp, 1)) as tf.Tensor1D;
      const loss = tf.mean(tf.add(nll, tf.div(kl, t))) as tf.Scalar;
      return { loss, nll, kl, predictive };
    });
  }

  /**
   * The predictive distribution at `targetX` given the context, one per draw: 'mean' puts z at
   * the prior's mean, a number draws z from the prior with that seed (the CNP has no z: every
   * draw is the same).
   */
  predict(contextX: tf.Tensor3D, contextY: tf.Tensor3D, targetX: tf.Tensor3D, draws: readonly Draw[]): Predictive[] {
    this.checkContext(contextX);
    return tf.tidy(() => {
      const r = this.r(contextX, contextY, targetX);
      const prior = this.latent ? this.latent.apply(contextX, contextY) : null;
      return draws.map((d) => {
        let z: tf.Tensor2D | null = null;
        if (prior) z = d === 'mean' ? prior.mu : tf.add(prior.mu, tf.mul(prior.sigma, this.noise(contextX.shape[0], d)!)) as tf.Tensor2D;
        return this.decoder.apply(r, z, targetX);
      });
    });
  }

  /**
   * log p(y_T | x_T, C) of each function's targets [B], nats summed over the targets. Exact for
   * the CNP (its targets are independent given the context). With a latent it is estimated by
   * importance sampling with `samples` draws from the posterior q(z | C u T) as proposal,
   *
   *   log (1/K) sum_k p(y_T | z_k) q(z_k | C) / q(z_k | C u T),
   *
   * a stochastic lower bound whose expectation rises to the model's log-likelihood as K grows.
   * The targets here are other points than the context's.
   */
  targetLogLikelihood(batch: PointBatch, samples: number, seed: number): tf.Tensor1D {
    this.checkContext(batch.contextX);
    if (!Number.isInteger(samples) || samples < 1) throw new Error(`targetLogLikelihood: samples must be a positive integer, got ${samples}`);
    return tf.tidy(() => {
      const { contextX, contextY, targetX, targetY } = batch;
      const b = targetX.shape[0];
      const r = this.r(contextX, contextY, targetX);
      const joint = (z: tf.Tensor2D | null) => {
        const p = this.decoder.apply(r, z, targetX);
        return tf.sum(normalLogProb(targetY, p.mean, p.sigma), [1, 2]) as tf.Tensor1D; // (B)
      };
      if (!this.latent) return joint(null);
      const prior = this.latent.apply(contextX, contextY);
      const posterior = this.latent.apply(tf.concat([contextX, targetX], 1) as tf.Tensor3D, tf.concat([contextY, targetY], 1) as tf.Tensor3D);
      const logWeights: tf.Tensor1D[] = [];
      for (let k = 0; k < samples; k++) {
        const eps = this.noise(b, seed + k)!;
        const z = tf.add(posterior.mu, tf.mul(posterior.sigma, eps)) as tf.Tensor2D;
        const logPrior = tf.sum(normalLogProb(z, prior.mu, prior.sigma), 1);
        const logPosterior = tf.sum(normalLogProb(z, posterior.mu, posterior.sigma), 1);
        logWeights.push(tf.add(joint(z), tf.sub(logPrior, logPosterior)) as tf.Tensor1D);
      }
      return tf.sub(tf.logSumExp(tf.stack(logWeights), 0), Math.log(samples)) as tf.Tensor1D;
    });
  }

  /** The CNP's target log-likelihood or the NP's ELBO, per target point (objective.ts); the task is the data's. */
  objective(_train: NpTrainSettings): NpObjective {
    return new NpObjective(this);
  }

  dispose(): void {
    this.store.dispose();
  }
}
