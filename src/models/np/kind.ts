/**
 * The `cnp`, `np` and `anp` entries of the model registry (src/models/registry.ts): one model
 * class (neural-process.ts) whose configuration says which member it is, trained on batches of
 * functions that the run's task draws (task.ts), evaluated by the log-likelihood of held-out points
 * on a fixed test set and drawn as predictions against the truth: GP regression in
 * src/eval/function-eval.ts and function-plot.ts, MNIST image completion in image-eval.ts and
 * image-completion-grid.ts. A model's xSize says which task's memory estimate applies (2: pixels).
 */
import { evaluateFunctions, formatFunctionReport } from '../../eval/function-eval.js';
import { drawFunctionPlot } from '../../eval/function-plot.js';
import { drawImageCompletion, RENDER_CONTEXTS } from '../../eval/image-completion-grid.js';
import { evaluateImages, formatImageReport } from '../../eval/image-eval.js';
import { GP_GRID_POINTS, GP_TEST_CONTEXT_POOL, GP_TEST_TARGETS } from '../../tasks/gp-test-set.js';
import { IMAGE_PIXELS } from '../../tasks/mnist-completion.js';
import type { ModelKind } from '../model.js';
import { npPresets, validateNpConfig, type NpConfig, type NpKindName } from './config.js';
import { npTrainBytes } from './memory.js';
import { NeuralProcess } from './neural-process.js';
import type { PointBatch } from './point-batch.js';
import { NP_DATA, type NpTrainSettings } from './task.js';

const DESCRIPTIONS: Record<NpKindName, string> = {
  cnp: 'Conditional Neural Process (Garnelo et al. 2018a): mean-aggregated context representation, decoder p(y | x, r), trained on the targets\' log-likelihood',
  np: 'Neural Process (Garnelo et al. 2018b): global latent z from q(z | context) plus the mean-aggregated path, trained on the ELBO',
  anp: 'Attentive Neural Process (Kim et al. 2019): the NP with multi-head cross-attention on the deterministic path and self-attention in the encoders',
};

/** Bytes of one forward pass on `batch` functions of `points` points (no gradients), a rough upper bound. */
function forwardBytes(c: NpConfig, batch: number, points: number): number {
  return 4 * batch * points * c.hidden * (2 * c.encoderLayers + c.decoderLayers + 8 * c.selfAttention + 8) + 4 * batch * c.heads * points * points * (2 * c.selfAttention + 1);
}

/**
 * The np kind's choice of paths: 'none' is Garnelo et al. 2018b's NP, whose decoder sees the
 * context only through z, so that z must carry it (with the mean path beside it, z can go unused).
 */
const DETERMINISTIC_PATH_FLAG = {
  flag: '--deterministic-path', value: { choices: ['none', 'mean'] }, placeholder: '<path>', field: 'model.deterministicPath',
  description: "'none': the latent-only NP of Garnelo et al. 2018b, the context reaching the decoder only through z; 'mean': z plus the mean-aggregated path (default: the preset's)",
} as const;

function npKind<N extends NpKindName>(name: N) {
  return {
    name,
    description: DESCRIPTIONS[name],
    presets: npPresets(name),
    defaultPreset: 'gp-cpu',
    metrics: name === 'cnp'
      ? [{ key: 'nll', label: 'NLL/point', digits: 3 }]
      : [{ key: 'elbo', label: '-ELBO/point', digits: 3 }, { key: 'nll', label: 'NLL/point', digits: 3 }, { key: 'kl', label: 'KL', digits: 3 }],
    trainFlags: name === 'np' ? [DETERMINISTIC_PATH_FLAG] : [],
    data: NP_DATA,
    evaluation: {
      flags: ['--contexts', '--digits'],
      required: [],
      memory: (config, o) => ({
        bytes: config.xSize === 2 ? forwardBytes(config, o.batch, 2 * IMAGE_PIXELS) * 2 : forwardBytes(config, o.batch, GP_TEST_CONTEXT_POOL + GP_TEST_TARGETS) * 2,
        flag: `--batch ${o.batch}`,
      }),
      async run(trained, o) {
        if (trained.config.train.task.name === 'mnist') {
          const report = await evaluateImages(trained, o);
          return { json: report, text: formatImageReport(report) };
        }
        const report = await evaluateFunctions(trained, o);
        return { json: report, text: formatFunctionReport(report) };
      },
    },
    render: {
      flags: ['--scenes', '--context', '--samples'],
      required: [],
      memory: (config, o) => ({
        bytes: forwardBytes(config, o.scenes, config.xSize === 2 ? IMAGE_PIXELS + Math.max(...RENDER_CONTEXTS) : GP_GRID_POINTS) * (o.samples + 1),
        flag: `--scenes ${o.scenes}`,
      }),
      run: (trained, o) => (trained.config.train.task.name === 'mnist' ? drawImageCompletion(trained, o) : drawFunctionPlot(trained, o)),
    },
    validate: (config) => validateNpConfig(name, config),
    create: (config, seed) => new NeuralProcess(name, config, seed),
    trainBytes: npTrainBytes,
  } satisfies ModelKind<NpConfig, NpTrainSettings, PointBatch, NeuralProcess, N>;
}

export const CNP_KIND = npKind('cnp');
export const NP_KIND = npKind('np');
export const ANP_KIND = npKind('anp');
