/**
 * The `jump` entry of the model registry (src/models/registry.ts): JUMP trains on a gqn-datasets
 * scene folder with T targets per scene (scene-data.ts). `gqn eval` scores it as the GQN is
 * scored, one query view per scene (src/eval/scene-eval.ts), and with --consistency on
 * mnist-dice measures whether views drawn from one latent agree (src/eval/consistency.ts);
 * `gqn render` draws several views of each sample (src/eval/jump-grid.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

import { consistencyResult } from '../../eval/consistency.js';
import { drawJumpGrid } from '../../eval/jump-grid.js';
import { evaluateScenes, type SceneRun } from '../../eval/scene-eval.js';
import { formatReport } from '../../eval/scene-report.js';
import type { QueryBatch } from '../gqn/gqn.js';
import type { GqnScores } from '../gqn/objective.js';
import type { Objective, ModelKind, TrainedModel } from '../model.js';
import { JUMP_PRESETS, validateJumpConfig, validateKlWeight, type JumpConfig, type JumpTrainSettings } from './config.js';
import { JUMP, type JumpBatch } from './jump.js';
import { jumpEvalBytes, jumpTrainBytes } from './memory.js';
import { CONTEXT_FRAME_FLAG, SCENE_METRICS, SCENE_TRAIN_FLAGS } from '../gqn/scene-flags.js';
import { JUMP_DATA } from './scene-data.js';

export type TrainedJump = TrainedModel<JUMP, JumpConfig, JumpTrainSettings>;

/** JUMP's objective on one query view per scene (T = 1), as the scene eval reads a GQN's. */
function oneQueryObjective(objective: Objective<JumpBatch, { nll: tf.Tensor1D; kl: tf.Tensor1D; reconstruction: tf.Tensor5D }>): Objective<QueryBatch, GqnScores> {
  const asJump = (b: QueryBatch): JumpBatch => ({
    contextImages: b.contextImages,
    contextViewpoints: b.contextViewpoints,
    targetImages: tf.expandDims(b.queryImage, 1) as tf.Tensor5D,
    targetViewpoints: tf.expandDims(b.queryViewpoint, 1) as tf.Tensor3D,
  });
  return {
    lossKey: objective.lossKey,
    settings: (step) => objective.settings(step),
    // Called under tf.variableGrads (which tracks its tensors), like any objective's compute.
    compute: (b, step, seed) => objective.compute(asJump(b), step, seed),
    score: (b, step, seed) => tf.tidy(() => {
      const e = objective.score(asJump(b), step, seed);
      const [n, , s, , c] = e.reconstruction.shape;
      return { nll: e.nll, kl: e.kl, reconstruction: tf.reshape(e.reconstruction, [n, s, s, c]) as tf.Tensor4D };
    }),
  };
}

/** A trained JUMP as the scene eval and grids get a model. */
export function jumpSceneRun(trained: TrainedJump): SceneRun {
  const { model, config, run, checkpoint, step } = trained;
  return {
    run, checkpoint, step, imageSize: config.model.imageSize, imageChannels: config.model.imageChannels,
    predict: (c, cv, qv, draws) => model.predict(c, cv, qv, draws),
    objective: oneQueryObjective(model.objective(config.train)),
  };
}

export const JUMP_KIND = {
  name: 'jump',
  description: 'JUMP, the Consistent GQN (Kumar et al. 2018): one scene latent from the context, a renderer of (z, camera) with no latent of its own, T targets per step',
  presets: JUMP_PRESETS,
  defaultPreset: 'cpu',
  metrics: SCENE_METRICS,
  trainFlags: [
    ...SCENE_TRAIN_FLAGS,
    CONTEXT_FRAME_FLAG,
    { flag: '--targets', value: 'positive-int', field: 'train.targets', description: "target views per scene per step, all drawn from one latent (default: the preset's)" },
    { flag: '--kl-weight-start', value: 'positive-number', field: 'train.klWeight.start', description: 'weight beta of the KL in the training loss at step 0 (a KL warm-up; give all three --kl-weight-*; default: none, beta = 1)' },
    { flag: '--kl-weight-end', value: 'positive-number', field: 'train.klWeight.end', description: 'weight beta of the KL after annealing' },
    { flag: '--kl-weight-steps', value: 'positive-int', field: 'train.klWeight.steps', description: 'steps over which beta anneals' },
    { flag: '--kl-weight-from', value: 'positive-int', field: 'train.klWeight.from', description: 'step at which the anneal begins (default 0; with --resume --override, e.g. the run\'s step, to ramp on from there)' },
  ],
  data: JUMP_DATA,
  evaluation: {
    flags: ['--data', '--split', '--scenes', '--contexts', '--skip-corrupt', '--consistency', '--samples'],
    required: ['--data'],
    memory: (config, o) => o.consistency
      ? { bytes: jumpEvalBytes(config, o.batch, 3, 4, (o.samples ?? 4) + 1), flag: `--batch ${o.batch}` }
      : { bytes: jumpEvalBytes(config, o.batch, 1, 1, (o.contexts?.length ?? 1) + 1), flag: `--batch ${o.batch}` },
    async run(trained, o) {
      if (o.consistency) return consistencyResult({ kind: 'jump', run: trained.run, step: trained.step, model: trained.model }, o);
      const report = await evaluateScenes(jumpSceneRun(trained), {
        data: o.data!, split: o.split, scenes: o.scenes, batch: o.batch, contexts: o.contexts, seed: o.seed, skipCorrupt: o.skipCorrupt, onProgress: o.onProgress,
      });
      return { json: report, text: formatReport(report) };
    },
  },
  render: {
    flags: ['--data', '--split', '--scenes', '--context', '--samples'],
    required: ['--data'],
    memory: (config, o) => ({ bytes: jumpEvalBytes(config, o.scenes, o.context, 4, o.samples + 1), flag: `--scenes ${o.scenes}` }),
    async run(trained, o) {
      return drawJumpGrid(trained, {
        data: o.data!, split: o.split, scenes: o.scenes, contextViews: o.context, samples: o.samples, zoom: o.zoom, seed: o.seed,
      });
    },
  },
  validate: validateJumpConfig,
  validateTrain: (train) => validateKlWeight(train.klWeight),
  create: (config, seed) => new JUMP(config, seed),
  // Sized for 4 targets, the presets' most.
  trainBytes: (config, batch) => jumpTrainBytes(config, batch, 4),
} satisfies ModelKind<JumpConfig, JumpTrainSettings, JumpBatch, JUMP, 'jump'>;
