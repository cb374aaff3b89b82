/**
 * The GQN's objective: the negative ELBO of the query view, with the observation noise sigma read
 * from its schedule at the training step (config.json's train.sigma). Logged as elbo, nll, kl
 * (nats per image, batch means) and sigma.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Objective, ObjectiveValue, Scores } from '../model.js';
import type { GQN, QueryBatch } from './gqn.js';

/** The GQN's per-image scores: NLL, KL and the reconstruction. */
export interface GqnScores extends Scores {
  /** The query reconstructed with its target seen [B, S, S, C]: the posterior path's mean. */
  reconstruction: tf.Tensor4D;
}

export class GqnObjective implements Objective<QueryBatch, GqnScores> {
  readonly lossKey = 'elbo';

  /** `sigmaAt(step)`: the observation noise at a training step. */
  constructor(private readonly model: GQN, private readonly sigmaAt: (step: number) => number) {}

  settings(step: number): Record<string, number> {
    return { sigma: this.sigmaAt(step) };
  }

  compute(batch: QueryBatch, step: number, seed: number): ObjectiveValue {
    const e = this.model.elbo(batch, this.sigmaAt(step), this.model.noise(batch.queryImage.shape[0], seed));
    return { loss: e.loss, scalars: { nll: tf.mean(e.nll) as tf.Scalar, kl: tf.mean(e.kl) as tf.Scalar } };
  }

  score(batch: QueryBatch, step: number, seed: number): GqnScores {
    return tf.tidy(() => {
      const e = this.model.elbo(batch, this.sigmaAt(step), this.model.noise(batch.queryImage.shape[0], seed));
      return { nll: e.nll, kl: e.kl, reconstruction: e.mean };
    });
  }
}
