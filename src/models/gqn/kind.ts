/**
 * The `gqn` entry of the model registry (src/models/registry.ts): the GQN trains on a
 * gqn-datasets scene folder (--data, scene-data.ts) and is evaluated and drawn on one
 * (src/eval/scene-eval.ts, scene-grid.ts).
 */
import { consistencyResult } from '../../eval/consistency.js';
import { evaluateScenes, gqnSceneRun } from '../../eval/scene-eval.js';
import { drawSceneGrid } from '../../eval/scene-grid.js';
import { formatReport } from '../../eval/scene-report.js';
import type { ModelKind } from '../model.js';
import { GQN_PRESETS, validateConfig, type GqnConfig, type GqnTrainSettings } from './config.js';
import { GQN, type QueryBatch } from './gqn.js';
import { gqnEvalBytes, gqnTrainBytes } from './memory.js';
import { SCENE_DATA } from './scene-data.js';
import { CONTEXT_FRAME_FLAG, SCENE_METRICS, SCENE_TRAIN_FLAGS } from './scene-flags.js';

export const GQN_KIND = {
  name: 'gqn',
  description: 'Generative Query Network (Eslami et al. 2018): a representation network and a conditional DRAW generator, trained on the ELBO',
  presets: GQN_PRESETS,
  defaultPreset: 'cpu',
  metrics: SCENE_METRICS,
  trainFlags: [
    ...SCENE_TRAIN_FLAGS,
    CONTEXT_FRAME_FLAG,
  ],
  data: SCENE_DATA,
  evaluation: {
    flags: ['--data', '--split', '--scenes', '--contexts', '--skip-corrupt', '--consistency', '--samples'],
    required: ['--data'],
    // Every context count's pass stays alive within a batch (one tidy), plus the prior sample;
    // --consistency keeps 4 views of every draw (samples and the mean).
    memory: (config, o) => o.consistency
      ? { bytes: gqnEvalBytes(config, o.batch, 3, 4 * ((o.samples ?? 4) + 1)), flag: `--batch ${o.batch}` }
      : { bytes: gqnEvalBytes(config, o.batch, 1, (o.contexts?.length ?? 1) + 1), flag: `--batch ${o.batch}` },
    async run(trained, o) {
      if (o.consistency) return consistencyResult({ kind: 'gqn', run: trained.run, step: trained.step, model: trained.model }, o);
      const report = await evaluateScenes(gqnSceneRun(trained), {
        data: o.data!, split: o.split, scenes: o.scenes, batch: o.batch, contexts: o.contexts, seed: o.seed, skipCorrupt: o.skipCorrupt, onProgress: o.onProgress,
      });
      return { json: report, text: formatReport(report) };
    },
  },
  render: {
    flags: ['--data', '--split', '--scenes', '--context', '--samples'],
    required: ['--data'],
    memory: (config, o) => ({ bytes: gqnEvalBytes(config, o.scenes, o.context, o.samples + 1), flag: `--scenes ${o.scenes}` }),
    async run(trained, o) {
      const { png } = await drawSceneGrid(gqnSceneRun(trained), {
        data: o.data!, split: o.split, scenes: o.scenes, contextViews: o.context, samples: o.samples, zoom: o.zoom, seed: o.seed,
      });
      return { png, caption: `${o.context} contexts | truth | reconstruction | ${o.samples} prior samples` };
    },
  },
  validate: validateConfig,
  create: (config, seed) => new GQN(config, seed),
  trainBytes: (config, batch) => gqnTrainBytes(config, batch, 1),
} satisfies ModelKind<GqnConfig, GqnTrainSettings, QueryBatch, GQN, 'gqn'>;
