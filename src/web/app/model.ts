/** The run's GQN in the page: built from config.model, weights fetched from the server. */
import { GQN } from '../../models/gqn/gqn.js';
import { assignTorchWeights } from '../../models/layers/torch-weights.js';
import { parseSafetensors } from '../../models/safetensors.js';
import { fetchOk, type RunInfo } from './run-info.js';

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
