/** A model of the server in the page: its description, dataset settings and model (a GQN or JUMP) with the weights fetched. */
import { GQN } from '../../models/gqn/gqn.js';
import { JUMP } from '../../models/jump/jump.js';
import { assignTorchWeights } from '../../models/layers/torch-weights.js';
import { parseSafetensors } from '../../models/safetensors.js';
import { datasetOf, type DatasetInfo } from './dataset-info.js';
import { JumpPredictor } from './jump-predictor.js';
import { Predictor, type ScenePredictor } from './predictor.js';
import { fetchOk, fetchRun, type RunInfo } from './run-info.js';

/** A scene model the viewer shows: one latent per query view (GQN) or per scene (JUMP). */
export type SceneModel = GQN | JUMP;

/** The predictor the viewer runs a model through: JUMP's holds one sampled scene per context (jump-predictor.ts). */
export function predictorFor(model: SceneModel, samples: number, seed: number): ScenePredictor {
  return model.kind === 'jump' ? new JumpPredictor(model, samples, seed) : new Predictor(model, samples, seed);
}

export async function loadModel(run: RunInfo): Promise<SceneModel> {
  const bytes = await (await fetchOk(run.weights)).arrayBuffer();
  const { tensors } = parseSafetensors(bytes, run.weights);
  const c = run.config;
  const model = c.kind === 'jump' ? new JUMP(c.model, c.train.seed) : new GQN(c.model, c.train.seed);
  try {
    assignTorchWeights(model.store, tensors, run.weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** A loaded model: the scenes it is shown are made with its own dataset settings. */
export interface PageModel {
  run: RunInfo;
  dataset: DatasetInfo;
  /** The dataset settings were not reported and are assumed (datasetOf). */
  guessed: boolean;
  model: SceneModel;
}

/** Fetches the RunInfo at `url` (/api/models/NAME) and the weights it names. */
export async function fetchModel(url: string): Promise<PageModel> {
  const run = await fetchRun(url);
  return { run, ...datasetOf(run), model: await loadModel(run) };
}
