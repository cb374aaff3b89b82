/**
 * GQN configuration and presets, as plain data (saved beside every checkpoint, in config.json).
 * Sizes follow the paper's supplementary (see shared reference, section 2).
 */
import type { Preset } from '../model.js';
import { PAPER_LR, PAPER_SIGMA, type Linear } from '../schedules.js';
import { gqnParameterCount } from './memory.js';

export type RepresentationKind = 'pool' | 'tower' | 'pyramid';
/** Which frame the networks see cameras in (src/models/gqn/query-frame.ts). */
export type ContextFrame = 'world' | 'query';

export interface GqnConfig {
  /** Square image side; the latent grid is imageSize / scale. */
  imageSize: number;
  imageChannels: number;
  /** Viewpoint vector: (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch). */
  viewpointSize: number;
  representation: RepresentationKind;
  /** Channels of r. */
  rChannels: number;
  /** Hidden channels of the tower's inner convolutions. */
  towerHidden: number;
  /** Hidden (and cell) channels of both cores. */
  hChannels: number;
  /** Latent channels per step. */
  zChannels: number;
  /** Canvas channels. */
  uChannels: number;
  /** Generation steps L. */
  steps: number;
  /** One core for all L steps (memory saver) or one per step (paper). */
  shareCores: boolean;
  /** Kernel of the cores and of the prior/posterior heads. */
  coreKernel: number;
  /** Down/up-sampling factor between image and latent grid (4 in the paper). */
  scale: number;
  /**
   * 'world' (the paper; the default when absent): cameras as the data gives them. 'query': every
   * camera turned about the vertical axis so the query looks along +x, so r depends on the query.
   */
  contextFrame?: ContextFrame;
}

/**
 * The GQN's own part of config.json's `train`: its data (gqn train --data, --context-views) and
 * its objective's observation noise schedule (--sigma-*; objective.ts reads it).
 */
export interface GqnTrainSettings {
  /** A gqn-datasets folder with train/*.tfrecord inside. */
  data: string;
  /** Context views per batch: a number, or 'random' for M ~ U{1..K-1}. */
  contextViews: number | 'random';
  sigma: Linear;
}

/** What the GQN's objective reads of the run's `train` (GqnTrainSettings). */
export type GqnObjectiveSettings = Pick<GqnTrainSettings, 'sigma'>;

/**
 * The GQN's presets: one table of model sizes and training defaults (the `gqn` kind's, registry.ts).
 * `paper` follows the paper (sigma 2.0 -> 0.7 over 2e5 steps, lr 5e-4 -> 5e-5 over 1.6e6, batch
 * 36, 2e6 steps). `cpu` compresses the schedules to what a 2-core machine reaches in hours, not weeks.
 */
export const GQN_PRESETS: Readonly<Record<string, Preset<GqnConfig, GqnObjectiveSettings>>> = {
  paper: {
    model: {
      imageSize: 64, imageChannels: 3, viewpointSize: 7,
      representation: 'pool', rChannels: 256, towerHidden: 128,
      hChannels: 128, zChannels: 3, uChannels: 128,
      steps: 12, shareCores: false, coreKernel: 5, scale: 4,
    },
    train: { batch: 36, steps: 2e6, sigma: PAPER_SIGMA, lr: PAPER_LR },
  },
  // For 2 CPU cores: 32x32 images, 3x3 cores, narrow widths, shared cores, 8 steps (per step ~13x
  // cheaper than 5x5/128-channel cores at this size). The tower's 8x8 r and cameras in the query's
  // frame: of four variants trained side by side on rooms, only these two together learned to use
  // the query camera within the first hour (viewpoint gap 1.7 dB at step 500 against 0.0-0.5 for
  // the rest; docs/models.md, "Learning to use the camera").
  cpu: {
    model: {
      imageSize: 32, imageChannels: 3, viewpointSize: 7,
      representation: 'tower', rChannels: 64, towerHidden: 32,
      hChannels: 32, zChannels: 3, uChannels: 32,
      steps: 8, shareCores: true, coreKernel: 3, scale: 4, contextFrame: 'query',
    },
    // The paper's sigma shape (2.0 -> 0.7), over 40,000 steps: at sigma near 2 the KL stays near 0
    // and the generator must learn the camera (the earlier 1.0 -> 0.3 over 3,000 steps let the
    // posterior carry the target, and the model never used the camera; docs/models.md). Batch 32
    // is twice the images/s of batch 8 on torch.
    train: { batch: 32, steps: 40000, sigma: { start: 2.0, end: 0.7, steps: 40000 }, lr: { start: 5e-4, end: 5e-5, steps: 40000 } },
  },
};

/** The presets' model sizes by name (a view of GQN_PRESETS). */
export const PRESETS: Readonly<Record<string, GqnConfig>> = Object.fromEntries(Object.entries(GQN_PRESETS).map(([name, p]) => [name, p.model]));

export function preset(name: string): GqnConfig {
  const p = PRESETS[name];
  if (p == null) throw new Error(`--preset: expected one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`);
  return { ...p };
}

/**
 * Upper bounds far above any useful model (the paper's widest field is 256), so that a typo
 * like `hChannels: 100000` is refused by name instead of failing deep inside an allocation.
 */
export const CONFIG_MAX = {
  imageSize: 1024, imageChannels: 4, viewpointSize: 64, rChannels: 4096, towerHidden: 4096, hChannels: 4096,
  zChannels: 1024, uChannels: 4096, steps: 256, coreKernel: 15, scale: 64,
} as const;

/** 2^30 float32 parameters, 4 GiB: more than the wasm heap and than one typed array can hold. */
export const MAX_PARAMETERS = 2 ** 30;

/** Checks a configuration; every message names the field and what was expected. */
export function validateConfig(c: GqnConfig): GqnConfig {
  if (c == null || typeof c !== 'object') throw new Error(`config: expected an object of model fields, got ${JSON.stringify(c)}`);
  for (const k of Object.keys(CONFIG_MAX) as (keyof typeof CONFIG_MAX)[]) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1 || v > CONFIG_MAX[k]) throw new Error(`config.${k}: expected an integer in 1..${CONFIG_MAX[k]}, got ${JSON.stringify(v)}`);
  }
  if (typeof c.shareCores !== 'boolean') throw new Error(`config.shareCores: expected true or false, got ${JSON.stringify(c.shareCores)}`);
  if (!['pool', 'tower', 'pyramid'].includes(c.representation)) {
    throw new Error(`config.representation: expected pool, tower or pyramid, got '${c.representation}'`);
  }
  if (c.contextFrame != null && c.contextFrame !== 'world' && c.contextFrame !== 'query') {
    throw new Error(`config.contextFrame: expected 'world' or 'query', got '${String(c.contextFrame)}'`);
  }
  if (c.imageSize % c.scale !== 0) throw new Error(`config.imageSize: ${c.imageSize} is not a multiple of config.scale ${c.scale}`);
  if (c.scale !== 4 && c.representation !== 'pyramid') throw new Error(`config.scale: the tower representation downsamples by 4; got ${c.scale}`);
  if (c.coreKernel % 2 !== 1) throw new Error(`config.coreKernel: expected an odd kernel, got ${c.coreKernel}`);
  if (c.representation === 'pyramid' && (c.imageSize % 8 !== 0 || c.imageSize < 16)) {
    throw new Error(`config.imageSize: the pyramid needs a multiple of 8 >= 16, got ${c.imageSize}`);
  }
  const parameters = gqnParameterCount(c);
  if (parameters > MAX_PARAMETERS) {
    throw new Error(`config: ${parameters.toExponential(2)} parameters (${(4 * parameters / 2 ** 30).toFixed(0)} GiB), over the limit of ${MAX_PARAMETERS.toExponential(2)}; lower hChannels, rChannels, uChannels, coreKernel or steps (with shareCores false)`);
  }
  return c;
}
