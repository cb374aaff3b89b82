/**
 * The run folder, RUN/: the one module that writes it (docs/checkpoints.md lists the files).
 *
 *   config.json        RunConfig; written when a run is created and when a resume changes it
 *   dataset.json       the training data's manifest settings
 *   metrics.jsonl      one JSON line per logged step; appended while training
 *   tensorboard/       the same scalars as TensorBoard events
 *   checkpoints/<step>/, checkpoints/latest.json
 *   train.lock         held by the one trainer using the run (run-lock.ts)
 *
 * A run is created only in an empty or absent folder and continued only by `open` (--resume).
 * Everything that can refuse reads first; the writes come after, so a refusal changes nothing.
 * Exports (a run reduced for inference, export.ts) are assembled here too.
 */
import { appendFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../data/atomic.js';
import type { DatasetSettings } from '../data/manifest.js';
import { checkCheckpointFiles, checkpointName, latestCheckpoint } from './checkpoint.js';
import { DATASET_RECORD } from './dataset-record.js';
import { readRunConfig, type RunConfig } from './run-config.js';
import { LOCK_FILE, RunLock } from './run-lock.js';
import { EventWriter } from './tensorboard.js';

export const CONFIG_FILE = 'config.json';
export const METRICS_FILE = 'metrics.jsonl';
export const EXPORT_FILE = 'export.json';

type Note = (text: string) => void;

/** What is in `dir` (absent: null), a lock file aside. */
async function entries(dir: string, flag: string): Promise<string[] | null> {
  try {
    return (await readdir(dir)).filter((n) => n !== LOCK_FILE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new Error(`${flag}: ${dir} is a file; expected a folder`, { cause: e });
    throw new Error(`${flag}: ${dir}: cannot read (${code ?? (e as Error).message})`, { cause: e });
  }
}

/** Refuses (reading only) unless `dir` may hold a new run: absent or empty. */
export async function checkNewRunFolder(dir: string): Promise<void> {
  const names = await entries(dir, '--out');
  if (names == null || names.length === 0) return;
  if (names.includes(CONFIG_FILE)) {
    const latest = await latestCheckpoint(dir).catch(() => null);
    const at = latest ? `, latest checkpoint ${latest}` : '';
    throw new Error(`--out: ${dir} already holds a run (${CONFIG_FILE}${at}); pass --resume to continue it, or give a new folder`);
  }
  const shown = names.sort().slice(0, 3).join(', ') + (names.length > 3 ? `, ... (${names.length} entries)` : '');
  throw new Error(`--out: ${dir} is not empty (${shown}); a new run needs an empty or absent folder`);
}

export interface FoundCheckpoint {
  dir: string;
  step: number;
  /** True when latest.json was missing and this is the newest complete checkpoint folder. */
  recovered: boolean;
}

export interface MetricsScan {
  /** Complete lines, in order, with their steps. */
  lines: { text: string; step: number }[];
  /** The unparsable last line a crash mid-append left, if any. */
  torn: string | null;
  /** Whether the file needs rewriting even with every line kept (no final newline). */
  unterminated: boolean;
}

export class RunFolder {
  private constructor(readonly dir: string, private readonly lock: RunLock) {}

  get configPath(): string {
    return join(this.dir, CONFIG_FILE);
  }

  get metricsPath(): string {
    return join(this.dir, METRICS_FILE);
  }

  get checkpointsDir(): string {
    return join(this.dir, 'checkpoints');
  }

  /**
   * A new run in an absent or empty `dir` (validate every input first: this writes config.json
   * and dataset.json). Refuses a folder holding anything, a run included, and a locked one.
   */
  static async create(dir: string, config: RunConfig, dataset: DatasetSettings | null, onNote?: Note): Promise<RunFolder> {
    await checkNewRunFolder(dir);
    await mkdir(dir, { recursive: true });
    const folder = new RunFolder(dir, await RunLock.acquire(dir, onNote));
    try {
      // Again under the lock: another trainer may have created the run since the first check.
      await checkNewRunFolder(dir);
      await folder.writeConfig(config);
      if (dataset) await folder.writeDataset(dataset);
    } catch (e) {
      await folder.release();
      throw e;
    }
    return folder;
  }

  /** An existing run, locked, and its config.json; writes nothing but the lock. */
  static async open(dir: string, onNote?: Note): Promise<{ folder: RunFolder; config: RunConfig }> {
    await checkRunToResume(dir);
    const folder = new RunFolder(dir, await RunLock.acquire(dir, onNote));
    try {
      return { folder, config: await readRunConfig(dir) };
    } catch (e) {
      await folder.release();
      throw e;
    }
  }

  async release(): Promise<void> {
    await this.lock.release();
  }

  async writeConfig(config: RunConfig): Promise<void> {
    await writeFileAtomic(this.configPath, `${JSON.stringify(config, null, 2)}\n`);
  }

  async writeDataset(settings: DatasetSettings): Promise<void> {
    await writeFileAtomic(join(this.dir, DATASET_RECORD), `${JSON.stringify(settings, null, 2)}\n`);
  }

  /** RUN/dataset.json, or null when the run has none. */
  async readDataset(): Promise<DatasetSettings | null> {
    const path = join(this.dir, DATASET_RECORD);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as DatasetSettings;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${path}: ${(e as Error).message}; expected the training data's manifest settings`, { cause: e });
    }
  }

  /**
   * The checkpoint to resume from, checked (state.json, both safetensors files). Without
   * latest.json, the newest complete checkpoint folder (recovered: true); null when there is none.
   */
  async findCheckpoint(): Promise<FoundCheckpoint | null> {
    const latest = await latestCheckpoint(this.dir);
    if (latest != null) {
      const state = await checkCheckpointFiles(latest);
      return { dir: latest, step: state.step, recovered: false };
    }
    let names: string[];
    try {
      names = (await readdir(this.checkpointsDir)).filter((d) => /^\d{9}$/.test(d)).sort().reverse();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const problems: string[] = [];
    for (const name of names) {
      const dir = join(this.checkpointsDir, name);
      try {
        const state = await checkCheckpointFiles(dir);
        return { dir, step: state.step, recovered: true };
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (names.length === 0) return null;
    throw new Error(`${join(this.checkpointsDir, 'latest.json')}: missing, and no checkpoint folder is complete (${problems.join('; ')}); cannot resume`);
  }

  /** Replaces latest.json (after recovering a checkpoint, or after a save). */
  async writeLatest(step: number): Promise<void> {
    await writeFileAtomic(join(this.checkpointsDir, 'latest.json'), `${JSON.stringify({ step, dir: checkpointName(step) })}\n`);
  }

  /**
   * Reads metrics.jsonl (absent: no lines). An unparsable last line is a torn append and is
   * reported, to be dropped; an unparsable line before it is damage this cannot repair.
   */
  async scanMetrics(): Promise<MetricsScan> {
    let text: string;
    try {
      text = await readFile(this.metricsPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], torn: null, unterminated: false };
      throw new Error(`${this.metricsPath}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    const raw = text.split('\n');
    const unterminated = raw[raw.length - 1] !== '';
    if (!unterminated) raw.pop();
    const lines: MetricsScan['lines'] = [];
    let torn: string | null = null;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i].trim() === '') continue;
      let step: unknown;
      try {
        step = (JSON.parse(raw[i]) as { step?: unknown }).step;
      } catch (e) {
        if (i === raw.length - 1) {
          torn = raw[i];
          break;
        }
        throw new Error(`${this.metricsPath}: line ${i + 1} is not JSON (${(e as Error).message}); expected one metrics object per line (only a torn last line is repaired)`, { cause: e });
      }
      if (!Number.isInteger(step)) throw new Error(`${this.metricsPath}: line ${i + 1}: field step: expected an integer, got ${JSON.stringify(step)}`);
      lines.push({ text: raw[i], step: step as number });
    }
    return { lines, torn, unterminated };
  }

  async rewriteMetrics(lines: string[]): Promise<void> {
    await writeFileAtomic(this.metricsPath, lines.map((l) => `${l}\n`).join(''));
  }

  async appendMetrics(m: object): Promise<void> {
    await appendFile(this.metricsPath, `${JSON.stringify(m)}\n`);
  }

  async events(): Promise<EventWriter> {
    return EventWriter.create(join(this.dir, 'tensorboard'));
  }

  /**
   * Writes a checkpoint: its files into "<step>.tmp", renamed into place, then latest.json
   * replaced atomically, so a crash leaves the previous one as the latest. Keeps the newest `keep`.
   */
  async saveCheckpoint(step: number, files: Map<string, Uint8Array | string>, keep = 2): Promise<string> {
    const name = checkpointName(step);
    const tmp = join(this.checkpointsDir, `${name}.tmp`);
    const dir = join(this.checkpointsDir, name);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    for (const [file, data] of files) await writeFileAtomic(join(tmp, file), data);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await this.writeLatest(step);
    const all = (await readdir(this.checkpointsDir)).filter((d) => /^\d{9}$/.test(d)).sort();
    for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(this.checkpointsDir, old), { recursive: true, force: true });
    return dir;
  }
}

/** Refuses (reading only) a --resume of a folder that holds no run. */
export async function checkRunToResume(dir: string): Promise<void> {
  const names = await entries(dir, '--out');
  if (names == null) throw new Error(`--resume: ${dir} does not exist; start a new run without --resume`);
  if (!names.includes(CONFIG_FILE)) {
    throw new Error(`--resume: ${join(dir, CONFIG_FILE)} is missing, so ${dir} holds no run to continue; start a new run without --resume`);
  }
}

/** Whether `dir` is an export (has the marker export.json); false when absent. */
export async function isExport(dir: string): Promise<boolean> {
  return stat(join(dir, EXPORT_FILE)).then((s) => s.isFile(), () => false);
}

export interface ExportContents {
  config: RunConfig;
  dataset: DatasetSettings | null;
  /** Source metrics.jsonl to copy, when the run has one. */
  metrics: string | null;
  checkpoint: { name: string; step: number; model: Uint8Array; state: string };
  marker: object;
}

/**
 * Writes an export folder at `out`: assembled in a temp folder beside it, then renamed over it,
 * so an interrupted export leaves no half-made model. The caller has checked that `out` is absent
 * or an earlier export.
 */
export async function writeExportFolder(out: string, c: ExportContents): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    const ckpt = join(tmp, 'checkpoints', c.checkpoint.name);
    await mkdir(ckpt, { recursive: true });
    await writeFileAtomic(join(tmp, CONFIG_FILE), `${JSON.stringify(c.config, null, 2)}\n`);
    if (c.metrics) await writeFileAtomic(join(tmp, METRICS_FILE), await readFile(c.metrics));
    if (c.dataset) await writeFileAtomic(join(tmp, DATASET_RECORD), `${JSON.stringify(c.dataset, null, 2)}\n`);
    await writeFileAtomic(join(ckpt, 'model.safetensors'), c.checkpoint.model);
    await writeFileAtomic(join(ckpt, 'state.json'), c.checkpoint.state);
    await writeFileAtomic(join(tmp, 'checkpoints', 'latest.json'), `${JSON.stringify({ step: c.checkpoint.step, dir: c.checkpoint.name })}\n`);
    await writeFileAtomic(join(tmp, EXPORT_FILE), `${JSON.stringify(c.marker, null, 2)}\n`);
    await rm(out, { recursive: true, force: true });
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
