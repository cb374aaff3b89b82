/**
 * Annealing schedules of the paper: linear from `start` to `end` over `steps`, then constant.
 * sigma: 2.0 -> 0.7 over 2e5 steps; learning rate: 5e-4 -> 5e-5 over 1.6e6 steps. Here, beside
 * the models, because both the trainer (the learning rate) and a model's objective (the GQN's
 * sigma, src/models/gqn/objective.ts) read them.
 */
export interface Linear {
  start: number;
  end: number;
  steps: number;
  /**
   * The step the ramp begins at (absent: 0): `start` until then, `end` from `from + steps`. Lets a
   * resumed run anneal from where it is (JUMP's --kl-weight-from) instead of jumping to a value
   * the ramp would have reached by now.
   */
  from?: number;
}

export const PAPER_SIGMA: Linear = { start: 2.0, end: 0.7, steps: 2e5 };
export const PAPER_LR: Linear = { start: 5e-4, end: 5e-5, steps: 1.6e6 };

export function linearAt(s: Linear, step: number): number {
  const t = step - (s.from ?? 0);
  if (t >= s.steps) return s.end;
  if (t <= 0) return s.start;
  return s.start + (s.end - s.start) * (t / s.steps);
}
