/**
 * The Neural Processes' training objective, in nats per target point so that runs with different
 * numbers of targets read alike: the CNP's negative log-likelihood of the targets, the NP's and
 * ANP's negative ELBO (NLL per point + KL / T). Logged as `nll` (per point) and, with a latent,
 * `elbo` (the loss) and `kl` (per function); nothing is annealed.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Objective, ObjectiveValue, Scores } from '../model.js';
import type { NeuralProcess } from './neural-process.js';
import type { PointBatch } from './point-batch.js';

export class NpObjective implements Objective<PointBatch, Scores> {
  readonly lossKey: string;

  constructor(private readonly model: NeuralProcess) {
    this.lossKey = model.latent ? 'elbo' : 'nll';
  }

  settings(): Record<string, number> {
    return {};
  }

  /** Called under tf.variableGrads, whose scope frees what is not returned. */
  compute(batch: PointBatch, _step: number, seed: number): ObjectiveValue {
    const e = this.model.elbo(batch, this.model.noise(batch.targetX.shape[0], seed));
    if (!this.model.latent) return { loss: e.loss, scalars: {} };
    return { loss: e.loss, scalars: { nll: tf.mean(e.nll) as tf.Scalar, kl: tf.mean(e.kl) as tf.Scalar } };
  }

  /** Per function: NLL per target point and KL (nats). */
  score(batch: PointBatch, _step: number, seed: number): Scores {
    return tf.tidy(() => {
      const e = this.model.elbo(batch, this.model.noise(batch.targetX.shape[0], seed));
      return { nll: e.nll, kl: e.kl };
    });
  }
}
