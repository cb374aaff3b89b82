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
import { toFrameOf, toQueryFrame } from '../gqn/query-frame.js';
import { makeRepresentation, representScene, type Representation } from '../gqn/representation.js';
import { JUMP_SCALE, validateJumpConfig, validateKlWeight, type JumpConfig, type JumpObjectiveSettings } from './config.js';
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

/** Each row of x [B, ...] repeated for Q views: [B * Q, ...], scene-major. */
function perView<T extends tf.Tensor>(x: T, q: number): T {
  const rest = x.shape.slice(1);
  return tf.reshape(tf.tile(tf.expandDims(x, 1), [1, q, ...rest.map(() => 1)]), [x.shape[0] * q, ...rest]) as T;
}

/** A scene's context as JUMP reads it (`JUMP.context`). */
export interface SceneContext {
  /** Context images [B, M, S, S, C] and their cameras [B, M, 7] as the data gives them. */
  images: tf.Tensor5D;
  viewpoints: tf.Tensor3D;
  /** r_C = sum f(x, v) over the context, cameras in the scene's frame [B, side, side, r]. */
  rC: tf.Tensor4D;
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
   * The cameras as the latent and the renderer see them: as given ('world'), or with
   * config.contextFrame 'context' or 'query' every camera of a scene turned so its first context
   * view looks along +x (no context: as given).
   */
  inFrame(contextViewpoints: tf.Tensor3D, views: tf.Tensor3D): tf.Tensor3D {
    if ((this.config.contextFrame ?? 'world') === 'world' || contextViewpoints.shape[1] === 0) return views;
    return tf.tidy(() => {
      const [b, , vs] = contextViewpoints.shape;
      return toFrameOf(tf.reshape(tf.slice(contextViewpoints, [0, 0, 0], [b, 1, vs]), [b, vs]) as tf.Tensor2D, views);
    });
  }

  /** A scene's context as JUMP reads it: its views (cameras as given) and r_C in the scene's frame. */
  context(images: tf.Tensor5D, viewpoints: tf.Tensor3D): SceneContext {
    return { images, viewpoints, rC: this.represent(images, this.inFrame(viewpoints, viewpoints)) };
  }

  /** Standard normal noise for the L latent steps [B, g, g, zChannels], seeded. */
  noise(batch: number, seed: number): tf.Tensor4D[] {
    return Array.from({ length: this.config.latentSteps }, (_, l) =>
      tf.randomNormal([batch, this.grid, this.grid, this.config.zChannels], 0, 1, 'float32', seed + l) as tf.Tensor4D);
  }

  private meanNoise(batch: number): tf.Tensor4D[] {
    return Array.from({ length: this.config.latentSteps }, () => tf.zeros([batch, this.grid, this.grid, this.config.zChannels]) as tf.Tensor4D);
  }

  /**
   * The deterministic path's r for each of the Q views of every scene [B * Q, g, g, r] (null
   * without the path): r_C, the same for every view, or with contextFrame 'query' r_C rebuilt in
   * each query's frame, as the GQN's query frame builds it. Either way a function of the context
   * and the camera alone, so the views of one z still show one scene.
   */
  private pathR(ctx: SceneContext, viewpoints: tf.Tensor3D): tf.Tensor4D | null {
    if (!this.config.deterministicPath) return null;
    const [b, q, vs] = viewpoints.shape;
    if (this.config.contextFrame !== 'query' || ctx.images.shape[1] === 0) return perView(this.latent.onGrid(ctx.rC), q);
    const { context } = toQueryFrame(perView(ctx.viewpoints, q), tf.reshape(viewpoints, [b * q, vs]) as tf.Tensor2D);
    return this.latent.onGrid(this.represent(perView(ctx.images, q), context));
  }

  /** A scene latent z per scene from the prior given the context's r_C; eps from `noise` (zeros: the prior's means). */
  drawScene(rC: tf.Tensor4D, eps: tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => this.latent.generate(rC, eps));
  }

  /**
   * Every latent z [N, ...] rendered at its scene's Q cameras [B, Q, 7] (as the data gives them)
   * given that scene's context: [N, Q, S, S, C]. B is N (a latent per scene), or 1: then the one
   * scene's context and cameras serve all N latents (the viewer's samples), and the path's r is
   * built once for them.
   */
  renderViews(z: tf.Tensor4D, ctx: SceneContext, viewpoints: tf.Tensor3D): tf.Tensor5D {
    return tf.tidy(() => {
      const n = z.shape[0];
      const [b, q, vs] = viewpoints.shape;
      if (b !== n && b !== 1) throw new Error(`renderViews: ${n} latents for the cameras of ${b} scenes`);
      // Rows [b * q] of the scenes' views, repeated for every latent of one scene.
      const forLatents = <T extends tf.Tensor>(x: T): T => (b === n ? x : tf.tile(x, [n, ...x.shape.slice(1).map(() => 1)]) as T);
      const r = this.pathR(ctx, viewpoints);
      const zPerView = perView(z, q);
      const code = r == null ? zPerView : tf.concat([zPerView, forLatents(r)], 3);
      const v = tf.reshape(this.inFrame(ctx.viewpoints, viewpoints), [b * q, vs]) as tf.Tensor2D;
      const s = this.config.imageSize;
      return tf.reshape(this.renderer.render(code, forLatents(v)), [n, q, s, s, this.config.imageChannels]) as tf.Tensor5D;
    });
  }

  /** -ELBO of the T targets of each scene with observation noise sigma; eps from `noise`. */
  elbo(batch: JumpBatch, sigma: number, eps: tf.Tensor4D[]): JumpElbo {
    return tf.tidy(() => {
      const ctx = this.context(batch.contextImages, batch.contextViewpoints);
      const rCT = tf.add(ctx.rC, this.represent(batch.targetImages, this.inFrame(batch.contextViewpoints, batch.targetViewpoints))) as tf.Tensor4D;
      const { z, kl } = this.latent.infer(ctx.rC, rCT, eps);
      const mean = this.renderViews(z, ctx, batch.targetViewpoints);
      const [b, t, s, , ch] = batch.targetImages.shape;
      const flat = (x: tf.Tensor5D) => tf.reshape(x, [b * t, s, s, ch]) as tf.Tensor4D;
      const nll = tf.sum(tf.reshape(gaussianNll(flat(batch.targetImages), flat(mean), sigma), [b, t]), 1) as tf.Tensor1D;
      const loss = tf.mean(tf.add(nll, kl)) as tf.Scalar;
      return { loss, nll, kl, mean };
    });
  }

  /**
   * Views [B, Q, S, S, C] at Q cameras per scene [B, Q, 7], per draw: ONE z per scene and draw,
   * shared by its Q views (what the consistency test and the viewer ask). 'mean': every z_l at
   * its prior's mean.
   */
  predictViews(contextImages: tf.Tensor5D, contextViewpoints: tf.Tensor3D, queryViewpoints: tf.Tensor3D, draws: readonly Draw[]): tf.Tensor5D[] {
    return tf.tidy(() => {
      const ctx = this.context(contextImages, contextViewpoints);
      const b = contextImages.shape[0];
      return draws.map((d) => this.renderViews(this.drawScene(ctx.rC, d === 'mean' ? this.meanNoise(b) : this.noise(b, d)), ctx, queryViewpoints));
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

  /** The negative ELBO with sigma (and the KL's training weight, if set) annealed by the run's schedules (objective.ts). */
  objective(settings: JumpObjectiveSettings): JumpObjective {
    validateKlWeight(settings.klWeight);
    const klWeight = settings.klWeight;
    return new JumpObjective(this, (step) => linearAt(settings.sigma, step), klWeight ? (step) => linearAt(klWeight, step) : undefined);
  }

  dispose(): void {
    this.store.dispose();
  }
}
