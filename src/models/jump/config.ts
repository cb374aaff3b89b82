/**
 * JUMP (Consistent GQN) configuration and presets, as plain data (config.json's `model`), and
 * its own part of config.json's `train`.
 */
import type { Preset } from '../model.js';
import type { Linear } from '../schedules.js';
import type { RepresentationKind } from '../gqn/config.js';

export interface JumpConfig {
  /** Square image side; the latent grid is imageSize / 4. */
  imageSize: number;
  imageChannels: number;
  /** Viewpoint vector: (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch). */
  viewpointSize: number;
  /** The representation network f(x, v) (the GQN's, src/models/gqn/representation.ts). */
  representation: RepresentationKind;
  rChannels: number;
  towerHidden: number;
  /** Hidden channels of the latent's two cores and of the renderer's core. */
  hChannels: number;
  /** Channels of each step's latent z_l; the scene latent z stacks the L of them. */
  zChannels: number;
  /** Steps L of the latent DRAW (prior and posterior). */
  latentSteps: number;
  /** Steps of the renderer's core (it draws on the canvas at each). */
  renderSteps: number;
  /** Canvas channels of the renderer. */
  uChannels: number;
  /** Kernel of the cores and of the prior/posterior heads. */
  coreKernel: number;
  /**
   * The renderer also reads the context's r_C beside z (a deterministic path, as the ANP's);
   * false is the paper's renderer, which sees z alone. Either way one sample is one scene:
   * r_C is the same for every view of it.
   */
  deterministicPath: boolean;
  /**
   * 'world' (the default when absent): cameras as the data gives them. 'context': every camera
   * of a scene (context, targets, queries) turned about the vertical axis so that the first
   * context view looks along +x (gqn/query-frame.ts, toFrameOf); r_C, and so z, stays one per
   * scene. 'query': the context frame for the latent and the renderer's camera, and the
   * deterministic path's r_C rebuilt in each query's frame, as the GQN's query frame builds its r
   * (needs deterministicPath). The renderer then still sees nothing random but z, so the views of
   * one sample still show one scene.
   */
  contextFrame?: 'world' | 'context' | 'query';
}

/**
 * JUMP's own part of config.json's `train`: its data (a gqn-datasets scene folder, as the
 * GQN's), how many of each scene's views are targets per step, and the observation noise schedule.
 */
export interface JumpTrainSettings {
  /** A gqn-datasets folder with train/*.tfrecord inside. */
  data: string;
  /** Context views per batch: a number, or 'random' for M ~ U{1..K-T}. */
  contextViews: number | 'random';
  /** Target views T per scene per step, all rendered from one z. */
  targets: number;
  sigma: Linear;
  /**
   * The weight beta of the KL in the training loss, NLL + beta KL, on a linear schedule (a KL
   * warm-up, Bowman et al. 2016, Sonderby et al. 2016); absent: 1, the ELBO itself. Below 1 the
   * latent is cheaper to use, which is how a latent ignored beside the deterministic path can
   * wake. The logged -ELBO keeps weight 1 either way.
   */
  klWeight?: Linear;
}

/** What JUMP's objective reads of the run's `train`. */
export type JumpObjectiveSettings = Pick<JumpTrainSettings, 'sigma' | 'klWeight'>;

/** Checks train.klWeight (absent is fine); the message names the flags that set it. */
export function validateKlWeight(w: Linear | undefined): void {
  if (w == null) return;
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!ok(w.start) || !ok(w.end) || !ok(w.steps)) {
    throw new Error(`train.klWeight: expected a positive start, end and steps (--kl-weight-start, --kl-weight-end, --kl-weight-steps), got ${JSON.stringify(w)}`);
  }
  if (w.from !== undefined && !(Number.isInteger(w.from) && w.from >= 0)) {
    throw new Error(`train.klWeight.from: expected the step the ramp begins at, an integer >= 0 (--kl-weight-from), got ${JSON.stringify(w.from)}`);
  }
}

/** The latent grid's side: the tower's r is imageSize / 4. */
export const JUMP_SCALE = 4;

/**
 * JUMP's presets. `cpu` has the GQN cpu preset's widths (32x32 images, 3x3 cores, 32 hidden
 * channels, the tower's 8x8 r) so that the two compare at one cost: 4 latent steps of 8
 * channels (z is 8x8x32) and 6 renderer steps; 3 targets per scene per step; the renderer reads
 * r_C too (deterministicPath).
 */
export const JUMP_PRESETS: Readonly<Record<string, Preset<JumpConfig, Partial<JumpTrainSettings>>>> = {
  cpu: {
    model: {
      imageSize: 32, imageChannels: 3, viewpointSize: 7,
      representation: 'tower', rChannels: 64, towerHidden: 32,
      hChannels: 32, zChannels: 8, latentSteps: 4, renderSteps: 6, uChannels: 32, coreKernel: 3,
      // z alone collapsed (KL 0.0 nats, a grey cube for every context at step 2,300): docs/models.md.
      deterministicPath: true,
    },
    train: { batch: 16, steps: 40000, targets: 3, sigma: { start: 2.0, end: 0.7, steps: 40000 }, lr: { start: 5e-4, end: 5e-5, steps: 40000 } },
  },
  // The paper's sizes at 64x64 (Kumar et al. 2018 follow the GQN's widths): for a GPU.
  paper: {
    model: {
      imageSize: 64, imageChannels: 3, viewpointSize: 7,
      representation: 'tower', rChannels: 256, towerHidden: 128,
      hChannels: 128, zChannels: 16, latentSteps: 8, renderSteps: 8, uChannels: 128, coreKernel: 5,
      deterministicPath: false,
    },
    train: { batch: 36, steps: 2e6, targets: 4, sigma: { start: 2.0, end: 0.7, steps: 2e5 }, lr: { start: 5e-4, end: 5e-5, steps: 1.6e6 } },
  },
};

const CONFIG_MAX = {
  imageSize: 1024, imageChannels: 4, viewpointSize: 64, rChannels: 4096, towerHidden: 4096, hChannels: 4096,
  zChannels: 1024, latentSteps: 256, renderSteps: 256, uChannels: 4096, coreKernel: 15,
} as const;

/** Checks a configuration; every message names the field and what was expected. */
export function validateJumpConfig(c: JumpConfig): JumpConfig {
  if (c == null || typeof c !== 'object') throw new Error(`config: expected an object of model fields, got ${JSON.stringify(c)}`);
  for (const k of Object.keys(CONFIG_MAX) as (keyof typeof CONFIG_MAX)[]) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1 || v > CONFIG_MAX[k]) throw new Error(`config.${k}: expected an integer in 1..${CONFIG_MAX[k]}, got ${JSON.stringify(v)}`);
  }
  if (c.representation !== 'tower' && c.representation !== 'pool') {
    throw new Error(`config.representation: expected tower or pool, got ${JSON.stringify(c.representation)}`);
  }
  if (c.contextFrame != null && c.contextFrame !== 'world' && c.contextFrame !== 'context' && c.contextFrame !== 'query') {
    throw new Error(`config.contextFrame: expected 'world', 'context' or 'query', got ${JSON.stringify(c.contextFrame)}`);
  }
  if (typeof c.deterministicPath !== 'boolean') throw new Error(`config.deterministicPath: expected true or false, got ${JSON.stringify(c.deterministicPath)}`);
  if (c.contextFrame === 'query' && !c.deterministicPath) {
    throw new Error("config.contextFrame: 'query' rebuilds the renderer's r_C per query; it needs deterministicPath true");
  }
  if (c.imageSize % JUMP_SCALE !== 0) throw new Error(`config.imageSize: expected a multiple of ${JUMP_SCALE}, got ${c.imageSize}`);
  if (c.coreKernel % 2 !== 1) throw new Error(`config.coreKernel: expected an odd kernel, got ${c.coreKernel}`);
  return c;
}
