/** Two small run folders (two models) and a built-app stand-in in a temp dir, for the server tests. */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { preset } from '../../src/models/gqn/config.js';
import type { RunConfig } from '../../src/train/run-config.js';
import { writeSafetensors } from '../../src/train/safetensors.js';

export interface Fixture {
  root: string;
  run: string;
  /** A second model, trained on another world (OTHER_DATASET), with its own checkpoint (OTHER_STEP). */
  other: string;
  app: string;
  /** A file beside run and app that no request may reach. */
  secret: string;
  /** Writes checkpoints/<step>/model.safetensors (and optimizer.safetensors) and points latest.json at it. */
  checkpoint(step: number): Promise<Uint8Array>;
  cleanup(): Promise<void>;
}

export const SECRET = 'SECRET-do-not-serve-4711';
/** RUN/dataset.json: the manifest settings of the run's data. */
export const DATASET = { world: 'rooms', views: 10, size: 64, seed: 1, quality: 95, antialias: false, recordsPerFile: 500, scenes: { train: 9, test: 1 } };

/** The second model's dataset.json and checkpoint step. */
export const OTHER_DATASET = { ...DATASET, world: 'shepard-metzler-7', views: 15, seed: 7 };
export const OTHER_STEP = 5;
export const OTHER_METRICS = `${JSON.stringify({ step: 5, elbo: 3 })}\n`;

export const CONFIG: RunConfig = {
  format: 'gqn-run/1',
  model: preset('cpu'),
  train: {
    preset: 'cpu', data: 'data/x', batch: 2, steps: 100, seed: 0, contextViews: 'random',
    sigma: { start: 2, end: 0.7, steps: 100 }, lr: { start: 5e-4, end: 5e-5, steps: 100 },
    adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, checkpointEvery: 10, logEvery: 1,
  },
};
export const METRICS = `${JSON.stringify({ step: 1, elbo: 9 })}\n${JSON.stringify({ step: 2, elbo: 8 })}\n`;
export const INDEX_HTML = '<!doctype html><title>viewer</title>';

export async function makeFixture(opts: { checkpoint?: boolean } = {}): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'gqn-serve-'));
  const run = join(root, 'my-run');
  const other = join(root, 'sm7-run');
  const app = join(root, 'app');
  const secret = join(root, 'secret.txt');
  await mkdir(join(run, 'checkpoints'), { recursive: true });
  await mkdir(join(app, 'assets'), { recursive: true });
  await writeFile(secret, SECRET);
  await writeFile(join(run, 'config.json'), `${JSON.stringify(CONFIG, null, 2)}\n`);
  await writeFile(join(run, 'metrics.jsonl'), METRICS);
  await writeFile(join(run, 'dataset.json'), `${JSON.stringify(DATASET)}\n`);
  await writeCheckpoint(other, OTHER_STEP);
  await writeFile(join(other, 'config.json'), `${JSON.stringify(CONFIG, null, 2)}\n`);
  await writeFile(join(other, 'metrics.jsonl'), OTHER_METRICS);
  await writeFile(join(other, 'dataset.json'), `${JSON.stringify(OTHER_DATASET)}\n`);
  await writeFile(join(app, 'index.html'), INDEX_HTML);
  await writeFile(join(app, 'curves.html'), '<!doctype html><title>curves</title>');
  await writeFile(join(app, 'assets', 'index-abc123.js'), 'console.log("viewer");\n');
  await writeFile(join(app, '.hidden'), SECRET);
  // Symlinks that lead out of the app folder: a file and a folder.
  await symlink(secret, join(app, 'assets', 'leak.txt'));
  await symlink(root, join(app, 'up'));
  const fixture: Fixture = {
    root, run, other, app, secret,
    checkpoint: (step) => writeCheckpoint(run, step),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  if (opts.checkpoint !== false) await fixture.checkpoint(10);
  return fixture;
}

/** Writes RUN/checkpoints/<step>/model.safetensors (and optimizer.safetensors) and points latest.json at it. */
async function writeCheckpoint(run: string, step: number): Promise<Uint8Array> {
  const dir = String(step).padStart(9, '0');
  await mkdir(join(run, 'checkpoints', dir), { recursive: true });
  const w = new Float32Array([step, 1, 2, 3]);
  await writeSafetensors(join(run, 'checkpoints', dir, 'model.safetensors'), new Map([['generator.canvas.bias', { shape: [4], data: w }]]), { step: String(step) });
  await writeFile(join(run, 'checkpoints', dir, 'optimizer.safetensors'), SECRET);
  await writeFile(join(run, 'checkpoints', 'latest.json'), `${JSON.stringify({ step, dir })}\n`);
  return new Uint8Array(await readFile(join(run, 'checkpoints', dir, 'model.safetensors')));
}
