/**
 * RUN/dataset.json: the settings of the dataset a run trained on (its manifest's `settings`:
 * world, views, size, seed, JPEG quality...). A run folder carries it so that it can be shipped
 * without its data and still say how to regenerate scenes like its training ones (the viewer
 * does exactly that in the browser). Absent when the data folder had no manifest (e.g. DeepMind's
 * own files). RunFolder (run-folder.ts) writes it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { readManifest, type DatasetSettings } from '../data/manifest.js';

export const DATASET_RECORD = 'dataset.json';

/** The run's record, else the settings in its data folder's manifest (a kind without a data folder: null), else null. */
export async function datasetSettingsOf(runDir: string, dataDir: string | null): Promise<DatasetSettings | null> {
  try {
    return JSON.parse(await readFile(join(runDir, DATASET_RECORD), 'utf8')) as DatasetSettings;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${join(runDir, DATASET_RECORD)}: ${(e as Error).message}`, { cause: e });
  }
  return dataDir == null ? null : (await readManifest(dataDir))?.settings ?? null;
}
