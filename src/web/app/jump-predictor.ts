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

import type { JUMP, SceneContext } from '../../models/jump/jump.js';
import { deriveSeed } from '../../random/rng.js';
import { concatViews, readAndDispose, type ScenePredictor } from './predictor.js';

export class JumpPredictor implements ScenePredictor {
  /** The context (one scene); it serves the prior latent and every sample latent alike. */
  private ctx: SceneContext;
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
    [this.ctx, this.zPrior, this.zSamples] = this.draw(tf.zeros([1, 0, s, s, 3]), tf.zeros([1, 0, 7]));
  }

  get imageSize(): number {
    return this.model.config.imageSize;
  }

  /** The context of the views, and the held latents drawn from it (keeps the tensors it is given). */
  private draw(images: tf.Tensor5D, viewpoints: tf.Tensor3D): [SceneContext, tf.Tensor4D, tf.Tensor4D] {
    const [rC, zPrior, zSamples] = tf.tidy(() => {
      const r = this.model.context(images, viewpoints).rC;
      return [r, this.model.drawScene(r, this.priorNoise), this.model.drawScene(tf.tile(r, [this.samples, 1, 1, 1]) as tf.Tensor4D, this.samplesNoise)];
    }) as tf.Tensor4D[];
    return [{ images, viewpoints, rC }, zPrior, zSamples];
  }

  private held(): tf.Tensor[] {
    return [this.zPrior, this.zSamples, ...Object.values(this.ctx)];
  }

  /** A new context: new held latents (none: the model's unconditional scene). */
  setContext(images: Float32Array[], viewpoints: Float32Array[]): void {
    const s = this.imageSize;
    const m = images.length;
    tf.dispose(this.held());
    [this.ctx, this.zPrior, this.zSamples] = this.draw(
      tf.tensor5d(concatViews(images), [1, m, s, s, 3]), tf.tensor3d(concatViews(viewpoints), [1, m, 7]));
  }

  /** The held latents `z` rendered at one camera [7] of the context's scene. */
  private render(z: tf.Tensor4D, viewpoint: Float32Array): tf.Tensor {
    return tf.tidy(() => this.model.renderViews(z, this.ctx, tf.tensor3d(viewpoint, [1, 1, 7])));
  }

  async predict(viewpoint: Float32Array): Promise<Float32Array> {
    return readAndDispose(this.render(this.zPrior, viewpoint));
  }

  async sample(viewpoint: Float32Array): Promise<Float32Array[]> {
    const n = this.samples;
    const all = await readAndDispose(this.render(this.zSamples, viewpoint));
    const d = all.length / n;
    return Array.from({ length: n }, (_, i) => all.slice(i * d, (i + 1) * d));
  }

  async surprise(viewpoint: Float32Array, truth: Float32Array): Promise<number> {
    const s = this.imageSize;
    const kl = tf.tidy(() => {
      const { rC, viewpoints } = this.ctx;
      const rT = this.model.represent(tf.tensor5d(truth, [1, 1, s, s, 3]), this.model.inFrame(viewpoints, tf.tensor3d(viewpoint, [1, 1, 7])));
      return this.model.latent.infer(rC, tf.add(rC, rT) as tf.Tensor4D, this.posteriorNoise).kl;
    });
    return (await readAndDispose(kl))[0];
  }

  dispose(): void {
    tf.dispose([...this.held(), ...this.priorNoise, ...this.samplesNoise, ...this.posteriorNoise]);
  }
}
