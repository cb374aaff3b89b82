/**
 * A GQN training step at a fixed sigma, for tests and benchmarks that drive a GQN without a run
 * (the trainer runs step.ts with the objective of the run's model, which anneals sigma itself).
 */
import type { GQN, QueryBatch } from '../models/gqn/gqn.js';
import { GqnObjective } from '../models/gqn/objective.js';
import type { Adam } from './adam.js';
import { trainStep as step } from './step.js';

export interface GqnStepResult {
  /** -ELBO, NLL and KL, nats per image, batch means. */
  elbo: number;
  nll: number;
  kl: number;
  gradNorm: number;
  applied: boolean;
}

/** One step of -ELBO at observation noise `sigma` with learning rate `lr`; noise from `noiseSeed`. */
export function trainStep(model: GQN, adam: Adam, batch: QueryBatch, sigma: number, lr: number, noiseSeed: number): GqnStepResult {
  const r = step(model, new GqnObjective(model, () => sigma), adam, batch, 0, lr, noiseSeed);
  return { elbo: r.values.elbo, nll: r.values.nll, kl: r.values.kl, gradNorm: r.gradNorm, applied: r.applied };
}
