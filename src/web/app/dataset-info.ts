/**
 * The settings of the run's training data that the viewer needs to draw views the way the
 * dataset drew them (and to regenerate its test scenes).
 */
import type { ViewSettings } from '../../data/dataset-view.js';
import { getWorld, isWorldName, type WorldName } from '../../scenes/index.js';
import type { RunInfo } from './run-info.js';

/** How the training data was made: enough to regenerate its scenes and views. */
export interface DatasetInfo extends ViewSettings {
  world: WorldName;
  views: number;
  /** The generator's seed: scene i of a split is Rng.from(seed, world, split, i). */
  seed: number;
}

/** Settings of `gqn data generate` when none were given (generate.ts DEFAULT_QUALITY, --seed 0). */
const GENERATE_DEFAULTS = { quality: 95, antialias: false, seed: 0 };

/**
 * The training data's settings: the server's `dataset` when given, else the world named by the
 * data folder (`.../rooms`) with `gqn data generate`'s defaults. `guessed` says which.
 */
export function datasetOf(run: RunInfo): { dataset: DatasetInfo; guessed: boolean } {
  const given = run.dataset ?? {};
  const folder = run.config.train?.data?.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const worldName = given.world ?? (isWorldName(folder) ? folder : 'rooms');
  const world = getWorld(worldName);
  const dataset: DatasetInfo = {
    world: world.name,
    views: given.views ?? world.defaultViews,
    size: given.size ?? world.defaultSize,
    quality: given.quality ?? GENERATE_DEFAULTS.quality,
    antialias: given.antialias ?? GENERATE_DEFAULTS.antialias,
    seed: given.seed ?? GENERATE_DEFAULTS.seed,
  };
  return { dataset, guessed: run.dataset?.world == null || run.dataset.seed == null };
}
