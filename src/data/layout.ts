/**
 * The on-disk layout, DeepMind's gqn-datasets convention plus our side files:
 *
 *   <root>/<world>/manifest.json
 *   <root>/<world>/{train,test}/<i>-of-<n>.tfrecord        i 1-based, zero-padded to width of n
 *   <root>/<world>/{train,test}/<i>-of-<n>.scenes.jsonl    our addition: one scene graph a line
 *
 * See docs/data-format.md.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** `001-of-900` for i = 1, n = 900. */
export function shardStem(i: number, n: number): string {
  const width = String(n).length;
  return `${String(i).padStart(width, '0')}-of-${String(n).padStart(width, '0')}`;
}

export function shardFileName(i: number, n: number): string {
  return `${shardStem(i, n)}.tfrecord`;
}

export function scenesFileName(i: number, n: number): string {
  return `${shardStem(i, n)}.scenes.jsonl`;
}

const SHARD_RE = /^(\d+)-of-(\d+)\.tfrecord$/;

/** The TFRecord files of one split directory, sorted by shard number (then name). */
export function listShards(splitDir: string): string[] {
  if (!existsSync(splitDir)) return [];
  const names = readdirSync(splitDir).filter((n) => n.endsWith('.tfrecord') && statSync(join(splitDir, n)).isFile());
  const key = (n: string) => {
    const m = SHARD_RE.exec(n);
    return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
  };
  return names.sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0)).map((n) => join(splitDir, n));
}

/** Whether `dir` looks like one dataset (a manifest, or train/test folders with .tfrecord files). */
export function isDatasetDir(dir: string): boolean {
  if (existsSync(join(dir, 'manifest.json'))) return true;
  return SPLITS.some((s) => listShards(join(dir, s)).length > 0);
}

/**
 * The datasets under `dir`: `dir` itself when it is one, else its subfolders that are (so both
 * `DIR` and `DIR/<world>` work on the command line), sorted by name.
 */
export function findDatasets(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`${dir}: no such directory`);
  if (isDatasetDir(dir)) return [dir];
  return readdirSync(dir)
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isDirectory() && isDatasetDir(p))
    .sort();
}

/** A readable name for a dataset folder (its world name when it has a manifest). */
export function datasetName(dir: string): string {
  return basename(dir);
}
