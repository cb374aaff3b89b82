/** What `gqn serve` says about the models it shows (GET /api/models, /api/models/NAME, /api/run), and fetching from it with clear errors. */
import type { GqnRunConfig, RunConfigOf } from '../../train/run-config.js';
import type { DatasetInfo } from './dataset-info.js';

/** A row of /api/models (src/web/server/model-set.ts). */
export interface ModelEntry {
  name: string;
  /** The world of its dataset.json, null when it has none. */
  world: string | null;
  step: number | null;
  checkpoint: string | null;
  /** The model /api/run serves. */
  default: boolean;
  /** URL of its RunInfo. */
  run: string;
  error?: string;
}

/** The body of /api/run and /api/models/NAME. */
export interface RunInfo {
  name: string;
  /** The run's config.json (the server serves scene models only: GQN and JUMP runs). */
  config: GqnRunConfig | RunConfigOf<'jump'>;
  step: number;
  checkpoint: string;
  /** URL of the checkpoint's model.safetensors. */
  weights: string;
  /** URL of the run's metrics.jsonl. */
  metrics: string;
  /** The dataset's manifest settings, when the server could read them. */
  dataset?: Partial<DatasetInfo>;
}

/** Reads an error body `{"error": ...}` when there is one. */
async function failure(res: Response, url: string): Promise<Error> {
  let detail = res.statusText;
  try {
    const body = (await res.json()) as { error?: string };
    if (body.error) detail = body.error;
  } catch {
    // Not JSON: keep the status text.
  }
  return new Error(`${url}: HTTP ${res.status} ${detail}`);
}

export async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new Error(`${url}: ${(e as Error).message} (is gqn serve running?)`, { cause: e });
  }
  if (!res.ok) throw await failure(res, url);
  return res;
}

export async function fetchRun(url = '/api/run'): Promise<RunInfo> {
  const run = (await (await fetchOk(url)).json()) as RunInfo;
  if (run?.config?.model == null) throw new Error(`${url}: no config.model in the answer; is this a gqn run?`);
  return run;
}

export async function fetchModels(url = '/api/models'): Promise<ModelEntry[]> {
  const models = (await (await fetchOk(url)).json()) as ModelEntry[];
  if (!Array.isArray(models) || models.length === 0 || models.some((m) => typeof m?.name !== 'string' || typeof m.run !== 'string')) {
    throw new Error(`${url}: expected a non-empty list of {name, world, step, run}`);
  }
  return models;
}
