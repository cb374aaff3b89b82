/**
 * How a training run starts: a new run (an empty or absent folder) or a resume (--resume), each
 * checked in full before anything is written. `commit` does the writes, once the trainer has also
 * loaded the checkpoint, so that every refusal, a bad checkpoint included, leaves the folder as it was.
 */
import { join } from 'node:path';

import { kindOf } from '../models/registry.js';
import { planResume } from './resume-plan.js';
import type { RunConfig } from './run-config.js';
import { checkNewRunFolder, RunFolder, type FoundCheckpoint } from './run-folder.js';

type Note = (text: string) => void;

export interface RunStart {
  folder: RunFolder;
  config: RunConfig;
  checkpoint: FoundCheckpoint | null;
  /** Writes what the start changes (config, repaired metrics, recovered latest.json). */
  commit(): Promise<void>;
}

export async function startNewRun(runDir: string, config: RunConfig, note: Note): Promise<RunStart> {
  await checkNewRunFolder(runDir); // first, so a bad --data is not reported for a run that must not start anyway
  const kind = kindOf(config);
  kind.validateTrain?.(config.train);
  const dataset = await kind.data.check(config.model, config.train);
  const folder = await RunFolder.create(runDir, config, dataset, note);
  return { folder, config, checkpoint: null, commit: async () => undefined };
}

/**
 * Opens the run and plans the resume: `requested` is the run's config with what the command line
 * asked for (see resume-plan.ts for what may differ).
 */
export async function startResume(runDir: string, requested: RunConfig, override: boolean, note: Note): Promise<RunStart> {
  const { folder, config: saved } = await RunFolder.open(runDir, note);
  try {
    const checkpoint = await folder.findCheckpoint();
    const step = checkpoint?.step ?? 0;
    const metrics = await folder.scanMetrics();
    // The data as the command line names it, checked by the run's kind (another kind is refused by planResume).
    const kind = kindOf(saved);
    const sameKind = kindOf(requested).name === kind.name;
    if (sameKind) kind.validateTrain?.(requested.train);
    const newDataset = sameKind ? await kind.data.check(saved.model, requested.train) : null;
    const plan = planResume({
      saved, requested, step, at: checkpoint?.dir ?? `${join(runDir, 'checkpoints')}: none yet`, configPath: folder.configPath,
      savedDataset: await folder.readDataset(), newDataset, override,
    });
    const commit = async () => {
      if (checkpoint == null) note(`no checkpoint in ${runDir}: starting from step 0`);
      if (checkpoint?.recovered) {
        await folder.writeLatest(step);
        note(`${join(folder.checkpointsDir, 'latest.json')}: was missing; resuming from the newest complete checkpoint, ${checkpoint.dir}`);
      }
      // Lines logged after the checkpoint would repeat steps: the resumed run logs them again.
      const kept = metrics.lines.filter((l) => l.step <= step);
      if (metrics.torn != null) note(`${folder.metricsPath}: dropped a torn last line (${metrics.torn.length} characters, a crash mid-write)`);
      if (metrics.torn != null || metrics.unterminated || kept.length !== metrics.lines.length) await folder.rewriteMetrics(kept.map((l) => l.text));
      if (plan.changes.length > 0) {
        await folder.writeConfig(plan.config);
        for (const c of plan.changes) note(`${c.flag}: ${c.old === undefined ? 'unset' : JSON.stringify(c.old)} -> ${JSON.stringify(c.new)} from step ${c.step} (recorded in ${folder.configPath})`);
      }
      if (newDataset && (plan.datasetChanged || (await folder.readDataset()) == null)) {
        await folder.writeDataset(newDataset);
        note(`${join(runDir, 'dataset.json')}: now the settings of ${'data' in requested.train ? requested.train.data : 'the training data'}/manifest.json`);
      }
    };
    return { folder, config: plan.config, checkpoint, commit };
  } catch (e) {
    await folder.release();
    throw e;
  }
}
