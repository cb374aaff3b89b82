/**
 * The Generative Query Network (Eslami et al. 2018): r = sum_k f(x^k, v^k) over the context
 * views, and a conditional DRAW generator g(x^q | v^q, r) trained on the ELBO
 *
 *   log p(x^q | v^q, r) >= E_q[log g(x^q | z, v^q, r)] - KL[q(z | x^q, v^q, r) || pi(z | v^q, r)].
 */
import * as tf from '@tensorflow/tfjs-core';

import { ParamStore } from '../layers/params.js';
import type { Draw, Model } from '../model.js';
import { linearAt } from '../schedules.js';
import { validateConfig, type GqnConfig, type GqnObjectiveSettings } from './config.js';
import { gaussianNll } from './gaussian.js';
import { Generator } from './generator.js';
import { GqnObjective } from './objective.js';
import { toQueryFrame } from './query-frame.js';
import { makeRepresentation, representScene, type Representation } from './representation.js';

/** The GQN's batch: B scenes, M context views each, one query view each. */
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

export interface Elbo {
  /** -ELBO averaged over the batch: the training loss. */
  loss: tf.Scalar;
  /** Per-image NLL [B] and KL [B] (nats). */
  nll: tf.Tensor1D;
  kl: tf.Tensor1D;
  klPerStep: tf.Tensor2D;
  /** Posterior reconstruction [B, S, S, C]. */
  mean: tf.Tensor4D;
  /** The representation used [B, side, side, r]. */
  r: tf.Tensor4D;
  /** The query viewpoint as the generator saw it [B, 7] (in the model's frame). */
  v: tf.Tensor2D;
}

/** What the generator is conditioned on for one query: r and the query viewpoint, in the model's frame. */
export interface Conditioning {
  r: tf.Tensor4D;
  v: tf.Tensor2D;
}

export class GQN implements Model<QueryBatch, GqnObjectiveSettings> {
  readonly kind = 'gqn';
  readonly store: ParamStore;
  readonly representation: Representation;
  readonly generator: Generator;

  constructor(readonly config: GqnConfig, seed: number) {
    validateConfig(config);
    this.store = new ParamStore(seed);
    this.representation = makeRepresentation(this.store, config);
    this.generator = new Generator(this.store, config);
  }

  /** r = sum over the M context views of f(x^k, v^k): [B, side, side, r] (M = 0: r = 0). */
  represent(images: tf.Tensor5D, viewpoints: tf.Tensor3D): tf.Tensor4D {
    return representScene(this.representation, this.config.rChannels, images, viewpoints);
  }

  /** Whether r depends on the query camera (config.contextFrame 'query'): then it is built per query. */
  get queryDependent(): boolean {
    return this.config.contextFrame === 'query';
  }

  /**
   * r and v for queries at `queryViewpoint` [B, 7] given M context views (M may be 0: r = 0).
   * In the world frame r is the same for every query of a scene; in the query frame every
   * camera is first turned so that the query looks along +x (query-frame.ts).
   */
  condition(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoint: tf.Tensor2D): Conditioning {
    return tf.tidy(() => {
      let ctxV = contextViewpoints;
      let v = queryViewpoint;
      if (this.queryDependent) ({ context: ctxV, query: v } = toQueryFrame(contextViewpoints, queryViewpoint));
      const r = this.represent(contextImages, ctxV);
      return { r, v };
    });
  }

  /** Standard normal noise for the L latent steps, seeded. */
  noise(batch: number, seed: number): tf.Tensor4D[] {
    const g = this.generator.grid;
    return Array.from({ length: this.config.steps }, (_, l) =>
      tf.randomNormal([batch, g, g, this.config.zChannels], 0, 1, 'float32', seed + l) as tf.Tensor4D);
  }

  /** -ELBO of the query image with observation noise sigma; eps from `noise`. */
  elbo(batch: QueryBatch, sigma: number, eps: tf.Tensor4D[]): Elbo {
    return tf.tidy(() => {
      const { r, v } = this.condition(batch.contextImages, batch.contextViewpoints, batch.queryViewpoint);
      const { mean, kl, klPerStep } = this.generator.infer(batch.queryImage, v, r, eps);
      const nll = gaussianNll(batch.queryImage, mean, sigma);
      const loss = tf.mean(tf.add(nll, kl)) as tf.Scalar;
      return { loss, nll, kl, klPerStep, mean, r, v };
    });
  }

  /** An image drawn from the prior (no target needed), given `condition`'s r and v (or Elbo's). */
  sample(v: tf.Tensor2D, r: tf.Tensor4D, eps: tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => this.generator.generate(v, r, eps));
  }

  /** Zeros for the L latent steps: with them each z_l is its prior's mean. */
  private meanNoise(batch: number): tf.Tensor4D[] {
    const g = this.generator.grid;
    return Array.from({ length: this.config.steps }, () => tf.zeros([batch, g, g, this.config.zChannels]) as tf.Tensor4D);
  }

  /**
   * Query views [B, S, S, C] in [0, 1] at `queryViewpoint` [B, 7] given M context views each
   * ([B, M, S, S, C] and [B, M, 7]; M may be 0), drawn from the prior: condition once, then one
   * image per draw ('mean': every z_l at its prior's mean; a number: `noise(B, seed)`). What
   * `gqn eval`, `gqn render` and the viewer ask of a GQN.
   */
  predict(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoint: tf.Tensor2D, draws: readonly Draw[]): tf.Tensor4D[] {
    return tf.tidy(() => {
      const { r, v } = this.condition(contextImages, contextViewpoints, queryViewpoint);
      const b = queryViewpoint.shape[0];
      return draws.map((d) => this.generator.generate(v, r, d === 'mean' ? this.meanNoise(b) : this.noise(b, d)));
    });
  }

  /** The negative ELBO with sigma annealed by the run's schedule (objective.ts). */
  objective(settings: GqnObjectiveSettings): GqnObjective {
    return new GqnObjective(this, (step) => linearAt(settings.sigma, step));
  }

  dispose(): void {
    this.store.dispose();
  }
}
