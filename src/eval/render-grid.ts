/** `gqn render`'s grid for a GQN run folder in one call, loading and disposing its model (tests use it). */
import { loadGqnRun } from './evaluate.js';
import { gqnSceneRun } from './scene-eval.js';
import { drawSceneGrid, type RenderOptions } from './scene-grid.js';

export type { RenderOptions } from './scene-grid.js';

export async function renderGrid(runDir: string, opts: RenderOptions): Promise<{ png: Buffer; step: number }> {
  const trained = await loadGqnRun(runDir);
  try {
    return await drawSceneGrid(gqnSceneRun(trained), opts);
  } finally {
    trained.model.dispose();
  }
}
