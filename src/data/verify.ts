/**
 * `gqn data verify`: read every record of a dataset (CRCs, Example parse, every JPEG decoded)
 * and compare with the manifest when there is one (files, record counts, SHA-256, views, size).
 * Works on DeepMind's files too (no manifest: only the records are checked).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

import { DataError, type CorruptPolicy } from './errors.js';
import { listShards, SPLITS, type Split } from './layout.js';
import { readManifest, type Manifest } from './manifest.js';
import { decodeMap, decodeView, readSceneRecords } from './records.js';

export interface SplitReport {
  files: number;
  records: number;
  bytes: number;
  /** Distinct views-per-scene and frame sizes seen (one each in a healthy dataset). */
  views: number[];
  sizes: number[];
  withMap: number;
  corrupt: number;
}

export interface DatasetReport {
  dir: string;
  manifest?: Manifest;
  splits: Record<Split, SplitReport>;
  /** Corrupt records (with skipCorrupt), as DataError messages. */
  corrupt: string[];
  /** Disagreements with the manifest. */
  problems: string[];
  ok: boolean;
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function verifyDataset(
  dir: string,
  opts: CorruptPolicy & { onFile?: (file: string) => void } = {},
): Promise<DatasetReport> {
  const manifest = await readManifest(dir);
  const corrupt: string[] = [];
  const problems: string[] = [];
  const policy: CorruptPolicy = {
    skipCorrupt: opts.skipCorrupt,
    onCorrupt: (e: DataError) => {
      corrupt.push(e.message);
      opts.onCorrupt?.(e);
    },
  };
  const splits = {} as Record<Split, SplitReport>;
  for (const split of SPLITS) {
    const files = listShards(join(dir, split));
    const rep: SplitReport = { files: files.length, records: 0, bytes: 0, views: [], sizes: [], withMap: 0, corrupt: 0 };
    const views = new Set<number>();
    const sizes = new Set<number>();
    const before = corrupt.length;
    const entries = new Map((manifest?.files[split] ?? []).map((e) => [e.path, e]));
    for (const file of files) {
      opts.onFile?.(file);
      const rel = relative(dir, file).split(sep).join('/');
      let records = 0;
      for await (const scene of readSceneRecords(file, policy)) {
        try {
          for (let k = 0; k < scene.record.frames.length; k++) {
            const img = decodeView(scene, k);
            sizes.add(img.width === img.height ? img.width : -1);
            if (img.width !== img.height) problems.push(`${file}: record ${scene.index}: frame ${k} is ${img.width}x${img.height}, not square`);
          }
          if (decodeMap(scene)) rep.withMap++;
        } catch (e) {
          if (!(e instanceof DataError) || !opts.skipCorrupt) throw e;
          policy.onCorrupt!(e);
          continue;
        }
        views.add(scene.record.frames.length);
        records++;
      }
      rep.records += records;
      const entry = entries.get(rel);
      if (manifest) {
        if (!entry) problems.push(`${rel}: not listed in manifest.json`);
        else {
          if (entry.records !== records) problems.push(`${rel}: ${records} readable records, manifest says ${entry.records}`);
          const digest = await sha256(file);
          if (digest !== entry.sha256) problems.push(`${rel}: SHA-256 ${digest.slice(0, 12)}... differs from manifest's ${entry.sha256.slice(0, 12)}...`);
        }
        entries.delete(rel);
      }
      rep.bytes += (await stat(file)).size;
    }
    for (const missing of entries.keys()) problems.push(`${missing}: listed in manifest.json but missing`);
    rep.views = [...views].sort((a, b) => a - b);
    rep.sizes = [...sizes].sort((a, b) => a - b);
    rep.corrupt = corrupt.length - before;
    if (manifest) {
      const s = manifest.settings;
      if (rep.records + rep.corrupt !== s.scenes[split] && rep.corrupt === 0) problems.push(`${split}: ${rep.records} scenes, manifest says ${s.scenes[split]}`);
      if (rep.views.some((v) => v !== s.views)) problems.push(`${split}: scenes with ${rep.views.join('/')} views, manifest says ${s.views}`);
      if (rep.sizes.some((v) => v !== s.size)) problems.push(`${split}: frames of ${rep.sizes.join('/')} px, manifest says ${s.size}`);
    }
    splits[split] = rep;
  }
  if (manifest && !manifest.complete) problems.push('manifest.json says the generate run did not finish (rerun it to resume)');
  return { dir, manifest, splits, corrupt, problems, ok: corrupt.length === 0 && problems.length === 0 };
}

/** The report as text lines (for the CLI). */
export function formatReport(r: DatasetReport): string[] {
  const lines = [`${r.dir}${r.manifest ? ` (${r.manifest.settings.world}, seed ${r.manifest.settings.seed}, ${r.manifest.generator})` : ' (no manifest)'}`];
  for (const split of SPLITS) {
    const s = r.splits[split];
    if (s.files === 0) {
      lines.push(`  ${split.padEnd(5)}  no files`);
      continue;
    }
    const mb = (s.bytes / 1e6).toFixed(1);
    lines.push(
      `  ${split.padEnd(5)}  ${s.files} files, ${s.records} scenes, ${s.views.join('/') || '-'} views, ${s.sizes.map((x) => `${x}x${x}`).join('/') || '-'} px${s.withMap ? `, ${s.withMap} maps` : ''}, ${mb} MB${s.corrupt ? `, ${s.corrupt} CORRUPT` : ''}`,
    );
  }
  for (const c of r.corrupt) lines.push(`  corrupt: ${c}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  lines.push(`  ${r.ok ? 'OK' : 'FAILED'}`);
  return lines;
}
