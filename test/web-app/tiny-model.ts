/**
 * A second model for the browser tests, made on the spot: the tiny test GQN trained for a few
 * steps on a tiny generated shepard-metzler-7 dataset and exported (`gqn export`) as a run folder
 * named after its world, the way models/shepard-metzler-7 will be committed. Its predictions are
 * worthless; what the tests check with it is that the page loads the model of the chosen world
 * (its weights, its image size and its dataset's settings), which any trained weights show.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateDataset } from '../../src/data/generate.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { PAPER_ADAM } from '../../src/train/adam.js';
import { exportRun } from '../../src/train/export.js';
import { train } from '../../src/train/trainer.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { TINY, TINY_JUMP } from '../models/tiny-config.js';

export const TINY_WORLD = 'shepard-metzler-7';
/** The dataset the tiny model trains on: what its dataset.json says and the page must use. */
export const TINY_DATASET = { views: 5, size: 16, seed: 5 } as const;

/** The world of the tiny JUMP model: the consistency test's world. */
export const TINY_JUMP_WORLD = 'mnist-dice';

/**
 * Writes the exported model to `out` (which must not exist yet) and returns it: the tiny GQN on
 * shepard-metzler-7, or with `kind` 'jump' the tiny JUMP on mnist-dice (same dataset sizes). Sets
 * up the wasm engine for the training and shuts it down again.
 */
export async function makeTinyModel(out: string, kind: 'gqn' | 'jump' = 'gqn'): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'gqn-tiny-model-'));
  const world = kind === 'jump' ? TINY_JUMP_WORLD : TINY_WORLD;
  await setupEngine({ backend: 'wasm', threads: 1 });
  try {
    await generateDataset({ out: work, world, scenes: 12, ...TINY_DATASET, workers: 0, testScenes: 4 });
    const run = join(work, 'run');
    const common = {
      preset: 'tiny', data: join(work, world), batch: 4, steps: 3, seed: 3, contextViews: 'random' as const,
      sigma: { start: 2, end: 0.7, steps: 10 }, lr: { start: 1e-3, end: 1e-4, steps: 10 }, adam: PAPER_ADAM,
      checkpointEvery: 3, logEvery: 1,
    };
    const config: RunConfig = kind === 'jump'
      ? { format: 'gqn-run/1', kind: 'jump', model: TINY_JUMP, train: { ...common, targets: 2 } }
      : { format: 'gqn-run/1', model: TINY, train: common };
    await train(run, config, false);
    await exportRun(run, out);
    return out;
  } finally {
    await shutdownEngine();
    await rm(work, { recursive: true, force: true });
  }
}
