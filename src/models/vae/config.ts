/**
 * VAE and CVAE configuration and presets, as plain data (config.json's `model`). Both are
 * multilayer perceptrons on 28x28 MNIST digits with one hidden layer on each side, as in Kingma
 * and Welling (2014); the CVAE (Sohn et al. 2015) also sees the digit's class.
 */
import type { Preset } from '../model.js';

export interface VaeConfig {
  /** Square image side (28: the mnist package's digits). */
  imageSize: number;
  /** Units of the encoder's and the decoder's hidden layer. */
  hidden: number;
  /** Dimensions of the latent z. */
  zSize: number;
  /** Classes the model is conditioned on: 0 for a VAE, 10 for a CVAE on the digit labels. */
  classes: number;
}

/** Upper bounds far above any useful model, so that a typo is refused by name. */
export const VAE_MAX = { imageSize: 256, hidden: 8192, zSize: 1024 } as const;

/** Checks a configuration; every message names the field. `classes`: what the kind requires (0 or 10). */
export function validateVaeConfig(c: VaeConfig, classes: number): VaeConfig {
  if (c == null || typeof c !== 'object') throw new Error(`config: expected an object of model fields, got ${JSON.stringify(c)}`);
  for (const k of Object.keys(VAE_MAX) as (keyof typeof VAE_MAX)[]) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 1 || v > VAE_MAX[k]) throw new Error(`config.${k}: expected an integer in 1..${VAE_MAX[k]}, got ${JSON.stringify(v)}`);
  }
  if (c.imageSize !== 28) throw new Error(`config.imageSize: the mnist package's digits are 28x28; got ${c.imageSize}`);
  if (c.classes !== classes) throw new Error(`config.classes: expected ${classes} (${classes === 0 ? 'a VAE sees no label' : 'a CVAE is conditioned on the 10 digit classes'}), got ${JSON.stringify(c.classes)}`);
  return c;
}

/** Parameters: encoder [x, y] -> hidden -> (mean, log-variance); decoder [z, y] -> hidden -> logits; the CVAE's prior y -> (mean, log-variance). */
export function vaeParameterCount(c: VaeConfig): number {
  const d = c.imageSize * c.imageSize;
  const linear = (i: number, o: number) => i * o + o;
  const prior = c.classes > 0 ? 2 * linear(c.classes, c.zSize) : 0;
  return linear(d + c.classes, c.hidden) + 2 * linear(c.hidden, c.zSize) + linear(c.zSize + c.classes, c.hidden) + linear(c.hidden, d) + prior;
}

/**
 * Presets (model and training defaults), one table per kind. `test`: a few seconds, for CI.
 * `cpu`: 400 hidden units and 20 latent dimensions (the PyTorch VAE example's sizes), batch 100,
 * Adam at 1e-3: a few CPU minutes reach the sample quality docs/models.md shows. `z2`: a
 * two-dimensional latent whose whole plane a traversal grid can show.
 */
export const VAE_PRESETS: Readonly<Record<string, Preset<VaeConfig>>> = {
  test: { model: { imageSize: 28, hidden: 32, zSize: 2, classes: 0 }, train: { batch: 16, steps: 20, lr: { start: 1e-3, end: 1e-3, steps: 1 } } },
  cpu: { model: { imageSize: 28, hidden: 400, zSize: 20, classes: 0 }, train: { batch: 100, steps: 20000, lr: { start: 1e-3, end: 1e-4, steps: 20000 } } },
  z2: { model: { imageSize: 28, hidden: 400, zSize: 2, classes: 0 }, train: { batch: 100, steps: 20000, lr: { start: 1e-3, end: 1e-4, steps: 20000 } } },
};

export const CVAE_PRESETS: Readonly<Record<string, Preset<VaeConfig>>> = Object.fromEntries(
  Object.entries(VAE_PRESETS).map(([name, p]) => [name, { model: { ...p.model, classes: 10 }, train: p.train }]),
);
