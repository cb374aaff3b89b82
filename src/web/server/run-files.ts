/**
 * The few files of a run folder the server may send, each from a fixed name:
 *   RUN/config.json, RUN/dataset.json, RUN/metrics.jsonl, RUN/checkpoints/latest.json and the model.safetensors of the
 * checkpoint it names. latest.json is read on every request, so checkpoints that a running
 * `gqn train` writes show up at once; the folder it names must be 9 digits before it is joined
 * into a path. Nothing here writes.
 */
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { kindOf } from '../../models/registry.js';
import { readRunConfig } from '../../train/run-config.js';

/** A failure a route answers with this status and message (never a crash of the server). */
export class RunFileError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface LatestCheckpoint {
  step: number;
  /** The checkpoint's folder name, 9 digits. */
  checkpoint: string;
}

export interface RunInfo extends LatestCheckpoint {
  name: string;
  config: unknown;
  /** RUN/dataset.json (how the training data was made), when the run has one. */
  dataset?: unknown;
  weights: string;
  metrics: string;
}

const CHECKPOINT_DIR = /^\d{9}$/;

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

export class RunFiles {
  readonly dir: string;
  readonly name: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.name = basename(dir);
  }

  /** Checks that `dir` is a gqn run folder (a readable, valid config.json); the error names what is wrong. */
  static async open(dir: string): Promise<RunFiles> {
    const abs = resolve(dir);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch (e) {
      throw new Error(`run folder ${dir}: ${code(e) === 'ENOENT' ? 'does not exist' : (e as Error).message}`, { cause: e });
    }
    if (!isDir) throw new Error(`run folder ${dir}: not a folder`);
    const kind = kindOf(await readRunConfig(abs));
    // The viewer renders scenes from cameras: only scene models (the GQN, JUMP) have anything to show there.
    if (kind.name !== 'gqn' && kind.name !== 'jump') throw new Error(`run folder ${dir}: a ${kind.name} run; the viewer shows gqn and jump runs (gqn render draws a ${kind.name} run)`);
    return new RunFiles(abs);
  }

  /** RUN/`name` parsed as JSON; undefined when the file does not exist. */
  private async readJson(name: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(join(this.dir, name), 'utf8');
    } catch (e) {
      if (code(e) === 'ENOENT') return undefined;
      throw new RunFileError(500, `${name}: cannot read (${code(e) ?? (e as Error).message})`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new RunFileError(500, `${name}: not JSON (${(e as Error).message})`);
    }
  }

  /** The latest checkpoint, or null while the run has none. */
  async latest(): Promise<LatestCheckpoint | null> {
    const latest = (await this.readJson('checkpoints/latest.json')) as { step?: unknown; dir?: unknown } | undefined;
    if (latest === undefined) return null;
    if (typeof latest.dir !== 'string' || !CHECKPOINT_DIR.test(latest.dir)) {
      throw new RunFileError(500, `checkpoints/latest.json: field dir: expected a 9-digit folder name, got ${JSON.stringify(latest.dir)?.slice(0, 40)}`);
    }
    if (typeof latest.step !== 'number' || !Number.isSafeInteger(latest.step) || latest.step < 0) {
      throw new RunFileError(500, `checkpoints/latest.json: field step: expected a non-negative integer, got ${JSON.stringify(latest.step)?.slice(0, 40)}`);
    }
    return { step: latest.step, checkpoint: latest.dir };
  }

  /** The world RUN/dataset.json names, or null when there is no record or it names none. */
  async world(): Promise<string | null> {
    const dataset = (await this.readJson('dataset.json').catch(() => undefined)) as { world?: unknown } | undefined;
    return typeof dataset?.world === 'string' ? dataset.world : null;
  }

  /** The /api/run body; `base` is the route its files are under ('/run' or '/models/NAME'). */
  async info(base = '/run'): Promise<RunInfo> {
    // Read on every request too: cheap, and a run restarted in place shows its new config.
    const config = await this.readJson('config.json');
    if (config === undefined) throw new RunFileError(500, 'config.json: cannot read (ENOENT)');
    const dataset = await this.readJson('dataset.json');
    const latest = await this.latest();
    if (!latest) throw new RunFileError(503, `run ${this.name} has no checkpoint yet (checkpoints/latest.json is missing); training writes one every --checkpoint-every steps`);
    return { name: this.name, config, ...(dataset === undefined ? {} : { dataset }), ...latest, weights: `${base}/weights.safetensors`, metrics: `${base}/metrics.jsonl` };
  }

  /** The latest checkpoint's model.safetensors, opened (never optimizer.safetensors). */
  async openWeights(): Promise<{ file: FileHandle; latest: LatestCheckpoint }> {
    const latest = await this.latest();
    if (!latest) throw new RunFileError(503, `run ${this.name} has no checkpoint yet`);
    try {
      return { file: await open(join(this.dir, 'checkpoints', latest.checkpoint, 'model.safetensors'), 'r'), latest };
    } catch (e) {
      if (code(e) === 'ENOENT') throw new RunFileError(503, `checkpoint ${latest.checkpoint} has no model.safetensors`);
      throw new RunFileError(500, `checkpoints/${latest.checkpoint}/model.safetensors: cannot read (${code(e) ?? (e as Error).message})`);
    }
  }

  /** config.json or metrics.jsonl; null when the file does not exist. */
  async openFile(name: 'config.json' | 'metrics.jsonl'): Promise<FileHandle | null> {
    try {
      return await open(join(this.dir, name), 'r');
    } catch (e) {
      if (code(e) === 'ENOENT') return null;
      throw new RunFileError(500, `${name}: cannot read (${code(e) ?? (e as Error).message})`);
    }
  }
}
