/**
 * JUMP's objective: the negative ELBO of a scene's T target views under one scene latent, with
 * the observation noise sigma read from its schedule at the training step (config.json's
 * train.sigma). With train.klWeight the loss it descends is NLL + beta KL; the logged elbo is
 * NLL + KL whatever beta is. Logged as elbo, nll, kl (nats per scene of T targets, batch means),
 * sigma, and beta when it is set.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Objective, ObjectiveValue, Scores } from '../model.js';
import type { JumpBatch, JUMP } from './jump.js';

/** JUMP's per-scene scores: NLL of the T targets, KL, and the reconstructions. */
export interface JumpScores extends Scores {
  /** The targets reconstructed with them seen [B, T, S, S, C]: the posterior's z rendered. */
  reconstruction: tf.Tensor5D;
}

export class JumpObjective implements Objective<JumpBatch, JumpScores> {
  readonly lossKey = 'elbo';

  constructor(
    private readonly model: JUMP,
    private readonly sigmaAt: (step: number) => number,
    private readonly klWeightAt?: (step: number) => number,
  ) {}

  settings(step: number): Record<string, number> {
    return this.klWeightAt ? { sigma: this.sigmaAt(step), beta: this.klWeightAt(step) } : { sigma: this.sigmaAt(step) };
  }

  compute(batch: JumpBatch, step: number, seed: number): ObjectiveValue {
    const e = this.model.elbo(batch, this.sigmaAt(step), this.model.noise(batch.targetImages.shape[0], seed));
    const scalars = { nll: tf.mean(e.nll) as tf.Scalar, kl: tf.mean(e.kl) as tf.Scalar };
    if (!this.klWeightAt) return { loss: e.loss, scalars };
    // The ELBO is logged as is; the loss differentiated weighs the KL by beta.
    const loss = tf.mean(tf.add(e.nll, tf.mul(e.kl, this.klWeightAt(step)))) as tf.Scalar;
    return { loss, scalars: { elbo: e.loss, ...scalars } };
  }

  score(batch: JumpBatch, step: number, seed: number): JumpScores {
    return tf.tidy(() => {
      const e = this.model.elbo(batch, this.sigmaAt(step), this.model.noise(batch.targetImages.shape[0], seed));
      return { nll: e.nll, kl: e.kl, reconstruction: e.mean };
    });
  }
}
