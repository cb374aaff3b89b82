/**
 * The interface every model of the GQN family implements, so that training (src/train/),
 * evaluation (src/eval/) and the CLI work on any of them. A model kind (its presets, how to build
 * and size one) is registered in registry.ts; a run's config.json names its kind.
 *
 * The family's members all map context views (images and cameras) and a query camera to a
 * distribution over the query image, and all train on a loss that is an NLL of the query view
 * plus a KL of their latents (zero for a model without latents): that is what `Objective.score`
 * reports per image and what `gqn eval` turns into -ELBO, NLL, KL and bits per dimension.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from './layers/params.js';
import type { Linear } from './schedules.js';

/** One batch: B scenes, M context views each, one query view each. */
export interface QueryBatch {
  /** Context images [B, M, S, S, C] in [0, 1]. */
  contextImages: tf.Tensor5D;
  /** Context viewpoints [B, M, 7]. */
  contextViewpoints: tf.Tensor3D;
  /** Query image [B, S, S, C]. */
  queryImage: tf.Tensor4D;
  /** Query viewpoint [B, 7]. */
  queryViewpoint: tf.Tensor2D;
}

/** The fields every model's configuration has: the images and cameras it works on. */
export interface ModelConfigBase {
  /** Square image side. */
  imageSize: number;
  imageChannels: number;
  /** Viewpoint vector: (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch). */
  viewpointSize: number;
}

/**
 * One prediction of a query view: 'mean', the model's best single guess (the GQN: every latent at
 * its prior's mean), or a number, the seed of one sample.
 */
export type Draw = 'mean' | number;

/** What the run's training configuration gives a model's objective (config.json's `train`). */
export interface ObjectiveSettings {
  /** The observation noise's schedule over the training steps (the GQN's fixed-variance likelihood). */
  sigma: Linear;
}

/** A loss on a batch, with the named scalars logged beside it. */
export interface ObjectiveValue {
  /** The scalar minimised: a batch mean. */
  loss: tf.Scalar;
  /** Batch means for the metrics, by name (the GQN: nll, kl); the loss itself is under Objective.lossKey. */
  scalars: Record<string, tf.Scalar>;
}

/** Per-image figures of the objective on a batch whose targets are known. */
export interface Scores {
  /** Negative log-likelihood of each query image [B], nats. */
  nll: tf.Tensor1D;
  /** KL of each query's latents [B], nats (zeros for a model without latents); the loss is NLL + KL. */
  kl: tf.Tensor1D;
  /** The query reconstructed with its target seen [B, S, S, C] (the GQN: the posterior path's mean). */
  reconstruction: tf.Tensor4D;
}

/**
 * A model's training objective, with everything model-specific about it (the GQN: sigma's
 * schedule, read at the step given). Random draws are seeded by the caller's seed, so a step can
 * be recomputed exactly (a resumed run continues the same curve).
 */
export interface Objective {
  /** The loss's name in the metrics (the GQN: 'elbo', the negative ELBO). */
  readonly lossKey: string;
  /** The objective's step-dependent settings at `step`, logged after its scalars (the GQN: { sigma }). */
  settings(step: number): Record<string, number>;
  /** The training loss on `batch` at training step `step`; called under tf.variableGrads. */
  compute(batch: QueryBatch, step: number, seed: number): ObjectiveValue;
  /** Per-image NLL and KL and the reconstruction (eval, render), at the settings of `step`. */
  score(batch: QueryBatch, step: number, seed: number): Scores;
}

/** A model: weights under checkpoint names, predictions of query views, and its objective. */
export interface Model {
  /** Its kind in the registry (registry.ts). */
  readonly kind: string;
  readonly config: ModelConfigBase;
  /** Every weight, by the name it has in model.safetensors. */
  readonly store: ParamStore;
  /**
   * Query views [B, S, S, C] in [0, 1] at `queryViewpoint` [B, 7] given M context views each
   * ([B, M, S, S, C] and [B, M, 7]; M may be 0), one per draw; the context is encoded once for
   * all draws. What `gqn eval`, `gqn render` and the viewer ask of a model.
   */
  predict(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoint: tf.Tensor2D, draws: readonly Draw[]): tf.Tensor4D[];
  /** Its objective under the run's training settings. */
  objective(settings: ObjectiveSettings): Objective;
  dispose(): void;
}

/** How a preset trains by default; flags override each (`gqn train`). */
export interface TrainDefaults {
  batch: number;
  steps: number;
  lr: Linear;
  /** The objective's sigma schedule (ObjectiveSettings). */
  sigma: Linear;
}

/** A named model configuration with its training defaults: one entry of a kind's table. */
export interface Preset<C extends ModelConfigBase> {
  model: C;
  train: TrainDefaults;
}

/** A metric a kind's objective logs, and how progress lines show it. */
export interface MetricSpec {
  key: string;
  label: string;
  /** Decimals shown. */
  digits: number;
}

/** A model kind: what the registry knows of it. */
export interface ModelKind<C extends ModelConfigBase, M extends Model, N extends string = string> {
  /** Its name in the registry and in config.json's `kind`. */
  readonly name: N;
  /** One line for help texts. */
  readonly description: string;
  /** The kind's one table of presets: model configuration and training defaults. */
  readonly presets: Readonly<Record<string, Preset<C>>>;
  /** The preset `gqn train` uses without --preset. */
  readonly defaultPreset: string;
  /** The objective's loss, scalars and settings in metrics order (the loss first). */
  readonly metrics: readonly MetricSpec[];
  /** Checks a configuration (config.json's `model`); errors name the field. Returns it. */
  validate(config: C): C;
  /** A model with fresh weights drawn from `seed`. */
  create(config: C, seed: number): M;
  /** Bytes a training step needs (to refuse what cannot fit before allocating). */
  trainBytes(config: C, batch: number, contextViews: number): number;
  /** Bytes for evaluating `batch` scenes with `passes` forward passes alive at once. */
  evalBytes(config: C, batch: number, contextViews: number, passes: number): number;
}
