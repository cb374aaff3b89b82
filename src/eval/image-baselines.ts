/**
 * What the mnist task's scores mean without a model: two predictions that need no training,
 * scored as a model's are (a Gaussian per pixel, log-likelihood per pixel over all 784, sigma at
 * least the decoders' floor, SIGMA_FLOOR):
 *
 * - marginal: each pixel's mean and standard deviation over the 9,000 training digits, whatever
 *   the context shows. A model that has not learned to read its context can at best match it.
 * - copy: the context pixels' own values at the floor's sigma, and the marginal elsewhere: what
 *   reading the context exactly and guessing nothing about the rest scores. At C = 784 it is the
 *   most any decoder with that floor can score, -log(0.1 sqrt(2 pi)) = 1.38 nats per pixel.
 *
 * A model that does not beat the copy baseline at a context size has learned nothing about how a
 * digit's pixels go together beyond what each pixel does alone.
 */
import { normalLogDensity, SIGMA_FLOOR } from '../models/np/normal.js';
import { loadDigits } from '../models/vae/digits.js';
import { IMAGE_PIXELS } from '../tasks/mnist-completion.js';
import { MNIST_TEST_SEED, testPixelOrder } from '../tasks/mnist-test-set.js';

export interface PixelMarginals {
  mean: Float64Array;
  sigma: Float64Array;
}

let marginals: PixelMarginals | null = null;

/** Each pixel's mean and standard deviation (at least SIGMA_FLOOR) over the training digits; computed once per process. */
export function pixelMarginals(): PixelMarginals {
  if (marginals) return marginals;
  const set = loadDigits('train');
  const sum = new Float64Array(IMAGE_PIXELS);
  const sumSq = new Float64Array(IMAGE_PIXELS);
  for (let d = 0; d < set.count; d++) {
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const y = set.images[d * IMAGE_PIXELS + p];
      sum[p] += y;
      sumSq[p] += y * y;
    }
  }
  const mean = sum.map((s) => s / set.count);
  const sigma = sumSq.map((s, p) => Math.max(SIGMA_FLOOR, Math.sqrt(Math.max(0, s / set.count - mean[p] * mean[p]))));
  marginals = { mean, sigma };
  return marginals;
}

/**
 * The baselines' log-likelihood per pixel of held-out digit `digit` (all 784 pixels) with its
 * first `contexts` pixels of the test order given, as `gqn eval` scores a model's.
 */
export function baselineLogLikelihoods(digit: number, contexts: number, seed = MNIST_TEST_SEED): { marginal: number; copy: number } {
  const image = loadDigits('test').images.subarray(digit * IMAGE_PIXELS, (digit + 1) * IMAGE_PIXELS);
  const { mean, sigma } = pixelMarginals();
  const given = new Uint8Array(IMAGE_PIXELS);
  for (const p of testPixelOrder(digit, seed).subarray(0, contexts)) given[p] = 1;
  let marginal = 0;
  let copy = 0;
  for (let p = 0; p < IMAGE_PIXELS; p++) {
    const m = normalLogDensity(image[p], mean[p], sigma[p]);
    marginal += m;
    copy += given[p] ? normalLogDensity(image[p], image[p], SIGMA_FLOOR) : m;
  }
  return { marginal: marginal / IMAGE_PIXELS, copy: copy / IMAGE_PIXELS };
}
