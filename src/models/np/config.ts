/**
 * Configuration of the Neural Process family (saved in a run's config.json as `model`). One
 * shape covers the three kinds; each kind checks that its fields say what it is:
 *
 * - cnp (Garnelo et al. 2018a): deterministic path with mean aggregation, no latent;
 * - np (Garnelo et al. 2018b, as the baseline of Kim et al. 2019): a global latent z plus the
 *   mean-aggregated deterministic path (deterministicPath 'none' gives the latent-only NP);
 * - anp (Kim et al. 2019): the NP with cross-attention on the deterministic path and
 *   self-attention over the context points in both encoders.
 *
 * Widths follow the ANP paper's 1-D regression: 128 everywhere, encoders of 4 layers, a decoder of
 * 2 hidden layers and the output, latent of 128, 8 heads.
 */
import { GP_FIXED_KERNEL, GP_RANDOM_KERNEL } from '../../tasks/gp-regression.js';
import { MNIST_COMPLETION } from '../../tasks/mnist-completion.js';
import type { Preset } from '../model.js';
import type { NpTask } from './task.js';

export type DeterministicPath = 'none' | 'mean' | 'attention';
export type NpKindName = 'cnp' | 'np' | 'anp';

export interface NpConfig {
  /** Input size d_x of a point (1 for 1-D regression, 2 for pixel coordinates). */
  xSize: number;
  /** Output size d_y of a point (1: a function value or a grey level). */
  ySize: number;
  /** Width of every hidden layer, of r and of s. */
  hidden: number;
  /** Layers of each encoder MLP on (x_i, y_i), the last one linear. */
  encoderLayers: number;
  /** Hidden layers of the decoder MLP before its output layer (mu, sigma). */
  decoderLayers: number;
  /** Size of z; 0: no latent path (the CNP). */
  latentSize: number;
  /** How r reaches a target: not at all, the context mean, or cross-attention on x. */
  deterministicPath: DeterministicPath;
  /** Attention heads (cross- and self-attention). */
  heads: number;
  /** Self-attention blocks over the context points in each encoder (0: none). */
  selfAttention: number;
}

const base = { xSize: 1, ySize: 1, hidden: 128, encoderLayers: 4, decoderLayers: 2, heads: 8 } as const;

/** The papers' 1-D regression architectures, by kind. */
export const NP_MODELS: Readonly<Record<NpKindName, NpConfig>> = {
  cnp: { ...base, latentSize: 0, deterministicPath: 'mean', selfAttention: 0 },
  np: { ...base, latentSize: 128, deterministicPath: 'mean', selfAttention: 0 },
  // One self-attention block per encoder: each costs about as much as the rest of the ANP's step on
  // 2 CPU cores (measured: 100, 200, 440 ms per step of 16 functions with 0, 1, 2 blocks).
  anp: { ...base, latentSize: 128, deterministicPath: 'attention', selfAttention: 1 },
};

/** Far above any useful size, so a typo is refused by name rather than deep in an allocation. */
const LIMITS = { xSize: [1, 64], ySize: [1, 64], hidden: [1, 4096], encoderLayers: [1, 64], decoderLayers: [0, 64], latentSize: [0, 4096], heads: [1, 64], selfAttention: [0, 64] } as const;

/** Checks a configuration for kind `kind`; every message names the field. Returns it. */
export function validateNpConfig(kind: NpKindName, c: NpConfig): NpConfig {
  if (c == null || typeof c !== 'object') throw new Error(`config: expected an object of model fields, got ${JSON.stringify(c)}`);
  for (const [k, [lo, hi]] of Object.entries(LIMITS) as [keyof typeof LIMITS, readonly [number, number]][]) {
    const v = c[k];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`config.${k}: expected an integer in ${lo}..${hi}, got ${JSON.stringify(v)}`);
  }
  if (!['none', 'mean', 'attention'].includes(c.deterministicPath)) {
    throw new Error(`config.deterministicPath: expected 'none', 'mean' or 'attention', got ${JSON.stringify(c.deterministicPath)}`);
  }
  if (c.hidden % c.heads !== 0) throw new Error(`config.heads: ${c.heads} heads do not divide config.hidden ${c.hidden}`);
  if (c.deterministicPath === 'none' && c.latentSize === 0) throw new Error('config.deterministicPath: \'none\' with config.latentSize 0 leaves the decoder no context at all');
  // What makes each kind what it is.
  if (kind === 'cnp' && (c.latentSize !== 0 || c.deterministicPath !== 'mean')) {
    throw new Error(`config.latentSize: a cnp has no latent and a mean deterministic path (latentSize 0, deterministicPath 'mean'), got ${c.latentSize}, '${c.deterministicPath}'`);
  }
  if (kind === 'np' && (c.latentSize === 0 || c.deterministicPath === 'attention')) {
    throw new Error(`config.latentSize: an np has a latent (latentSize >= 1) and no attention (deterministicPath 'mean' or 'none'), got ${c.latentSize}, '${c.deterministicPath}'`);
  }
  if (kind === 'anp' && (c.latentSize === 0 || c.deterministicPath !== 'attention')) {
    throw new Error(`config.deterministicPath: an anp has a latent and attention on the deterministic path (deterministicPath 'attention'), got latentSize ${c.latentSize}, '${c.deterministicPath}'`);
  }
  if (kind !== 'anp' && c.selfAttention !== 0) throw new Error(`config.selfAttention: only an anp has self-attention, got ${c.selfAttention} for a ${kind}`);
  return c;
}

/** The NP kinds' own training defaults (config.json's train.task). */
export interface NpTrainDefaults {
  task: NpTask;
}

const GP_TASK: NpTask = { name: 'gp', ...GP_RANDOM_KERNEL };
const MNIST_TASK: NpTask = { name: 'mnist', ...MNIST_COMPLETION };

/**
 * The presets of kind `kind` (one table per kind, the same names in each, so that the three are
 * trained alike):
 *
 * - `gp`: the ANP paper's GP task and widths, batch 64 and Adam at 1e-4 (the papers train for
 *   hundreds of thousands of steps; 100,000 here);
 * - `gp-cpu`: the same task and model on a 2-core budget: batch 16 and Adam at 5e-4 for 5,000
 *   steps, so that a CPU budget gets somewhere (docs/models.md's table: 5,000 steps of each kind);
 * - `gp-fixed-kernel`: the CNP paper's task (l = 0.4, sigma_f = 1, fewer points);
 * - `mnist-cpu`: image completion on MNIST (pixels (row, column) -> grey level, the ANP paper's
 *   image ranges of contexts and targets) with the same widths, batch 16 and Adam at 5e-4 on a
 *   CPU budget (docs/models.md says how many steps each kind got);
 * - `tiny`, `mnist-tiny`: a few hundred weights and a handful of points, for tests and CI.
 */
export function npPresets(kind: NpKindName): Record<string, Preset<NpConfig, NpTrainDefaults>> {
  const model = NP_MODELS[kind];
  const tiny: NpConfig = {
    xSize: 1, ySize: 1, hidden: 8, encoderLayers: 2, decoderLayers: 1, heads: 2,
    latentSize: kind === 'cnp' ? 0 : 4, deterministicPath: kind === 'anp' ? 'attention' : 'mean', selfAttention: kind === 'anp' ? 1 : 0,
  };
  const constant = (lr: number) => ({ start: lr, end: lr, steps: 1 });
  return {
    gp: { model, train: { batch: 64, steps: 100000, lr: constant(1e-4), task: GP_TASK } },
    'gp-cpu': { model, train: { batch: 16, steps: 5000, lr: constant(5e-4), task: GP_TASK } },
    'gp-fixed-kernel': { model, train: { batch: 64, steps: 100000, lr: constant(1e-4), task: { name: 'gp', ...GP_FIXED_KERNEL } } },
    tiny: { model: tiny, train: { batch: 4, steps: 6, lr: constant(1e-3), task: { ...GP_TASK, contexts: [3, 6], extraTargets: [2, 5] } } },
    'mnist-cpu': { model: { ...model, xSize: 2 }, train: { batch: 16, steps: 3000, lr: constant(5e-4), task: MNIST_TASK } },
    'mnist-tiny': { model: { ...tiny, xSize: 2 }, train: { batch: 4, steps: 6, lr: constant(1e-3), task: { name: 'mnist', contexts: [3, 12], extraTargets: [3, 10] } } },
  };
}
