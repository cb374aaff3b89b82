/**
 * JUMP, the Consistent GQN (Kumar et al. 2018): one latent z per scene, shared by every query
 * view, and a renderer that sees only z and the query camera. With T target views of a scene,
 *
 *   log p(x^1..T | v^1..T, C) >= sum_t E_q[log g(x^t | z, v^t)] - KL[q(z | r_C, r_CT) || pi(z | r_C)],
 *
 * r_C = sum f(x, v) over the context, r_CT over context and targets (the GQN's representation).
 * A sample of z is a whole scene: its views from any cameras agree (the GQN draws each query's
 * latent apart, so its views of an unseen face need not).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ParamStore } from '../layers/params.js';
import type { Draw, Model } from '../model.js';
import { linearAt } from '../schedules.js';
import { gaussianNll } from '../gqn/gaussian.js';
import { toFrameOf } from '../gqn/query-frame.js';
import { makeRepresentation, representScene, type Representation } from '../gqn/representation.js';
import { JUMP_SCALE, validateJumpConfig, type JumpConfig, type JumpObjectiveSettings } from './config.js';
import { JumpObjective } from './objective.js';
import { Renderer } from './renderer.js';
import { SceneLatent } from './scene-latent.js';

/** JUMP's batch: B scenes, M context views and T target views each. */
export interface JumpBatch {
  /** Context images [B, M, S, S, C] in [0, 1]. */
  contextImages: tf.Tensor5D;
  /** Context viewpoints [B, M, 7]. */
  contextViewpoints: tf.Tensor3D;
  /** Target images [B, T, S, S, C]. */
  targetImages: tf.Tensor5D;
  /** Target viewpoints [B, T, 7]. */
  targetViewpoints: tf.Tensor3D;
}

export interface JumpElbo {
  /** -ELBO per scene averaged over the batch: the training loss. */
  loss: tf.Scalar;
  /** NLL of all T targets per scene [B] and the scene latent's KL [B] (nats). */
  nll: tf.Tensor1D;
  kl: tf.Tensor1D;
  /** Posterior reconstructions [B, T, S, S, C]. */
  mean: tf.Tensor5D;
}

export class JUMP implements Model<JumpBatch, JumpObjectiveSettings> {
  readonly kind = 'jump';
  readonly store: ParamStore;
  readonly representation: Representation;
  readonly latent: SceneLatent;
  readonly renderer: Renderer;
  readonly grid: number;

  constructor(readonly config: JumpConfig, seed: number) {
    validateJumpConfig(config);
    this.store = new ParamStore(seed);
    this.grid = config.imageSize / JUMP_SCALE;
    this.representation = makeRepresentation(this.store, config);
    this.latent = new SceneLatent(this.store, config, this.grid);
    this.renderer = new Renderer(this.store, config, this.grid);
  }

  /** r = sum of f(x, v) over the views given: [B, side, side, r] (no views: r = 0). */
  represent(images: tf.Tensor5D, viewpoints: tf.Tensor3D): tf.Tensor4D {
    return representScene(this.representation, this.config.rChannels, images, viewpoints);
  }

  /**
   * The cameras as the networks see them: as given, or with config.contextFrame 'context' every
   * camera of a scene turned so its first context view looks along +x (no context: as given).
   */
  inFrame(contextViewpoints: tf.Tensor3D, views: tf.Tensor3D): tf.Tensor3D {
    if (this.config.contextFrame !== 'context' || contextViewpoints.shape[1] === 0) return views;
    return tf.tidy(() => {
      const [b, , vs] = contextViewpoints.shape;
      return toFrameOf(tf.reshape(tf.slice(contextViewpoints, [0, 0, 0], [b, 1, vs]), [b, vs]) as tf.Tensor2D, views);
    });
  }

  /** Standard normal noise for the L latent steps [B, g, g, zChannels], seeded. */
  noise(batch: number, seed: number): tf.Tensor4D[] {
    return Array.from({ length: this.config.latentSteps }, (_, l) =>
      tf.randomNormal([batch, this.grid, this.grid, this.config.zChannels], 0, 1, 'float32', seed + l) as tf.Tensor4D);
  }

  private meanNoise(batch: number): tf.Tensor4D[] {
    return Array.from({ length: this.config.latentSteps }, () => tf.zeros([batch, this.grid, this.grid, this.config.zChannels]) as tf.Tensor4D);
  }

  /** What the renderer reads of a sample: z, and with the deterministic path r_C beside it. */
  sceneCode(z: tf.Tensor4D, rC: tf.Tensor4D): tf.Tensor4D {
    return this.config.deterministicPath ? tf.concat([z, this.latent.onGrid(rC)], 3) : z;
  }

  /** A scene code per scene from the prior given the context's r_C; eps from `noise` (zeros: the prior's means). */
  drawScene(rC: tf.Tensor4D, eps: tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => this.sceneCode(this.latent.generate(rC, eps), rC));
  }

  /** Every scene's code [B, ...] rendered at its Q cameras [B, Q, 7]: [B, Q, S, S, C]. */
  renderViews(z: tf.Tensor4D, viewpoints: tf.Tensor3D): tf.Tensor5D {
    return tf.tidy(() => {
      const [b, q, vs] = viewpoints.shape;
      const [, g, , zc] = z.shape;
      const zPerView = tf.reshape(tf.tile(tf.expandDims(z, 1), [1, q, 1, 1, 1]), [b * q, g, g, zc]) as tf.Tensor4D;
      const x = this.renderer.render(zPerView, tf.reshape(viewpoints, [b * q, vs]) as tf.Tensor2D);
      const s = this.config.imageSize;
      return tf.reshape(x, [b, q, s, s, this.config.imageChannels]) as tf.Tensor5D;
    });
  }

  /** -ELBO of the T targets of each scene with observation noise sigma; eps from `noise`. */
  elbo(batch: JumpBatch, sigma: number, eps: tf.Tensor4D[]): JumpElbo {
    return tf.tidy(() => {
      const ctxV = this.inFrame(batch.contextViewpoints, batch.contextViewpoints);
      const targetV = this.inFrame(batch.contextViewpoints, batch.targetViewpoints);
      const rC = this.represent(batch.contextImages, ctxV);
      const rCT = tf.add(rC, this.represent(batch.targetImages, targetV)) as tf.Tensor4D;
      const { z, kl } = this.latent.infer(rC, rCT, eps);
      const mean = this.renderViews(this.sceneCode(z, rC), targetV);
      const [b, t, s, , ch] = batch.targetImages.shape;
      const flat = (x: tf.Tensor5D) => tf.reshape(x, [b * t, s, s, ch]) as tf.Tensor4D;
      const nll = tf.sum(tf.reshape(gaussianNll(flat(batch.targetImages), flat(mean), sigma), [b, t]), 1) as tf.Tensor1D;
      const loss = tf.mean(tf.add(nll, kl)) as tf.Scalar;
      return { loss, nll, kl, mean };
    });
  }

  /** A scene code per scene from the prior given its context ('mean': every z_l at its prior's mean). */
  sampleScene(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, draw: Draw): tf.Tensor4D {
    return tf.tidy(() => {
      const b = contextImages.shape[0];
      const rC = this.represent(contextImages, this.inFrame(contextViewpoints, contextViewpoints));
      return this.drawScene(rC, draw === 'mean' ? this.meanNoise(b) : this.noise(b, draw));
    });
  }

  /**
   * Views [B, Q, S, S, C] at Q cameras per scene [B, Q, 7], per draw: ONE z per scene and draw,
   * shared by its Q views (what the consistency test and the viewer ask).
   */
  predictViews(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoints: tf.Tensor3D, draws: readonly Draw[]): tf.Tensor5D[] {
    return tf.tidy(() => {
      const queryV = this.inFrame(contextViewpoints, queryViewpoints);
      return draws.map((d) => this.renderViews(this.sampleScene(contextImages, contextViewpoints, d), queryV));
    });
  }

  /**
   * One query view per scene [B, S, S, C] at `queryViewpoint` [B, 7], per draw: the GQN's
   * `predict`, so that the scene eval and grids (src/eval/scene-eval.ts) serve both models.
   */
  predict(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoint: tf.Tensor2D, draws: readonly Draw[]): tf.Tensor4D[] {
    return tf.tidy(() => {
      const [b, vs] = queryViewpoint.shape;
      const s = this.config.imageSize;
      return this.predictViews(contextImages, contextViewpoints, tf.reshape(queryViewpoint, [b, 1, vs]) as tf.Tensor3D, draws)
        .map((x) => tf.reshape(x, [b, s, s, this.config.imageChannels]) as tf.Tensor4D);
    });
  }

  /** The negative ELBO with sigma annealed by the run's schedule (objective.ts). */
  objective(settings: JumpObjectiveSettings): JumpObjective {
    return new JumpObjective(this, (step) => linearAt(settings.sigma, step));
  }

  dispose(): void {
    this.store.dispose();
  }
}
