/**
 * The VAE's and CVAE's objective: the negative ELBO of the digits, logged as elbo, nll, kl (nats
 * per digit, batch means). Nothing is annealed: no settings.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Objective, ObjectiveValue, Scores } from '../model.js';
import type { DigitBatch, VAE } from './vae.js';

export class VaeObjective implements Objective<DigitBatch> {
  readonly lossKey = 'elbo';

  constructor(private readonly model: VAE) {}

  settings(): Record<string, number> {
    return {};
  }

  compute(batch: DigitBatch, _step: number, seed: number): ObjectiveValue {
    const e = this.model.elbo(batch, this.model.noise(batch.x.shape[0], seed));
    // Called under tf.variableGrads, whose tidy frees the intermediates after the backward pass.
    return { loss: e.loss, scalars: { nll: tf.mean(e.nll) as tf.Scalar, kl: tf.mean(e.kl) as tf.Scalar } };
  }

  score(batch: DigitBatch, _step: number, seed: number): Scores {
    return tf.tidy(() => {
      const e = this.model.elbo(batch, this.model.noise(batch.x.shape[0], seed));
      return { nll: e.nll, kl: e.kl };
    });
  }
}
