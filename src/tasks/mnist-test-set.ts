/**
 * The fixed evaluation data of the mnist task: the 1,000 held-out digits (the last 100 of each
 * class, src/models/vae/digits.ts), each with its own order of the 784 pixels drawn from a fixed
 * seed. A context of size C is the first C pixels of that order, so the contexts are nested and
 * the same for every run; the targets are all 784 pixels (the context's included), in row-major
 * order so that a prediction reads back as an image.
 */
import { loadDigits } from '../models/vae/digits.js';
import type { PointArrays } from '../models/np/point-batch.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { IMAGE_PIXELS, pixelOrder, writePixels } from './mnist-completion.js';

/** The context orders' seed: fixed, so that every run of the task is scored on the same pixels. */
export const MNIST_TEST_SEED = 20190102;

/** Test digit `digit`'s order of its pixels; a context of size C is its first C. */
export function testPixelOrder(digit: number, seed = MNIST_TEST_SEED): Uint16Array {
  return pixelOrder(new Rng(deriveSeed(seed, 'mnist-test', digit)), IMAGE_PIXELS);
}

const ALL_PIXELS = Uint16Array.from({ length: IMAGE_PIXELS }, (_, i) => i);

/**
 * Test digits `digits` with `contexts` context pixels each and all 784 as targets. `seed` picks
 * the pixel orders (the evaluation's is MNIST_TEST_SEED; a render may show others).
 */
export function mnistTestBatch(digits: readonly number[], contexts: number, seed = MNIST_TEST_SEED): PointArrays {
  if (!Number.isInteger(contexts) || contexts < 1 || contexts > IMAGE_PIXELS) throw new Error(`--contexts: expected 1..${IMAGE_PIXELS} pixels, got ${contexts}`);
  const set = loadDigits('test');
  const batch = digits.length;
  const targets = IMAGE_PIXELS;
  const contextX = new Float32Array(batch * contexts * 2);
  const contextY = new Float32Array(batch * contexts);
  const targetX = new Float32Array(batch * targets * 2);
  const targetY = new Float32Array(batch * targets);
  digits.forEach((d, b) => {
    if (!Number.isInteger(d) || d < 0 || d >= set.count) throw new Error(`mnistTestBatch: test digit ${d} is not in 0..${set.count - 1}`);
    writePixels(set, d, testPixelOrder(d, seed).subarray(0, contexts), contextX, contextY, b * contexts);
    writePixels(set, d, ALL_PIXELS, targetX, targetY, b * targets);
  });
  return { batch, contexts, targets, xSize: 2, ySize: 1, contextX, contextY, targetX, targetY };
}
