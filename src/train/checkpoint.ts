/**
 * Checkpoints of a run, in RUN/checkpoints/<step>/:
 *   model.safetensors      every weight in PyTorch layout under its documented name
 *   optimizer.safetensors  Adam's moments, "<name>/m" and "<name>/v", in the same layout
 *   state.json             step, Adam's step, the batch stream's state (the kind's data reader)
 * Here: the files' contents and reading them back. Writing them into a run (the "<step>.tmp"
 * folder renamed into place, then latest.json) is RunFolder's (run-folder.ts), which owns the run
 * folder. The format is documented in docs/checkpoints.md.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import type { ParamStore } from '../models/layers/params.js';
import type { ReaderState } from '../models/model.js';
import { assignTorchWeights, fromTorchArray, torchArray, torchWeights } from '../models/layers/torch-weights.js';
import { serializeSafetensors } from '../models/safetensors.js';
import type { Adam } from './adam.js';
import { readSafetensors, writeSafetensors, type NamedArray } from './safetensors.js';

export interface TrainerState {
  step: number;
  adamStep: number;
  /** Where the kind's batch stream stands (its resume point; model.ts, ReaderState). */
  reader: ReaderState;
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

/**
 * The files of one checkpoint (model.safetensors, optimizer.safetensors, state.json) as bytes;
 * RunFolder.saveCheckpoint (run-folder.ts) writes them into place.
 */
export function checkpointFiles(store: ParamStore, adam: Adam, state: TrainerState): Map<string, Uint8Array | string> {
  const moments = new Map<string, NamedArray>();
  for (const p of store.params.values()) {
    const m = adam.m.get(p.name);
    const v = adam.v.get(p.name);
    if (m) moments.set(`${p.name}/m`, torchArray(m, p.layout));
    if (v) moments.set(`${p.name}/v`, torchArray(v, p.layout));
  }
  return new Map<string, Uint8Array | string>([
    ['model.safetensors', serializeSafetensors(torchWeights(store), { step: String(state.step) })],
    ['optimizer.safetensors', serializeSafetensors(moments, { adam_step: String(adam.step) })],
    ['state.json', `${JSON.stringify(state, null, 2)}\n`],
  ]);
}

/** A checkpoint folder's name: its step, 9 digits. */
export function checkpointName(step: number): string {
  return String(step).padStart(9, '0');
}

/**
 * Reads a checkpoint folder's state.json and parses its safetensors files (headers and every
 * tensor's byte length), without loading them into a model; throws naming the bad file. `files`
 * lists the safetensors files a complete checkpoint has (exports have no optimizer state).
 */
export async function checkCheckpointFiles(dir: string, files = ['model.safetensors', 'optimizer.safetensors']): Promise<TrainerState> {
  const statePath = join(dir, 'state.json');
  const state = await readTrainerState(dir);
  if (!Number.isInteger(state.step) || checkpointName(state.step) !== basename(dir)) {
    throw new Error(`${statePath}: field step: expected ${Number(basename(dir))} (the folder's name), got ${JSON.stringify(state.step)}`);
  }
  for (const f of files) {
    try {
      await readSafetensors(join(dir, f));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${join(dir, f)}: missing; expected a complete checkpoint`, { cause: e });
      throw e;
    }
  }
  return state;
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

/** CHECKPOINT/state.json, checked field by field; errors name the file and the field. */
async function readTrainerState(dir: string): Promise<TrainerState> {
  const path = join(dir, 'state.json');
  let state: Partial<TrainerState> | null;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as Partial<TrainerState> | null;
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; expected the checkpoint's state JSON`, { cause: e });
  }
  if (state == null || typeof state !== 'object' || Array.isArray(state)) throw new Error(`${path}: expected a JSON object, got ${JSON.stringify(state)}`);
  for (const field of ['step', 'adamStep'] as const) {
    const v = state[field];
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Error(`${path}: field ${field}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  }
  const r = state.reader as Record<string, unknown> | null | undefined;
  if (r == null || typeof r !== 'object' || !['seed', 'epoch', 'position', 'batch'].every((k) => Number.isSafeInteger(r[k]) && (r[k] as number) >= 0)) {
    throw new Error(`${path}: field reader: expected {seed, epoch, position, batch} as non-negative integers, got ${JSON.stringify(r)?.slice(0, 80)}`);
  }
  if (state.extra == null || typeof state.extra !== 'object') throw new Error(`${path}: field extra: expected an object, got ${JSON.stringify(state.extra)}`);
  return state as TrainerState;
}

export async function loadCheckpoint(dir: string, store: ParamStore, adam: Adam): Promise<TrainerState> {
  // Read first: a bad state.json must fail before the weights and moments are replaced.
  const state = await readTrainerState(dir);
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
  adam.step = state.adamStep;
  return state;
}
