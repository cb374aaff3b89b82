/**
 * The VAEs' data: the `mnist` package's digits (its src/digits/<d>.json, 863 to 1127 per class,
 * 10,000 in all, grey levels in [0, 1]), split by position: the last TEST_PER_CLASS digits of
 * every class are the test set (1,000 digits), the rest the training set (9,000). The split
 * depends on nothing but the package's files, so every run and every `gqn eval` sees the same
 * held-out digits. Training batches are drawn without replacement from a permutation per epoch
 * (seeded by the run's seed and the epoch), so a ReaderState restarts the same sequence.
 * Node-side (the package's JSON files).
 */
import * as tf from '@tensorflow/tfjs-core';

import { MNIST_PIXELS, mnistClass } from '../../scenes/mnist-node.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import type { BatchStream, KindData, ReaderState, StreamOptions } from '../model.js';
import type { VaeConfig } from './config.js';
import type { DigitBatch } from './vae.js';

export const CLASSES = 10;
/** Held-out digits per class: the last ones of each class file. */
export const TEST_PER_CLASS = 100;

export type DigitSplit = 'train' | 'test';

/** One split: `count` images of 784 grey levels each, row-major, and their labels, class by class. */
export interface DigitSet {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

const cache = new Map<DigitSplit, DigitSet>();

/** The split's digits (read once per process). */
export function loadDigits(split: DigitSplit): DigitSet {
  const hit = cache.get(split);
  if (hit) return hit;
  const parts: { raw: number[]; from: number; to: number; label: number }[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const raw = mnistClass(d);
    const n = raw.length / MNIST_PIXELS;
    parts.push(split === 'test' ? { raw, from: n - TEST_PER_CLASS, to: n, label: d } : { raw, from: 0, to: n - TEST_PER_CLASS, label: d });
  }
  const count = parts.reduce((s, p) => s + p.to - p.from, 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let i = 0;
  for (const p of parts) {
    images.set(p.raw.slice(p.from * MNIST_PIXELS, p.to * MNIST_PIXELS), i * MNIST_PIXELS);
    labels.fill(p.label, i, i + p.to - p.from);
    i += p.to - p.from;
  }
  const set = { images, labels, count };
  cache.set(split, set);
  return set;
}

/** Digits `indices` of `set` as a batch (tensors; the caller disposes them). */
export function digitBatch(set: DigitSet, indices: readonly number[]): DigitBatch {
  const x = new Float32Array(indices.length * MNIST_PIXELS);
  const y = new Float32Array(indices.length * CLASSES);
  indices.forEach((k, i) => {
    x.set(set.images.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    y[i * CLASSES + set.labels[k]] = 1;
  });
  return { x: tf.tensor2d(x, [indices.length, MNIST_PIXELS]), y: tf.tensor2d(y, [indices.length, CLASSES]) };
}

/** Epoch `epoch`'s order of the training digits: a Fisher-Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const rng = new Rng(deriveSeed(seed, 'digits', epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The training digits in batches, forever (a batch that crosses an epoch's end continues into the next). */
export function openDigitBatches(o: StreamOptions): BatchStream<DigitBatch> {
  const set = loadDigits('train');
  // A resumed stream keeps the seed it was saved with, as the scene reader does.
  let state: ReaderState = o.resume ? { ...o.resume } : { seed: o.seed, epoch: 0, position: 0, batch: 0 };
  if (state.position > set.count) throw new Error(`reader.position: ${state.position} is past the ${set.count} training digits; the checkpoint was not made by this version's digit split`);
  let order = epochOrder(set.count, state.seed, state.epoch);
  return {
    skipped: [],
    async next() {
      const indices: number[] = [];
      let { epoch, position } = state;
      while (indices.length < o.batch) {
        if (position === set.count) {
          epoch += 1;
          position = 0;
          order = epochOrder(set.count, state.seed, epoch);
        }
        indices.push(order[position++]);
      }
      state = { seed: state.seed, epoch, position, batch: state.batch + 1 };
      return digitBatch(set, indices);
    },
    state: () => state,
    dispose: (b) => tf.dispose([b.x, b.y]),
    close: async () => undefined,
  };
}

export const DIGIT_DATA: KindData<VaeConfig, object, DigitBatch> = {
  description: "the mnist package's digits (9,000 for training, the last 100 of each class held out)",
  check: async () => null,
  open: (_model, _train, o) => openDigitBatches(o),
};
