/** The `gqn` entry of the model registry (src/models/registry.ts). */
import type { ModelKind } from '../model.js';
import { GQN_PRESETS, validateConfig, type GqnConfig } from './config.js';
import { GQN } from './gqn.js';
import { gqnEvalBytes, gqnTrainBytes } from './memory.js';

export const GQN_KIND: ModelKind<GqnConfig, GQN, 'gqn'> = {
  name: 'gqn',
  description: 'Generative Query Network (Eslami et al. 2018): a representation network and a conditional DRAW generator, trained on the ELBO',
  presets: GQN_PRESETS,
  defaultPreset: 'cpu',
  metrics: [
    { key: 'elbo', label: '-ELBO', digits: 1 },
    { key: 'nll', label: 'NLL', digits: 1 },
    { key: 'kl', label: 'KL', digits: 1 },
    { key: 'sigma', label: 'sigma', digits: 3 },
  ],
  validate: validateConfig,
  create: (config, seed) => new GQN(config, seed),
  trainBytes: gqnTrainBytes,
  evalBytes: gqnEvalBytes,
};
