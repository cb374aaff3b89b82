/**
 * Draws the view-synthesis curves of training runs (the JSONL lines of scripts/view-curve.ts) as
 * an SVG for docs/models.md: PSNR of the prior mean and the viewpoint gap at M context views,
 * against training hours, one line per run, with the scene-mean oracle and the nearest-view
 * baseline as reference lines. Vega-Lite lays out and renders the chart (vega's headless SVG
 * renderer needs no canvas or browser).
 *
 *   npx tsx scripts/plot-curves.ts --out docs/images/curves.svg [--m 3 --title T] CURVE.jsonl...
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../src/data/atomic.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, m: { type: 'string', default: '3' }, title: { type: 'string', default: '' } },
});
if (!values.out || positionals.length === 0) throw new Error('usage: plot-curves.ts --out FILE.svg [--m 3 --title T] CURVE.jsonl...');
const m = Number(values.m);

interface Point { run: string; kind: 'model' | 'baseline'; hours: number; step: number; metric: string; dB: number }
const points: Point[] = [];
for (const file of positionals) {
  const seen = new Set<number>();
  for (const line of (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim())) {
    const p = JSON.parse(line) as { run: string; step: number; trainSeconds: number; results: { m: number; priorMean: number; gap: number; oracle: number; nearest: number }[] };
    const r = p.results.find((x) => x.m === m);
    if (!r || seen.has(p.step)) continue;
    seen.add(p.step);
    const run = p.run ?? basename(file, '.jsonl');
    const at = { hours: p.trainSeconds / 3600, step: p.step };
    const psnrTitle = `PSNR at the query camera (M = ${m})`;
    points.push({ run, kind: 'model', ...at, metric: psnrTitle, dB: r.priorMean });
    points.push({ run, kind: 'model', ...at, metric: 'viewpoint gap (true - wrong camera)', dB: r.gap });
    // The baselines need no model; drawn along each run's span (the same held-out scenes for all).
    points.push({ run: 'scene-mean oracle', kind: 'baseline', ...at, metric: psnrTitle, dB: r.oracle });
    points.push({ run: 'nearest context view', kind: 'baseline', ...at, metric: psnrTitle, dB: r.nearest });
  }
}

const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: values.title,
  data: { values: points },
  facet: { column: { field: 'metric', type: 'nominal', title: null } },
  resolve: { scale: { y: 'independent' } },
  spec: {
    width: 320, height: 220,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'hours', type: 'quantitative', title: 'training hours (one thread of 2 shared cores)' },
      y: { field: 'dB', type: 'quantitative', title: 'dB', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', legend: { labelLimit: 260, title: null } },
      strokeDash: { field: 'kind', type: 'nominal', legend: null, scale: { domain: ['model', 'baseline'], range: [[1, 0], [4, 4]] } },
      detail: { field: 'run' },
    },
  },
};
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
const svg = await view.toSVG();
await writeFileAtomic(values.out, svg);
process.stderr.write(`plot-curves: wrote ${values.out} (${points.filter((p) => p.kind === 'model').length / 2} checkpoints)\n`);
