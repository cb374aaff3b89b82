/** A model of the server in the page: its description, dataset settings and GQN with the weights fetched. */
import { GQN } from '../../models/gqn/gqn.js';
import { assignTorchWeights } from '../../models/layers/torch-weights.js';
import { parseSafetensors } from '../../models/safetensors.js';
import { datasetOf, type DatasetInfo } from './dataset-info.js';
import { fetchOk, fetchRun, type RunInfo } from './run-info.js';

export async function loadModel(run: RunInfo): Promise<GQN> {
  const bytes = await (await fetchOk(run.weights)).arrayBuffer();
  const { tensors } = parseSafetensors(bytes, run.weights);
  const model = new GQN(run.config.model, run.config.train.seed);
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
  model: GQN;
}

/** Fetches the RunInfo at `url` (/api/models/NAME) and the weights it names. */
export async function fetchModel(url: string): Promise<PageModel> {
  const run = await fetchRun(url);
  return { run, ...datasetOf(run), model: await loadModel(run) };
}
