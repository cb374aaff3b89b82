/**
 * Node-only: MNIST digits straight from the `mnist` package (about 1000 per class), for a
 * larger digit pool than the one embedded in worlds/mnist-pool.ts. The renderer and the worlds
 * never import this file, so they stay browser-safe.
 */
import { createRequire } from 'node:module';
import type { DigitPool } from './worlds/mnist-digits.js';

const require = createRequire(import.meta.url);
const PIXELS = 28 * 28;

/** The raw intensities (0..1) of one class, as the package ships them: its digits in order, 28x28 row-major each. */
export function mnistClass(digit: number): number[] {
  return (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
}

/** Pixels of one digit. */
export const MNIST_PIXELS = PIXELS;

/** The first `perClass` images of each digit (0..255 greyscale, 28x28 row-major). */
export function loadMnistPool(perClass: number): DigitPool {
  const classes: Uint8Array[][] = [];
  for (let d = 0; d < 10; d++) {
    const raw = mnistClass(d);
    const available = Math.floor(raw.length / PIXELS);
    if (perClass > available) throw new Error(`mnist: only ${available} images of digit ${d}, asked for ${perClass}`);
    const images: Uint8Array[] = [];
    for (let i = 0; i < perClass; i++) {
      const img = new Uint8Array(PIXELS);
      for (let k = 0; k < PIXELS; k++) img[k] = Math.round(raw[i * PIXELS + k] * 255);
      images.push(img);
    }
    classes.push(images);
  }
  return { perClass, get: (digit, index) => Array.from(classes[digit][index]) };
}
