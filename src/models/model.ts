/**
 * The interface every model of the GQN family implements, so that training (src/train/),
 * evaluation and the CLI work on any of them. A model kind is registered in registry.ts; a run's
 * config.json names its kind.
 *
 * A kind owns everything that differs between the members of the family:
 *
 * - its batch type `B` (the GQN: context views, cameras and a query view, `QueryBatch` in
 *   gqn/gqn.ts; a VAE: digits and their labels) and where batches come from (`ModelKind.data`:
 *   the GQN reads a gqn-datasets scene folder given by --data; the MNIST kinds take the `mnist`
 *   package's digits), with a `ReaderState` in every checkpoint so that a resumed run continues
 *   the same sequence of batches;
 * - its own part `T` of config.json's `train` (the GQN: data, contextViews, sigma) and the
 *   `gqn train` flags that set it (`ModelKind.trainFlags`);
 * - its objective (`Model.objective`, given the run's `train`), which anneals what is its own
 *   (the GQN's sigma);
 * - what `gqn eval` and `gqn render` compute for it (`ModelKind.evaluation`, `ModelKind.render`).
 *
 * The trainer only sees `Model<B>`, `Objective<B>` and `BatchStream<B>` for an opaque B.
 * docs/models.md, "Adding a model kind", lists the steps.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { DatasetSettings } from '../data/manifest.js';
import type { ParamStore } from './layers/params.js';
import type { Linear } from './schedules.js';

/**
 * One prediction: 'mean', the model's best single guess (the GQN: every latent at its prior's
 * mean), or a number, the seed of one sample.
 */
export type Draw = 'mean' | number;

/** A loss on a batch, with the named scalars logged beside it. */
export interface ObjectiveValue {
  /** The scalar minimised: a batch mean. */
  loss: tf.Scalar;
  /** Batch means for the metrics, by name (the GQN: nll, kl); the loss itself is under Objective.lossKey. */
  scalars: Record<string, tf.Scalar>;
}

/** Per-item figures of a latent-variable objective on a batch whose targets are known. */
export interface Scores {
  /** Negative log-likelihood of each item's target [B], nats. */
  nll: tf.Tensor1D;
  /** KL of each item's latents [B], nats (zeros for a model without latents); the loss is NLL + KL. */
  kl: tf.Tensor1D;
}

/**
 * A model's training objective on batches of type B, with everything model-specific about it
 * (the GQN: sigma's schedule, read at the step given). Random draws are seeded by the caller's
 * seed, so a step can be recomputed exactly (a resumed run continues the same curve).
 */
export interface Objective<B, S extends Scores = Scores> {
  /** The loss's name in the metrics (the GQN: 'elbo', the negative ELBO). */
  readonly lossKey: string;
  /** The objective's step-dependent settings at `step`, logged after its scalars (the GQN: { sigma }). */
  settings(step: number): Record<string, number>;
  /** The training loss on `batch` at training step `step`; called under tf.variableGrads. */
  compute(batch: B, step: number, seed: number): ObjectiveValue;
  /** Per-item NLL and KL (and what else the kind's eval reads), at the settings of `step`. */
  score(batch: B, step: number, seed: number): S;
}

/**
 * A model: weights under checkpoint names and its objective on batches of type B, given the
 * run's `train` settings T (config.json's `train`; the model reads its own fields of it).
 */
export interface Model<B, T = unknown> {
  /** Its kind in the registry (registry.ts). */
  readonly kind: string;
  /** Its configuration (config.json's `model`). */
  readonly config: object;
  /** Every weight, by the name it has in model.safetensors. */
  readonly store: ParamStore;
  /** Its objective under the run's training settings. */
  objective(train: T): Objective<B>;
  dispose(): void;
}

/**
 * Where a stream of training batches stands, saved as state.json's `reader` in every
 * checkpoint: enough to continue exactly. Every kind uses this shape: `seed` of the shuffle or
 * the generator, `epoch` and `position` (items of that epoch consumed), `batch` (batches
 * consumed). A stream that draws fresh items forever keeps epoch 0.
 */
export interface ReaderState {
  seed: number;
  epoch: number;
  position: number;
  batch: number;
}

/** A kind's training batches in order, from a seed; continued from `state()` on resume. */
export interface BatchStream<B> {
  /** The next batch (tensors; give it back to `dispose`), or null when the data ran out. */
  next(): Promise<B | null>;
  /** The state after the last batch returned (the start state before any): save it in checkpoints. */
  state(): ReaderState;
  /** One line per item skipped so far (the GQN with --skip-corrupt: corrupt records), for the notes. */
  readonly skipped: readonly string[];
  dispose(batch: B): void;
  close(): Promise<void>;
}

/** How the trainer opens a kind's stream. */
export interface StreamOptions {
  /** Items per batch (config.json's train.batch). */
  batch: number;
  /** The run's seed (train.seed): the shuffle and anything else random in the data. */
  seed: number;
  /** Continue from a checkpoint's state. */
  resume?: ReaderState;
  /** Skip and count damaged items instead of stopping (gqn train --skip-corrupt; kinds whose data cannot be damaged ignore it). */
  skipCorrupt: boolean;
}

/** Where a kind's data comes from. C: its model configuration; T: its own part of config.json's `train`. */
export interface KindData<C, T, B> {
  /** One line for help texts and errors, e.g. "the mnist package's digits". */
  readonly description: string;
  /**
   * Checks the data the run names (the GQN: the --data folder) before a run writes anything;
   * errors name the flag. Returns what RUN/dataset.json records (the GQN: the data's manifest
   * settings), or null for nothing. `train.preset` names the preset in messages.
   */
  check(model: C, train: T & { preset: string }): Promise<DatasetSettings | null>;
  /** The run's training batches. */
  open(model: C, train: T, options: StreamOptions): BatchStream<B>;
}

/** How a `gqn train` flag's value reads (src/cli/train.ts turns each into a parser). */
export type FlagValue = 'path' | 'positive-int' | 'positive-number' | 'count-or-random' | 'switch' | { choices: readonly string[] };

/**
 * A `gqn train` flag of one kind, beyond those every kind takes (--preset, --steps, --batch,
 * --lr-*, --checkpoint-every, --log-every, --resume, --override). It sets one field of
 * config.json, a dotted path: 'train.sigma.start', 'model.representation'. A flag without a
 * field is an option of the session, not recorded (the GQN's --skip-corrupt).
 */
export interface KindFlag {
  /** The flag, e.g. '--sigma-start'. */
  flag: string;
  value: FlagValue;
  /** Its value's name in --help (default from `value`: <n>, <x>, <path>...), e.g. '<dir>'. */
  placeholder?: string;
  /** What its value means, for --help. */
  description: string;
  field?: string;
  /** A new run without the flag: this value (else the preset's value at `field`, if any). */
  default?: string | number;
  /** A new run must give it (neither a preset nor a default can). */
  required?: boolean;
}

/** The options of `gqn eval`; each kind reads those it lists in `evaluation.flags`. */
export interface EvalOptions {
  /** --data: a dataset folder (the GQN). */
  data?: string;
  split: 'train' | 'test';
  /** --scenes: how many to evaluate (the GQN). */
  scenes: number;
  batch: number;
  /** --contexts: context view counts (the GQN). */
  contexts?: number[];
  /** --digits: how many of the 1,000 held-out digits (the Neural Processes' mnist task). */
  digits?: number;
  skipCorrupt?: boolean;
  /** --consistency: whether views drawn from one sample agree (the GQN and JUMP on mnist-dice). */
  consistency?: boolean;
  /** --samples: prior samples per scene (--consistency). */
  samples?: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/** The options of `gqn render`; each kind reads those it lists in `render.flags`. */
export interface RenderOptions {
  data?: string;
  split: 'train' | 'test';
  /** --scenes: rows (the GQN). */
  scenes: number;
  /** --context: context views per row (the GQN). */
  context: number;
  /** --samples: samples per row. */
  samples: number;
  /** --grid: which picture, for kinds that draw several (the VAEs: samples, classes, traversal). */
  grid?: string;
  /** --digit: the class a conditional model's traversal is drawn for. */
  digit?: number;
  zoom: number;
  seed: number;
}

/** A run's model with its latest (or a chosen) checkpoint's weights: what eval and render get. */
export interface TrainedModel<M, C, T> {
  /** The run folder. */
  run: string;
  checkpoint: string;
  step: number;
  model: M;
  config: { model: C; train: T & { seed: number } };
}

/**
 * What a command (`gqn eval`, `gqn render`) does for a kind. `flags` are the command's flags the
 * kind takes beyond those every kind takes (eval: --batch, --seed, --json, --out; render: --out,
 * --zoom, --seed); the CLI refuses the others by name. `required` must be given.
 */
export interface KindCommand<M, C, T, O, R> {
  readonly flags: readonly string[];
  readonly required: readonly string[];
  /** Bytes of tensors alive at once, and the flag that sizes them (refused on wasm when over its heap). */
  memory(config: C, options: O): { bytes: number; flag: string };
  run(trained: TrainedModel<M, C, T>, options: O): Promise<R>;
}

/** `gqn eval`'s result: the report as JSON (--json, --out) and as text. */
export interface EvalResult {
  json: object;
  text: string;
}

/** `gqn render`'s result: the PNG and one line on what it shows. */
export interface RenderResult {
  png: Uint8Array;
  caption: string;
}

/** How a preset trains by default; flags override each (`gqn train`). P: the kind's own defaults (the GQN: sigma). */
export type TrainDefaults<P = object> = {
  batch: number;
  steps: number;
  lr: Linear;
} & P;

/** A named model configuration with its training defaults: one entry of a kind's table. */
export interface Preset<C, P = object> {
  model: C;
  train: TrainDefaults<P>;
}

/** A metric a kind's objective logs, and how progress lines show it. */
export interface MetricSpec {
  key: string;
  label: string;
  /** Decimals shown. */
  digits: number;
}

/**
 * A model kind: what the registry knows of it. C: its configuration (config.json's `model`);
 * T: its own part of config.json's `train`; B: its batch; M: its model. Members are methods,
 * not function-typed properties, so that a kind is assignable to the registry's erased view
 * (registry.ts, AnyModelKind).
 */
export interface ModelKind<C, T, B, M extends Model<B, T>, N extends string = string> {
  /** Its name in the registry and in config.json's `kind`. */
  readonly name: N;
  /** One line for help texts. */
  readonly description: string;
  /** The kind's one table of presets: model configuration and training defaults. */
  readonly presets: Readonly<Record<string, Preset<C, Partial<T>>>>;
  /** The preset `gqn train` uses without --preset. */
  readonly defaultPreset: string;
  /** The objective's loss, scalars and settings in metrics order (the loss first). */
  readonly metrics: readonly MetricSpec[];
  /** Its `gqn train` flags beyond the common ones. */
  readonly trainFlags: readonly KindFlag[];
  /** Its training data. */
  readonly data: KindData<C, T, B>;
  /** What `gqn eval` computes. */
  readonly evaluation: KindCommand<M, C, T, EvalOptions, EvalResult>;
  /** What `gqn render` draws. */
  readonly render: KindCommand<M, C, T, RenderOptions, RenderResult>;
  /** Checks a configuration (config.json's `model`); errors name the field. Returns it. */
  validate(config: C): C;
  /**
   * Checks the kind's own training settings that no flag parser can (JUMP: all three of
   * --kl-weight-* or none), before a run writes anything; errors name the field and the flags.
   */
  validateTrain?(train: T): void;
  /** A model with fresh weights drawn from `seed`. */
  create(config: C, seed: number): M;
  /** Bytes a training step of `batch` items needs (to refuse what cannot fit before allocating). */
  trainBytes(config: C, batch: number): number;
}
