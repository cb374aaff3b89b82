/**
 * Checkpoints of a run, in RUN/checkpoints/<step>/:
 *   model.safetensors      every weight in PyTorch layout under its documented name
 *   optimizer.safetensors  Adam's moments, "<name>/m" and "<name>/v", in the same layout
 *   state.json             step, Adam's step, the data reader's and the noise stream's state
 * A checkpoint is written into "<step>.tmp" and renamed into place, then RUN/checkpoints/latest.json
 * is replaced atomically; a crash mid-write leaves the previous checkpoint as the latest.
 * The format is documented in docs/checkpoints.md.
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeFileAtomic } from '../data/atomic.js';
import type { ParamStore } from '../models/layers/params.js';
import { assignTorchWeights, fromTorchArray, torchArray, torchWeights } from '../models/layers/torch-weights.js';
import type { Adam } from './adam.js';
import { readSafetensors, writeSafetensors, type NamedArray } from './safetensors.js';

export interface TrainerState {
  step: number;
  adamStep: number;
  /** Opaque JSON of the data reader (its resume point). */
  reader: unknown;
  /** Anything else the trainer needs to continue the same curve. */
  extra: Record<string, unknown>;
}

export async function saveWeights(path: string, store: ParamStore, metadata: Record<string, string> = {}): Promise<void> {
  await writeSafetensors(path, torchWeights(store), metadata);
}

/** Loads weights saved by saveWeights (or by the PyTorch module); every name and shape must match. */
export async function loadWeights(path: string, store: ParamStore): Promise<Record<string, string>> {
  const { tensors, metadata } = await readSafetensors(path);
  assignTorchWeights(store, tensors, path);
  return metadata;
}

export async function saveCheckpoint(runDir: string, store: ParamStore, adam: Adam, state: TrainerState, keep = 2): Promise<string> {
  const root = join(runDir, 'checkpoints');
  const name = String(state.step).padStart(9, '0');
  const tmp = join(root, `${name}.tmp`);
  const dir = join(root, name);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await saveWeights(join(tmp, 'model.safetensors'), store, { step: String(state.step) });
  const moments = new Map<string, NamedArray>();
  for (const p of store.params.values()) {
    const m = adam.m.get(p.name);
    const v = adam.v.get(p.name);
    if (m) moments.set(`${p.name}/m`, torchArray(m, p.layout));
    if (v) moments.set(`${p.name}/v`, torchArray(v, p.layout));
  }
  await writeSafetensors(join(tmp, 'optimizer.safetensors'), moments, { adam_step: String(adam.step) });
  await writeFileAtomic(join(tmp, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  await writeFileAtomic(join(root, 'latest.json'), `${JSON.stringify({ step: state.step, dir: name })}\n`);
  // Keep the newest `keep` checkpoints.
  const all = (await readdir(root)).filter((d) => /^\d{9}$/.test(d)).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await rm(join(root, old), { recursive: true, force: true });
  return dir;
}

/** The latest checkpoint folder of a run, or null when it has none. */
export async function latestCheckpoint(runDir: string): Promise<string | null> {
  try {
    const latest = JSON.parse(await readFile(join(runDir, 'checkpoints', 'latest.json'), 'utf8')) as { dir: unknown };
    // Checked before it becomes a path: a hand-edited "../x" must not lead out of the run.
    if (typeof latest.dir !== 'string' || !/^\d{9}$/.test(latest.dir)) {
      throw new Error(`field dir: expected a 9-digit checkpoint folder name, got ${JSON.stringify(latest.dir)?.slice(0, 40)}`);
    }
    return join(runDir, 'checkpoints', latest.dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${join(runDir, 'checkpoints', 'latest.json')}: ${(e as Error).message}`, { cause: e });
  }
}

export async function loadCheckpoint(dir: string, store: ParamStore, adam: Adam): Promise<TrainerState> {
  await loadWeights(join(dir, 'model.safetensors'), store);
  const { tensors } = await readSafetensors(join(dir, 'optimizer.safetensors'));
  adam.dispose();
  for (const p of store.params.values()) {
    for (const [suffix, map] of [['m', adam.m], ['v', adam.v]] as const) {
      const a = tensors.get(`${p.name}/${suffix}`);
      if (a == null) continue;
      const t = fromTorchArray(a, p.layout);
      map.set(p.name, tf.variable(t, false));
      t.dispose();
    }
  }
  const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as TrainerState;
  adam.step = state.adamStep;
  return state;
}
