/**
 * Training defaults per preset. `paper` follows the paper (sigma 2.0 -> 0.7 over 2e5 steps,
 * lr 5e-4 -> 5e-5 over 1.6e6, batch 36, 2e6 steps). `cpu` compresses the schedules to what a
 * 2-core machine reaches in hours, not weeks.
 */
import { PAPER_LR, PAPER_SIGMA, type Linear } from './schedules.js';

export interface TrainDefaults {
  batch: number;
  steps: number;
  sigma: Linear;
  lr: Linear;
}

export const TRAIN_DEFAULTS: Record<string, TrainDefaults> = {
  paper: { batch: 36, steps: 2e6, sigma: PAPER_SIGMA, lr: PAPER_LR },
  // Measured on rooms (docs/models.md): batch 32 is 2x the images/s of batch 8 on torch for the
  // same step count's worth of time, and sigma 1.0 -> 0.3 matched the paper-shaped 2.0 -> 0.7 in
  // 2/3 of the steps and kept the latents in use (KL 13 vs 0.07 nats at step ~1600).
  cpu: { batch: 32, steps: 20000, sigma: { start: 1.0, end: 0.3, steps: 3000 }, lr: { start: 5e-4, end: 5e-5, steps: 40000 } },
};
