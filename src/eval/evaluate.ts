/**
 * A GQN run folder evaluated or drawn in one call, loading and disposing its model (tests and
 * scripts/view-curve.ts use these; `gqn eval` and `gqn render` go through the run's kind,
 * src/models/gqn/kind.ts, which calls scene-eval.ts and scene-grid.ts directly).
 */
import { GQN } from '../models/gqn/gqn.js';
import type { Model } from '../models/model.js';
import { loadRun } from '../train/load-run.js';
import type { GqnRunConfig } from '../train/run-config.js';
import { evaluateScenes, gqnSceneRun, type EvalOptions, type EvalReport, type TrainedGqn } from './scene-eval.js';

export type { ContextResult, EvalOptions, EvalReport } from './scene-eval.js';

/** The run's latest checkpoint as a GQN, or an error naming the run's kind. */
export async function loadGqnRun(runDir: string): Promise<TrainedGqn & { config: GqnRunConfig }> {
  const loaded = await loadRun(runDir);
  const model: Model<unknown> = loaded.model;
  if (!(model instanceof GQN)) {
    model.dispose();
    throw new Error(`${runDir}: a ${model.kind} run; expected a gqn run`);
  }
  return { ...loaded, model, config: loaded.config as GqnRunConfig };
}

export async function evaluateRun(runDir: string, opts: EvalOptions): Promise<EvalReport> {
  const trained = await loadGqnRun(runDir);
  try {
    return await evaluateScenes(gqnSceneRun(trained), opts);
  } finally {
    trained.model.dispose();
  }
}
