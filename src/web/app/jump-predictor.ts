/**
 * The viewer's predictor for JUMP (src/models/jump/): on every new context it draws the scene
 * latents once (one for the prediction, `samples` more for the sample strip) and keeps them, so
 * that orbiting the camera renders the SAME sampled scene from every viewpoint. That is JUMP's
 * point: a face the context never showed keeps the digit it was imagined with while the camera
 * moves (the GQN's predictor can only fix its noise, and its views of one draw need not agree).
 *
 * - prediction: the held prior latent rendered at the camera;
 * - samples: the held sample latents rendered at the camera;
 * - surprise: KL[q(z | r_C, r_C + f(x, v)) || pi(z | r_C)] of the true view, in nats: how far
 *   seeing it would move the model's belief about the scene.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { JUMP } from '../../models/jump/jump.js';
import { deriveSeed } from '../../random/rng.js';
import { concatViews, readAndDispose, type ScenePredictor } from './predictor.js';

export class JumpPredictor implements ScenePredictor {
  private rC: tf.Tensor4D;
  /** The context's viewpoints [1, M, 7]: the frame the cameras are turned into (config.contextFrame). */
  private contextV: tf.Tensor3D;
  private zPrior: tf.Tensor4D;
  private zSamples: tf.Tensor4D;
  private readonly priorNoise: tf.Tensor4D[];
  private readonly samplesNoise: tf.Tensor4D[];
  private readonly posteriorNoise: tf.Tensor4D[];

  constructor(private readonly model: JUMP, readonly samples: number, seed: number) {
    this.priorNoise = model.noise(1, deriveSeed(seed, 'viewer-prior'));
    this.samplesNoise = model.noise(samples, deriveSeed(seed, 'viewer-samples'));
    this.posteriorNoise = model.noise(1, deriveSeed(seed, 'viewer-posterior'));
    const s = model.config.imageSize;
    this.contextV = tf.zeros([1, 0, 7]);
    [this.rC, this.zPrior, this.zSamples] = this.draw(tf.zeros([1, 0, s, s, 3]), this.contextV);
  }

  get imageSize(): number {
    return this.model.config.imageSize;
  }

  /** r_C of the views and the held latents drawn from it (disposes the images). */
  private draw(images: tf.Tensor5D, viewpoints: tf.Tensor3D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const out = tf.tidy(() => {
      const rC = this.model.represent(images, this.model.inFrame(viewpoints, viewpoints));
      const zPrior = this.model.drawScene(rC, this.priorNoise);
      const zSamples = this.model.drawScene(tf.tile(rC, [this.samples, 1, 1, 1]) as tf.Tensor4D, this.samplesNoise);
      return [rC, zPrior, zSamples] as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    });
    images.dispose();
    return out;
  }

  /** A new context: new held latents (none: the model's unconditional scene). */
  setContext(images: Float32Array[], viewpoints: Float32Array[]): void {
    const s = this.imageSize;
    const m = images.length;
    tf.dispose([this.rC, this.zPrior, this.zSamples, this.contextV]);
    this.contextV = tf.tensor3d(concatViews(viewpoints), [1, m, 7]);
    [this.rC, this.zPrior, this.zSamples] = this.draw(tf.tensor5d(concatViews(images), [1, m, s, s, 3]), this.contextV);
  }

  /** A camera [7] as the renderer sees it, repeated n times: [n, 7]. */
  private camera(viewpoint: Float32Array, n: number): tf.Tensor2D {
    const v = this.model.inFrame(this.contextV, tf.tensor3d(viewpoint, [1, 1, 7]));
    return tf.tile(tf.reshape(v, [1, 7]), [n, 1]) as tf.Tensor2D;
  }

  async predict(viewpoint: Float32Array): Promise<Float32Array> {
    return readAndDispose(tf.tidy(() => this.model.renderer.render(this.zPrior, this.camera(viewpoint, 1))));
  }

  async sample(viewpoint: Float32Array): Promise<Float32Array[]> {
    const n = this.samples;
    const all = await readAndDispose(tf.tidy(() => this.model.renderer.render(this.zSamples, this.camera(viewpoint, n))));
    const d = all.length / n;
    return Array.from({ length: n }, (_, i) => all.slice(i * d, (i + 1) * d));
  }

  async surprise(viewpoint: Float32Array, truth: Float32Array): Promise<number> {
    const s = this.imageSize;
    const kl = tf.tidy(() => {
      const rT = this.model.represent(tf.tensor5d(truth, [1, 1, s, s, 3]), this.model.inFrame(this.contextV, tf.tensor3d(viewpoint, [1, 1, 7])));
      return this.model.latent.infer(this.rC, tf.add(this.rC, rT) as tf.Tensor4D, this.posteriorNoise).kl;
    });
    return (await readAndDispose(kl))[0];
  }

  dispose(): void {
    tf.dispose([this.rC, this.zPrior, this.zSamples, this.contextV, ...this.priorNoise, ...this.samplesNoise, ...this.posteriorNoise]);
  }
}
