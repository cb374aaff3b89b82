/**
 * The digit classifier of the consistency test: which MNIST class is on the die face that a
 * mnist-dice view shows most squarely. A small CNN trained on the world's own rendered views
 * (dice-views.ts), so that it reads the digits as the models must draw them; it judges the
 * models' samples, it is not one of them.
 *
 *   conv 3x3 32, relu, conv 2x2/2 32, relu, conv 3x3 64, relu, conv 2x2/2 64, relu,
 *   linear (S/4)^2*64 -> 128, relu, linear 128 -> 10
 *
 * Shipped in classifiers/mnist-dice-faces/ (classifier.json and model.safetensors; not in
 * models/, whose folders are the viewer's runs), made by scripts/train-face-classifier.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

import { Conv2d } from '../models/layers/conv2d.js';
import { Linear } from '../models/layers/linear.js';
import { ParamStore } from '../models/layers/params.js';
import { Rng } from '../random/rng.js';
import { Adam } from '../train/adam.js';
import { loadWeights } from '../train/checkpoint.js';
import { labelledFaceViews } from './dice-views.js';

/** The shipped classifier's folder, as reports name it, and where it is in this checkout. */
export const FACE_CLASSIFIER_NAME = 'classifiers/mnist-dice-faces';
export const FACE_CLASSIFIER_DIR = fileURLToPath(new URL('../../classifiers/mnist-dice-faces', import.meta.url));

/** classifier.json: the input size and how the classifier was made and scored. */
export interface FaceClassifierInfo {
  imageSize: number;
  /** Seed, views and steps it was trained with, and its accuracy on held-out views. */
  training: { seed: number; views: number; steps: number; batch: number; spreadDegrees: number };
  heldOut: { views: number; accuracy: number };
}

export class FaceClassifier {
  readonly store: ParamStore;
  private readonly convs: { conv: Conv2d }[];
  private readonly hidden: Linear;
  private readonly out: Linear;

  constructor(readonly imageSize: number, seed: number) {
    if (!Number.isInteger(imageSize) || imageSize % 4 !== 0 || imageSize < 8) throw new Error(`face classifier: imageSize must be a multiple of 4 >= 8, got ${imageSize}`);
    this.store = new ParamStore(seed);
    const s = this.store;
    this.convs = [
      { conv: new Conv2d(s, 'conv1', 3, 32, 3) },
      { conv: new Conv2d(s, 'conv2', 32, 32, 2, { stride: 2, pad: 'valid' }) },
      { conv: new Conv2d(s, 'conv3', 32, 64, 3) },
      { conv: new Conv2d(s, 'conv4', 64, 64, 2, { stride: 2, pad: 'valid' }) },
    ];
    this.hidden = new Linear(s, 'hidden', (imageSize / 4) ** 2 * 64, 128);
    this.out = new Linear(s, 'out', 128, 10);
  }

  /** Class logits [N, 10] of views [N, S, S, 3] in [0, 1]. */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (const { conv } of this.convs) h = tf.relu(conv.apply(h));
      const flat = tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D;
      return this.out.apply(tf.relu(this.hidden.apply(flat)));
    });
  }

  /** Mean cross-entropy of `labels` [N] under the logits of x. */
  loss(x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const logp = tf.logSoftmax(this.logits(x));
      return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(labels, 10)), 1))) as tf.Scalar;
    });
  }

  /** The most likely class of each view of `images` (N*S*S*3 floats), in batches of 256. */
  classify(images: Float32Array): Int32Array {
    const s = this.imageSize;
    const d = s * s * 3;
    const n = images.length / d;
    if (!Number.isInteger(n)) throw new Error(`face classifier: ${images.length} floats are not whole ${s}x${s} RGB views`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i += 256) {
      const m = Math.min(256, n - i);
      const cls = tf.tidy(() => tf.argMax(this.logits(tf.tensor4d(images.subarray(i * d, (i + m) * d), [m, s, s, 3])), 1).dataSync());
      out.set(cls, i);
    }
    return out;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** The classifier in `dir` (default: the shipped one), or an error naming the file and how to make it. */
export async function loadFaceClassifier(dir = FACE_CLASSIFIER_DIR): Promise<{ classifier: FaceClassifier; info: FaceClassifierInfo }> {
  const infoPath = join(dir, 'classifier.json');
  const text = await readFile(infoPath, 'utf8').catch((e: unknown) => {
    throw new Error(`${infoPath}: no face classifier (make it with: npx tsx scripts/train-face-classifier.ts)`, { cause: e });
  });
  let info: FaceClassifierInfo;
  try {
    info = JSON.parse(text) as FaceClassifierInfo;
  } catch (e) {
    throw new Error(`${infoPath}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const classifier = new FaceClassifier(info.imageSize, 0);
  try {
    await loadWeights(join(dir, 'model.safetensors'), classifier.store);
  } catch (e) {
    classifier.dispose();
    throw e;
  }
  return { classifier, info };
}

export interface FaceTrainingOptions {
  imageSize: number;
  seed: number;
  /** Labelled training views (dice-views.ts, stream 'face-train'). */
  views: number;
  steps: number;
  batch: number;
  lr: number;
  /** Cameras within this many degrees of a face's head-on azimuth. */
  spreadDegrees: number;
  /** Held-out views scored at the end (stream 'face-test'). */
  heldOut: number;
  onProgress?: (step: number, loss: number) => void;
}

/**
 * Trains a classifier on freshly rendered views, with Adam at a constant rate, batches drawn
 * from the seed; returns it and its info (accuracy on held-out views of other scenes).
 */
export function trainFaceClassifier(o: FaceTrainingOptions): { classifier: FaceClassifier; info: FaceClassifierInfo } {
  const s = o.imageSize;
  const d = s * s * 3;
  const spread = (o.spreadDegrees * Math.PI) / 180;
  const train = labelledFaceViews(o.seed, 'face-train', o.views, s, spread);
  const classifier = new FaceClassifier(s, o.seed);
  const adam = new Adam();
  const variables = new Map([...classifier.store.params.values()].map((p) => [p.name, p.variable]));
  const rng = Rng.from(o.seed, 'face-batches');
  const images = new Float32Array(o.batch * d);
  const labels = new Int32Array(o.batch);
  try {
    for (let step = 1; step <= o.steps; step++) {
      for (let i = 0; i < o.batch; i++) {
        const k = rng.int(0, o.views - 1);
        images.set(train.images.subarray(k * d, (k + 1) * d), i * d);
        labels[i] = train.labels[k];
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor4d(images, [o.batch, s, s, 3]);
        const y = tf.tensor1d(labels, 'int32');
        const { value, grads } = tf.variableGrads(() => classifier.loss(x, y));
        adam.apply(variables, grads, o.lr);
        return value.dataSync()[0];
      });
      o.onProgress?.(step, loss);
    }
    const test = labelledFaceViews(o.seed, 'face-test', o.heldOut, s, spread);
    const predicted = classifier.classify(test.images);
    const correct = predicted.reduce((n, c, i) => n + (c === test.labels[i] ? 1 : 0), 0);
    const info: FaceClassifierInfo = {
      imageSize: s,
      training: { seed: o.seed, views: o.views, steps: o.steps, batch: o.batch, spreadDegrees: o.spreadDegrees },
      heldOut: { views: o.heldOut, accuracy: correct / o.heldOut },
    };
    return { classifier, info };
  } catch (e) {
    classifier.dispose();
    throw e;
  } finally {
    adam.dispose();
  }
}
