/**
 * Image completion on MNIST, the Neural Processes' second task (Garnelo et al. 2018a; Kim et al.
 * 2019): a digit is a function from pixel coordinates to grey level,
 *
 *   x = (2 row / 27 - 1, 2 column / 27 - 1) in [-1, 1]^2,   y = grey level in [0, 1]
 *
 * (the `mnist` package's values as they are, 0 = background, not centred: the log-likelihood does
 * not depend on a shift, and the grids then show y directly). The digits are the VAE kinds' split
 * (src/models/vae/digits.ts): training batches come from the 9,000 training digits only; the
 * 1,000 held-out digits are the evaluation's test set (mnist-test-set.ts).
 *
 * A batch draws C contexts and C + T targets (the targets include the contexts, their first C
 * points, as in the GP task), the pixels of each digit in a random order of its own. Targets are
 * the context plus T ~ U{3..199} more pixels, not all 784: a step then costs about a quarter of a
 * whole-image step (the ANP's self-attention over the targets of the posterior grows with T^2),
 * and the targets are still a uniform sample of the image. Everything is drawn from a stream seeded
 * by the run's seed and the batch index, so a resumed run sees the batches the uninterrupted one
 * would have (digits are drawn with replacement, so there is no epoch to keep).
 */
import { loadDigits, type DigitSet } from '../models/vae/digits.js';
import type { PointArrays } from '../models/np/point-batch.js';
import { deriveSeed, Rng } from '../random/rng.js';
import type { IntRange } from './gp-regression.js';

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface MnistTaskSettings {
  /** Context pixels per batch, C ~ U{lo, ..., hi - 1}. */
  contexts: IntRange;
  /** Target pixels besides the contexts per batch, T ~ U{lo, ..., hi - 1}; C + T <= 784. */
  extraTargets: IntRange;
}

/** The ANP paper's image ranges: C ~ U{3..199}, and as many more targets again at most. */
export const MNIST_COMPLETION: MnistTaskSettings = { contexts: [3, 200], extraTargets: [3, 200] };

/** Checks task settings (config.json's train.task); messages name the field. Returns them. */
export function validateMnistSettings(s: MnistTaskSettings, field = 'task'): MnistTaskSettings {
  if (s == null || typeof s !== 'object') throw new Error(`${field}: expected an object of mnist settings, got ${JSON.stringify(s)}`);
  for (const key of ['contexts', 'extraTargets'] as const) {
    const r = s[key];
    const min = key === 'contexts' ? 1 : 0;
    if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isInteger) || r[0] < min || r[1] <= r[0] || r[1] > IMAGE_PIXELS + 1) {
      throw new Error(`${field}.${key}: expected integers [lo, hi) with ${min} <= lo < hi <= ${IMAGE_PIXELS + 1}, got ${JSON.stringify(r)}`);
    }
  }
  if (s.contexts[1] - 1 + s.extraTargets[1] - 1 > IMAGE_PIXELS) {
    throw new Error(`${field}.extraTargets: contexts and extra targets may reach ${s.contexts[1] - 1} + ${s.extraTargets[1] - 1} pixels, an image has ${IMAGE_PIXELS}`);
  }
  return s;
}

/** The coordinates of pixel p (row-major) in [-1, 1]^2: (row, column). */
export function pixelX(p: number): [number, number] {
  const scale = 2 / (IMAGE_SIDE - 1);
  return [Math.floor(p / IMAGE_SIDE) * scale - 1, (p % IMAGE_SIDE) * scale - 1];
}

/** The first `n` pixels of a uniformly random order of the 784 (a partial Fisher-Yates shuffle). */
export function pixelOrder(rng: Rng, n = IMAGE_PIXELS): Uint16Array {
  const order = Uint16Array.from({ length: IMAGE_PIXELS }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = rng.int(i, IMAGE_PIXELS - 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order.subarray(0, n);
}

/** Digit `digit` of `set` at pixels `pixels`, written into x [n, 2] and y [n, 1] at point `at`. */
export function writePixels(set: DigitSet, digit: number, pixels: ArrayLike<number>, x: Float32Array, y: Float32Array, at: number): void {
  const image = set.images.subarray(digit * IMAGE_PIXELS, (digit + 1) * IMAGE_PIXELS);
  for (let i = 0; i < pixels.length; i++) {
    const [r, c] = pixelX(pixels[i]);
    x[2 * (at + i)] = r;
    x[2 * (at + i) + 1] = c;
    y[at + i] = image[pixels[i]];
  }
}

/** Integer uniform on [lo, hi). */
function drawCount(r: IntRange, rng: Rng): number {
  return rng.int(r[0], r[1] - 1);
}

/**
 * The training batch `index` of a run seeded `seed`: `batch` training digits (drawn with
 * replacement), C contexts and C + T targets each. Also returns which digits it drew (tests).
 */
export function mnistTrainingBatch(s: MnistTaskSettings, batch: number, seed: number, index: number): PointArrays & { digits: number[] } {
  const set = loadDigits('train');
  const rng = new Rng(deriveSeed(seed, 'mnist-batch', index));
  const contexts = drawCount(s.contexts, rng);
  const targets = contexts + drawCount(s.extraTargets, rng);
  const targetX = new Float32Array(batch * targets * 2);
  const targetY = new Float32Array(batch * targets);
  const contextX = new Float32Array(batch * contexts * 2);
  const contextY = new Float32Array(batch * contexts);
  const digits: number[] = [];
  for (let b = 0; b < batch; b++) {
    const digit = rng.int(0, set.count - 1);
    digits.push(digit);
    const pixels = pixelOrder(rng, targets);
    writePixels(set, digit, pixels, targetX, targetY, b * targets);
    // The first C targets are the context.
    contextX.set(targetX.subarray(2 * b * targets, 2 * (b * targets + contexts)), 2 * b * contexts);
    contextY.set(targetY.subarray(b * targets, b * targets + contexts), b * contexts);
  }
  return { batch, contexts, targets, xSize: 2, ySize: 1, contextX, contextY, targetX, targetY, digits };
}
