/**
 * manifest.json: what a generated dataset holds and how it was made. It has no timestamps or
 * host details, so the same settings give a byte-identical manifest too. Written atomically
 * (temp file, then rename) after every finished shard, so an interrupted run can resume.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from './atomic.js';
import type { Split } from './layout.js';

/**
 * Bumped whenever our framing, Example layout, JPEG encoder or per-scene seeding changes the
 * bytes a given seed produces (rendering changes are tracked by the package version).
 */
export const FORMAT_VERSION = 1;

export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Everything that determines the bytes; a resume is allowed only when these match exactly. */
export interface DatasetSettings {
  world: string;
  views: number;
  size: number;
  seed: number;
  quality: number;
  antialias: boolean;
  recordsPerFile: number;
  scenes: { train: number; test: number };
}

export interface ShardEntry {
  /** Relative to the dataset folder, '/'-separated: `train/001-of-002.tfrecord`. */
  path: string;
  records: number;
  bytes: number;
  sha256: string;
  /** Scene-graph side file (`train/001-of-002.scenes.jsonl`) and its SHA-256. */
  scenes: string;
  scenesSha256: string;
}

export interface Manifest {
  format: 'gqn-tfrecord';
  formatVersion: number;
  generator: string;
  settings: DatasetSettings;
  /** Feature names and meanings in each record. */
  features: Record<string, string>;
  /** Shards per split, in order; during a run only the finished ones are listed. */
  files: Record<Split, ShardEntry[]>;
  /** False while a generate run is in progress or was interrupted. */
  complete: boolean;
}

export function describeFeatures(hasMap: boolean): Record<string, string> {
  const f: Record<string, string> = {
    frames: 'bytes list, K JPEG images (RGB, size x size)',
    cameras: 'float list, K*5: rows of x, y, z, yaw, pitch (radians)',
  };
  if (hasMap) f.map = 'bytes list, 1 JPEG: top-down map of the maze (size x size)';
  return f;
}

export function manifestPath(datasetDir: string): string {
  return join(datasetDir, 'manifest.json');
}

export async function readManifest(datasetDir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(manifestPath(datasetDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new Error(`${manifestPath(datasetDir)}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

export async function writeManifest(datasetDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(manifestPath(datasetDir), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The settings that differ between two manifests, as `name a -> b` strings. */
export function settingsDiff(a: DatasetSettings, b: DatasetSettings): string[] {
  const out: string[] = [];
  for (const key of Object.keys(b) as (keyof DatasetSettings)[]) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x !== y) out.push(`${key} ${x} -> ${y}`);
  }
  return out;
}

/**
 * Checks that every shard the manifest lists for `split` is there with the size it lists. A
 * shard cut at a record boundary (or emptied) reads as valid TFRecord with fewer records, so
 * without this the reader would silently train on less data. No manifest: nothing to check.
 */
export async function checkListedShards(datasetDir: string, split: Split): Promise<void> {
  const manifest = await readManifest(datasetDir);
  for (const entry of manifest?.files?.[split] ?? []) {
    const file = join(datasetDir, entry.path);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new Error(`${file}: missing, but manifest.json lists it (${entry.records} records); regenerate it with the same gqn data generate flags`, { cause: e });
    }
    if (size !== entry.bytes) {
      throw new Error(`${file}: ${size} bytes, but manifest.json lists ${entry.bytes} (${entry.records} records): the shard is truncated or was replaced; regenerate it with the same gqn data generate flags`);
    }
  }
}
