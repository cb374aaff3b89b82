/**
 * What the viewer asks of the model for one scene: r from the chosen context views, then per
 * query camera a prediction, more prior samples, and the Bayesian surprise of the true view.
 *
 * - prediction: one draw of z from the prior, decoded to the observation mean (what `gqn render`
 *   shows as a prior sample). The noise is fixed per seed, so orbiting the camera changes the
 *   image only through the camera: the model's imagination stays the same draw.
 * - samples: `samples` more such draws with other fixed noise, in one batch.
 * - surprise: KL[q(z | x_q, v_q, r) || pi(z | v_q, r)] summed over the L steps, in nats: how far
 *   the true image would move the model's belief about this view (the ELBO's KL term).
 * A model whose r depends on the query camera (config.contextFrame 'query') builds r per camera
 * from the kept context views; otherwise r is made once per context.
 * Tensors stay on the backend; results come back with `data()` so the page never blocks on a
 * synchronous GPU read.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Conditioning, GQN } from '../../models/gqn/gqn.js';
import { deriveSeed } from '../../random/rng.js';

/** What the viewer asks of a scene model's predictor (the GQN's below; JUMP's in jump-predictor.ts). */
export interface ScenePredictor {
  readonly imageSize: number;
  readonly samples: number;
  setContext(images: Float32Array[], viewpoints: Float32Array[]): void;
  predict(viewpoint: Float32Array): Promise<Float32Array>;
  sample(viewpoint: Float32Array): Promise<Float32Array[]>;
  surprise(viewpoint: Float32Array, truth: Float32Array): Promise<number>;
  dispose(): void;
}

export class Predictor implements ScenePredictor {
  /** The context views [1, M, S, S, 3] and [1, M, 7] (kept for query-frame models). */
  private images: tf.Tensor5D;
  private viewpoints: tf.Tensor3D;
  private r: tf.Tensor4D;
  /** r tiled to the sample batch, made once per context rather than per camera move. */
  private rSamples: tf.Tensor4D;
  private readonly priorNoise: tf.Tensor4D[];
  private readonly samplesNoise: tf.Tensor4D[];
  private readonly posteriorNoise: tf.Tensor4D[];

  constructor(private readonly model: GQN, readonly samples: number, seed: number) {
    const s = model.config.imageSize;
    this.images = tf.zeros([1, 0, s, s, 3]);
    this.viewpoints = tf.zeros([1, 0, 7]);
    this.r = this.zeroR();
    this.rSamples = this.tileR();
    this.priorNoise = model.noise(1, deriveSeed(seed, 'viewer-prior'));
    this.samplesNoise = model.noise(samples, deriveSeed(seed, 'viewer-samples'));
    this.posteriorNoise = model.noise(1, deriveSeed(seed, 'viewer-posterior'));
  }

  get imageSize(): number {
    return this.model.config.imageSize;
  }

  private zeroR(): tf.Tensor4D {
    const side = this.model.representation.side;
    return tf.zeros([1, side, side, this.model.config.rChannels]);
  }

  private tileR(): tf.Tensor4D {
    return tf.tile(this.r, [this.samples, 1, 1, 1]);
  }

  /** r = sum of f(x, v) over the given views (none: r = 0, the model's unconditional guess). */
  setContext(images: Float32Array[], viewpoints: Float32Array[]): void {
    const s = this.imageSize;
    const m = images.length;
    tf.dispose([this.images, this.viewpoints, this.r, this.rSamples]);
    this.images = tf.tensor5d(concatViews(images), [1, m, s, s, 3]);
    this.viewpoints = tf.tensor3d(concatViews(viewpoints), [1, m, 7]);
    this.r = m === 0 || this.model.queryDependent ? this.zeroR() : tf.tidy(() => this.model.represent(this.images, this.viewpoints));
    this.rSamples = this.tileR();
  }

  /** r and v for `n` draws at one query viewpoint [7] (call inside tf.tidy). */
  private conditioning(viewpoint: Float32Array, n: number): Conditioning {
    const v = tf.tensor2d(viewpoint, [1, 7]);
    if (!this.model.queryDependent) return { r: n === 1 ? this.r : this.rSamples, v: tf.tile(v, [n, 1]) };
    const c = this.model.condition(this.images, this.viewpoints, v);
    return { r: tf.tile(c.r, [n, 1, 1, 1]), v: tf.tile(c.v, [n, 1]) };
  }

  /** The prediction for a query viewpoint [7]: an S*S*3 image in [0, 1]. */
  async predict(viewpoint: Float32Array): Promise<Float32Array> {
    const out = tf.tidy(() => {
      const { r, v } = this.conditioning(viewpoint, 1);
      return this.model.sample(v, r, this.priorNoise);
    });
    return readAndDispose(out);
  }

  /** `samples` further prior samples of the query view. */
  async sample(viewpoint: Float32Array): Promise<Float32Array[]> {
    const n = this.samples;
    const out = tf.tidy(() => {
      const { r, v } = this.conditioning(viewpoint, n);
      return this.model.sample(v, r, this.samplesNoise);
    });
    const all = await readAndDispose(out);
    const d = all.length / n;
    return Array.from({ length: n }, (_, i) => all.slice(i * d, (i + 1) * d));
  }

  /** KL[q || pi] of the true query image, summed over steps (nats). */
  async surprise(viewpoint: Float32Array, truth: Float32Array): Promise<number> {
    const s = this.imageSize;
    const kl = tf.tidy(() => {
      const { r, v } = this.conditioning(viewpoint, 1);
      return this.model.generator.infer(tf.tensor4d(truth, [1, s, s, 3]), v, r, this.posteriorNoise).kl;
    });
    return (await readAndDispose(kl))[0];
  }

  dispose(): void {
    tf.dispose([this.images, this.viewpoints, this.r, this.rSamples, ...this.priorNoise, ...this.samplesNoise, ...this.posteriorNoise]);
  }
}

/**
 * Times `predict` and then `surprise` (against `truth`) over the viewpoints, one after another
 * (the viewer's `bench` hook and bench/viewer-node-run.ts).
 */
export async function benchPredictor(predictor: ScenePredictor, viewpoints: Float32Array[], truth: Float32Array): Promise<{ predictionsPerSecond: number; surprisesPerSecond: number }> {
  let t = performance.now();
  for (const v of viewpoints) await predictor.predict(v);
  const predict = (performance.now() - t) / 1000;
  t = performance.now();
  for (const v of viewpoints) await predictor.surprise(v, truth);
  const surprise = (performance.now() - t) / 1000;
  return { predictionsPerSecond: viewpoints.length / predict, surprisesPerSecond: viewpoints.length / surprise };
}

/** The tensor's values, read without blocking, then the tensor disposed. */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** The views' arrays end to end. */
export function concatViews(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
