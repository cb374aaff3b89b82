/**
 * One optimisation step: -ELBO and its gradients, a finiteness check, then Adam. A step whose
 * loss or gradient is not finite is rejected (weights and optimizer untouched) and reported.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { GQN, QueryBatch } from '../models/gqn/gqn.js';
import type { Adam } from './adam.js';

export interface StepResult {
  /** -ELBO, NLL and KL, nats per image, batch means. */
  elbo: number;
  nll: number;
  kl: number;
  gradNorm: number;
  applied: boolean;
}

export function trainStep(model: GQN, adam: Adam, batch: QueryBatch, sigma: number, lr: number, noiseSeed: number): StepResult {
  const variables = new Map([...model.store.params.values()].map((p) => [p.name, p.variable]));
  const eps = model.noise(batch.queryImage.shape[0], noiseSeed);
  let nll: tf.Scalar | null = null;
  let kl: tf.Scalar | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const e = model.elbo(batch, sigma, eps);
    nll = tf.keep(tf.mean(e.nll));
    kl = tf.keep(tf.mean(e.kl));
    return e.loss;
  }, model.store.variables());
  const gradNorm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const [elboV, nllV, klV, normV] = [value, nll!, kl!, gradNorm].map((t: tf.Tensor) => t.dataSync()[0]);
  const applied = [elboV, nllV, klV, normV].every(Number.isFinite);
  if (applied) adam.apply(variables, grads, lr);
  tf.dispose([value, nll!, kl!, gradNorm, ...Object.values(grads), ...eps]);
  return { elbo: elboV, nll: nllV, kl: klV, gradNorm: normV, applied };
}
