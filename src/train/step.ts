/**
 * One optimisation step, in three parts so that a data-parallel run can combine the gradients of
 * several workers between the first and the last:
 *
 *   1. `lossAndGradients`: the objective's loss and scalars on a batch and the loss's gradients;
 *   2. `checkStep`: the values read back, the gradient norm, and whether all of them are finite;
 *   3. `applyStep`: the optimizer's update (Adam), only for a finite step.
 *
 * A step whose loss, scalars or gradient is not finite is rejected: weights and optimizer are
 * left untouched (Adam's step count included) and the step is reported. `trainStep` is the three
 * in a row, as the trainer runs them.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Model, Objective } from '../models/model.js';
import type { Adam } from './adam.js';

/** Part 1's result: tensors, owned by the caller until disposeGradients. */
export interface Gradients {
  /** The loss under the objective's lossKey, then the objective's scalars. */
  values: Record<string, tf.Scalar>;
  /** The loss's gradient for every weight, by variable name. */
  grads: tf.NamedTensorMap;
}

/** Part 2's result. */
export interface StepCheck {
  /** The loss and scalars (the GQN: elbo, nll, kl; nats per image, batch means). */
  values: Record<string, number>;
  /** The loss (values[lossKey]). */
  loss: number;
  /** The gradients' global L2 norm. */
  gradNorm: number;
  /** True when every value and the norm are finite: the step may be applied. */
  finite: boolean;
}

export interface StepResult extends StepCheck {
  applied: boolean;
}

/** 1. The objective on `batch` at training step `step` (random draws from `seed`) and its gradients. */
export function lossAndGradients<B>(model: Model<B>, objective: Objective<B>, batch: B, step: number, seed: number): Gradients {
  const scalars: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const o = objective.compute(batch, step, seed);
    for (const [name, t] of Object.entries(o.scalars)) scalars[name] = tf.keep(t);
    return o.loss;
  }, model.store.variables());
  // An objective whose descended loss is not what it logs under lossKey (JUMP with a KL weight,
  // which logs the -ELBO itself) reports the latter among its scalars; that one is kept.
  if (objective.lossKey in scalars) {
    value.dispose();
    return { values: scalars, grads };
  }
  return { values: { [objective.lossKey]: value, ...scalars }, grads };
}

/** 2. Reads the values back and checks them and the gradients' norm for finiteness. */
export function checkStep(g: Gradients, lossKey: string): StepCheck {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(g.grads).map((t) => tf.sum(tf.square(t))))));
  const values = Object.fromEntries(Object.entries(g.values).map(([name, t]) => [name, t.dataSync()[0]]));
  const gradNorm = norm.dataSync()[0];
  norm.dispose();
  const finite = [...Object.values(values), gradNorm].every(Number.isFinite);
  return { values, loss: values[lossKey], gradNorm, finite };
}

/** 3. The optimizer's update with learning rate `lr`; call only for a finite step. */
export function applyStep(model: Model<unknown>, adam: Adam, grads: tf.NamedTensorMap, lr: number): void {
  const variables = new Map([...model.store.params.values()].map((p) => [p.name, p.variable]));
  adam.apply(variables, grads, lr);
}

export function disposeGradients(g: Gradients): void {
  tf.dispose([...Object.values(g.values), ...Object.values(g.grads)]);
}

/** One step: 1, 2, then 3 when the step is finite. */
export function trainStep<B>(model: Model<B>, objective: Objective<B>, adam: Adam, batch: B, step: number, lr: number, seed: number): StepResult {
  const g = lossAndGradients(model, objective, batch, step, seed);
  try {
    const check = checkStep(g, objective.lossKey);
    if (check.finite) applyStep(model, adam, g.grads, lr);
    return { ...check, applied: check.finite };
  } finally {
    disposeGradients(g);
  }
}
