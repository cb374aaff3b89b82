/**
 * The `vae` and `cvae` entries of the model registry (src/models/registry.ts): both train on the
 * mnist package's digits (digits.ts; no --data, no flags of their own), `gqn eval` reports the
 * test -ELBO (src/eval/digit-eval.ts) and `gqn render` draws sample and traversal grids
 * (src/eval/digit-grids.ts).
 */
import { drawDigitGrid, type DigitGrid } from '../../eval/digit-grids.js';
import { evaluateDigits, formatDigitReport } from '../../eval/digit-eval.js';
import type { ModelKind, Preset } from '../model.js';
import { CVAE_PRESETS, VAE_PRESETS, validateVaeConfig, vaeParameterCount, type VaeConfig } from './config.js';
import { DIGIT_DATA } from './digits.js';
import { VAE, type DigitBatch } from './vae.js';

/** Float32 values a batch of `batch` digits keeps alive in a training step (activations and their gradients). */
function vaeBytes(c: VaeConfig, batch: number, copies: number): number {
  const d = c.imageSize * c.imageSize;
  return 4 * (copies * vaeParameterCount(c) + 2 * batch * (4 * d + 4 * c.hidden + 6 * c.zSize + 2 * c.classes));
}

function vaeKind<N extends 'vae' | 'cvae'>(name: N, classes: number, presets: Readonly<Record<string, Preset<VaeConfig>>>, description: string, grids: readonly DigitGrid[]) {
  return {
    name,
    description,
    presets,
    defaultPreset: 'cpu',
    metrics: [
      { key: 'elbo', label: '-ELBO', digits: 2 },
      { key: 'nll', label: 'NLL', digits: 2 },
      { key: 'kl', label: 'KL', digits: 2 },
    ],
    trainFlags: [],
    data: DIGIT_DATA,
    evaluation: {
      flags: ['--split'],
      required: [],
      memory: (config, o) => ({ bytes: vaeBytes(config, o.batch, 1), flag: `--batch ${o.batch}` }),
      async run(trained, o) {
        const report = await evaluateDigits(trained, { split: o.split, batch: o.batch, seed: o.seed, onProgress: o.onProgress });
        return { json: report, text: formatDigitReport(report) };
      },
    },
    render: {
      flags: classes > 0 ? ['--grid', '--samples', '--digit'] : ['--grid', '--samples'],
      required: [],
      memory: (config, o) => ({ bytes: vaeBytes(config, Math.max(10, o.samples) * o.samples, 1), flag: `--samples ${o.samples}` }),
      async run(trained, o) {
        const grid = (o.grid ?? grids[0]) as DigitGrid;
        if (!grids.includes(grid)) throw new Error(`--grid: a ${name} run draws ${grids.join(' or ')}, not ${grid}`);
        const digit = o.digit ?? 0;
        if (digit > 9) throw new Error(`--digit: expected a class 0..9, got ${digit}`);
        return drawDigitGrid(trained, { grid, samples: o.samples, digit, zoom: o.zoom, seed: o.seed });
      },
    },
    validate: (config) => validateVaeConfig(config, classes),
    create: (config, seed) => new VAE(validateVaeConfig(config, classes), seed),
    trainBytes: (config, batch) => vaeBytes(config, batch, 4),
  } satisfies ModelKind<VaeConfig, object, DigitBatch, VAE, N>;
}

export const VAE_KIND = vaeKind('vae', 0, VAE_PRESETS,
  'variational autoencoder (Kingma and Welling 2014) on MNIST digits: q(z | x), p(x | z), prior N(0, I), trained on the ELBO', ['samples', 'traversal']);

export const CVAE_KIND = vaeKind('cvae', 10, CVAE_PRESETS,
  'conditional VAE (Sohn et al. 2015) on MNIST digits and their classes y: q(z | x, y), p(x | z, y) and a learned prior p(z | y)', ['classes', 'traversal']);
