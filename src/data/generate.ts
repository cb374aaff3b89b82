/**
 * `gqn data generate`: render a world's scenes into DeepMind's gqn-datasets layout.
 *
 * Determinism: each scene depends only on (seed, world, split, index) (scene-task.ts), results
 * are written back in scene order, JPEG encoding and protobuf serialization are deterministic,
 * and the manifest has no timestamps; so a seed gives byte-identical files whatever --workers.
 *
 * Interruptions: every shard is written to a temp file and renamed when complete, and the
 * manifest is rewritten after each shard. A rerun with the same settings keeps every shard
 * whose SHA-256 (and its scenes file's) still matches the manifest and regenerates the rest;
 * different settings are refused unless `overwrite` is set.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from './atomic.js';
import { ensureDir } from './ensure-dir.js';
import { listShards, scenesFileName, shardFileName, SPLITS, type Split } from './layout.js';
import {
  describeFeatures,
  FORMAT_VERSION,
  PACKAGE_VERSION,
  readManifest,
  settingsDiff,
  writeManifest,
  type DatasetSettings,
  type Manifest,
  type ShardEntry,
} from './manifest.js';
import { RenderPool } from './render-pool.js';
import type { SceneResult } from './scene-task.js';
import { DEFAULT_SOURCE_MODULE, loadSceneSource } from './source.js';
import { TFRecordFileWriter } from './tfrecord.js';

export const DEFAULT_TEST_FRACTION = 0.1;
export const DEFAULT_RECORDS_PER_FILE = 500;
export const DEFAULT_QUALITY = 95;
/** A GQN needs at least one context view and one query view per scene. */
export const MIN_VIEWS = 2;
/** Sane bounds, checked before anything renders: beyond them a run takes days or its records outgrow TFRecord's framing. */
export const MAX_VIEWS = 1000;
export const MAX_SIZE = 1024;
// Never below the default (--workers = the cores available), however many cores there are.
export const MAX_WORKERS = Math.max(256, availableParallelism());

export interface GenerateOptions {
  /** Root folder; the dataset goes to `<out>/<world>`. */
  out: string;
  world: string;
  /** Total scenes, train + test. */
  scenes: number;
  /** Views per scene; default: the world's. */
  views?: number;
  /** Image side; default: the world's. */
  size?: number;
  seed: number;
  /** Render threads; 0 renders on the calling thread. */
  workers: number;
  /** Share of scenes in the test split (default 0.1); ignored when testScenes is set. */
  testFraction?: number;
  testScenes?: number;
  recordsPerFile?: number;
  /** JPEG quality 1..100 (default 95). */
  quality?: number;
  antialias?: boolean;
  /** Replace a dataset made with other settings instead of refusing. */
  overwrite?: boolean;
  /** Module that provides the world and renderer (tests use a fake one). */
  sourceModule?: string;
  onProgress?: (p: GenerateProgress) => void;
}

export interface GenerateProgress {
  done: number;
  total: number;
  split: Split;
}

export interface GenerateSummary {
  dir: string;
  manifest: Manifest;
  /** Shards written this run, and shards kept from an earlier run. */
  written: string[];
  kept: string[];
  scenesRendered: number;
  seconds: number;
  /** Summed over scenes, in worker time: scene graphs + cameras, ray tracing, JPEG + protobuf. */
  ms: { generate: number; render: number; encode: number; write: number };
}

interface ShardPlan {
  split: Split;
  /** 1-based shard number and shard count. */
  i: number;
  n: number;
  first: number;
  count: number;
  path: string;
  scenesPath: string;
}

export function splitCounts(scenes: number, testFraction?: number, testScenes?: number): { train: number; test: number } {
  let test: number;
  if (testScenes !== undefined) {
    if (testScenes > scenes) throw new Error(`--test-scenes ${testScenes} is more than --scenes ${scenes}`);
    test = testScenes;
  } else {
    const f = testFraction ?? DEFAULT_TEST_FRACTION;
    if (!(f >= 0 && f <= 1)) throw new Error(`--test-fraction must be in [0, 1], got ${f}`);
    test = Math.round(scenes * f);
  }
  return { train: scenes - test, test };
}

/** Every setting checked before any file is touched; messages name the flag. */
function checkSettings(s: DatasetSettings, workers: number): void {
  const int = (flag: string, v: number, lo: number, hi: number, why = '') => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${flag}: expected an integer in ${lo}..${hi}${why}, got ${v}`);
  };
  int('--views', s.views, MIN_VIEWS, MAX_VIEWS, ' (a GQN scene needs context views and a query view)');
  int('--size', s.size, 1, MAX_SIZE);
  int('--quality', s.quality, 1, 100);
  int('--records-per-file', s.recordsPerFile, 1, Number.MAX_SAFE_INTEGER);
  int('--workers', workers, 0, MAX_WORKERS);
}

function planShards(settings: DatasetSettings): ShardPlan[] {
  const plans: ShardPlan[] = [];
  for (const split of SPLITS) {
    const count = settings.scenes[split];
    const n = Math.ceil(count / settings.recordsPerFile);
    for (let i = 1; i <= n; i++) {
      const first = (i - 1) * settings.recordsPerFile;
      plans.push({
        split,
        i,
        n,
        first,
        count: Math.min(settings.recordsPerFile, count - first),
        path: `${split}/${shardFileName(i, n)}`,
        scenesPath: `${split}/${scenesFileName(i, n)}`,
      });
    }
  }
  return plans;
}

async function sha256File(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return undefined;
  }
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const sourceModule = opts.sourceModule ?? DEFAULT_SOURCE_MODULE;
  const source = await loadSceneSource(sourceModule, opts.world);
  const world = source.world;
  const settings: DatasetSettings = {
    world: world.name,
    views: opts.views ?? world.defaultViews,
    size: opts.size ?? world.defaultSize,
    seed: opts.seed,
    quality: opts.quality ?? DEFAULT_QUALITY,
    antialias: opts.antialias ?? false,
    recordsPerFile: opts.recordsPerFile ?? DEFAULT_RECORDS_PER_FILE,
    scenes: splitCounts(opts.scenes, opts.testFraction, opts.testScenes),
  };
  checkSettings(settings, opts.workers);
  const dir = join(opts.out, world.name);
  const generator = `gqn ${PACKAGE_VERSION}`;

  await ensureDir(dir, `--out ${opts.out}`);
  // What an earlier run left: keep it only when it was made the same way and is intact.
  const previous = await readManifest(dir);
  if (!previous && !opts.overwrite) {
    // Shards without a manifest (DeepMind's files, or a deleted manifest.json) cannot be checked
    // against our settings, so they are never removed silently.
    const found = SPLITS.flatMap((s) => listShards(join(dir, s)));
    if (found.length > 0) {
      throw new Error(`${dir} holds ${found.length} .tfrecord file(s) but no manifest.json, so they cannot be checked against these settings; pass --overwrite to replace them, or choose another --out`);
    }
  }
  let reusable = new Map<string, ShardEntry>();
  if (previous) {
    const diffs = settingsDiff(previous.settings, settings);
    if (previous.generator !== generator) diffs.push(`generator ${previous.generator} -> ${generator}`);
    if (previous.formatVersion !== FORMAT_VERSION) diffs.push(`formatVersion ${previous.formatVersion} -> ${FORMAT_VERSION}`);
    if (diffs.length > 0 && !opts.overwrite) {
      throw new Error(`${dir} already holds a dataset made with other settings (${diffs.join(', ')}); pass --overwrite to replace it, or choose another --out`);
    }
    if (diffs.length === 0) reusable = new Map(SPLITS.flatMap((s) => previous.files[s] ?? []).map((e) => [e.path, e]));
  }

  for (const split of SPLITS) await ensureDir(join(dir, split), `--out ${opts.out}`);
  const plans = planShards(settings);
  const manifest: Manifest = {
    format: 'gqn-tfrecord',
    formatVersion: FORMAT_VERSION,
    generator,
    settings,
    features: describeFeatures(source.renderMap !== undefined),
    files: { train: [], test: [] },
    complete: false,
  };
  const kept: string[] = [];
  const todo: ShardPlan[] = [];
  for (const plan of plans) {
    const old = reusable.get(plan.path);
    const ok =
      old !== undefined &&
      old.records === plan.count &&
      old.scenes === plan.scenesPath &&
      (await sha256File(join(dir, plan.path))) === old.sha256 &&
      (await sha256File(join(dir, plan.scenesPath))) === old.scenesSha256;
    if (ok) {
      manifest.files[plan.split].push(old);
      kept.push(plan.path);
    } else {
      todo.push(plan);
    }
  }
  await removeStale(dir, new Set(plans.flatMap((p) => [p.path, p.scenesPath])));
  await writeManifest(dir, manifest);

  const summary: GenerateSummary = {
    dir,
    manifest,
    written: [],
    kept,
    scenesRendered: 0,
    seconds: 0,
    ms: { generate: 0, render: 0, encode: 0, write: 0 },
  };
  const tasks = todo.flatMap((plan) => Array.from({ length: plan.count }, (_, k) => ({ plan, index: plan.first + k })));
  if (tasks.length > 0) {
    const pool = await RenderPool.create(opts.workers, sourceModule, { ...settings, world: world.name });
    try {
      await renderShards(pool, tasks, dir, manifest, summary, opts.onProgress);
    } finally {
      await pool.close();
    }
  }
  for (const split of SPLITS) manifest.files[split].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  manifest.complete = true;
  await writeManifest(dir, manifest);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/**
 * Renders the tasks with at most a few scenes per worker in flight, and writes each result as
 * soon as all scenes before it have been written, so memory stays bounded whatever the size.
 */
async function renderShards(
  pool: RenderPool,
  tasks: { plan: ShardPlan; index: number }[],
  dir: string,
  manifest: Manifest,
  summary: GenerateSummary,
  onProgress?: (p: GenerateProgress) => void,
): Promise<void> {
  const window = Math.max(2, pool.size * 4);
  const inflight: (Promise<SceneResult> | undefined)[] = [];
  let next = 0;
  const launch = () => {
    while (next < tasks.length && next < summary.scenesRendered + window) {
      const t = tasks[next];
      const p = pool.run(t.plan.split, t.index);
      p.catch(() => undefined); // awaited in order below; this only silences "unhandled" while it waits
      inflight[next++] = p;
    }
  };
  let writer: TFRecordFileWriter | undefined;
  let lines: string[] = [];
  try {
    for (let k = 0; k < tasks.length; k++) {
      launch();
      const { plan, index } = tasks[k];
      const result = await inflight[k]!;
      inflight[k] = undefined;
      const t0 = performance.now();
      if (index === plan.first) {
        writer = await TFRecordFileWriter.create(join(dir, plan.path));
        lines = [];
      }
      await writer!.write(result.record);
      lines.push(result.sceneLine);
      if (index === plan.first + plan.count - 1) {
        const scenesText = `${lines.join('\n')}\n`;
        await writeFileAtomic(join(dir, plan.scenesPath), scenesText);
        const sha256 = await writer!.commit();
        manifest.files[plan.split].push({
          path: plan.path,
          records: writer!.records,
          bytes: writer!.bytes,
          sha256,
          scenes: plan.scenesPath,
          scenesSha256: createHash('sha256').update(scenesText).digest('hex'),
        });
        writer = undefined;
        await writeManifest(dir, manifest);
        summary.written.push(plan.path);
      }
      summary.ms.write += performance.now() - t0;
      summary.ms.generate += result.ms.generate;
      summary.ms.render += result.ms.render;
      summary.ms.encode += result.ms.encode;
      summary.scenesRendered++;
      onProgress?.({ done: summary.scenesRendered, total: tasks.length, split: plan.split });
    }
  } finally {
    await writer?.abort();
  }
}

/** Removes shards and scenes files not in the plan (an older, overwritten run) and temp files. */
async function removeStale(dir: string, keep: Set<string>): Promise<void> {
  for (const split of SPLITS) {
    for (const name of await readdir(join(dir, split))) {
      const rel = `${split}/${name}`;
      const ours = /\.(tfrecord|scenes\.jsonl)$/.test(name) || /\.tmp-\d+$/.test(name);
      if (ours && !keep.has(rel)) await rm(join(dir, rel), { force: true });
    }
  }
}
