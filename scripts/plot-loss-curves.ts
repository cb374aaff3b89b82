/**
 * Draws the training loss of runs (their metrics.jsonl) as an SVG for docs/models.md: the mean of
 * the logged values over windows of --window steps against the step, one line per run. Each run's
 * loss is the first value after `time` in its lines (the objective's lossKey: a CNP's nll, an NP's
 * elbo), so runs of different kinds share one chart when their losses share a unit.
 *
 *   npx tsx scripts/plot-loss-curves.ts --out docs/images/np-gp-curves.svg [--window 250 --title T] RUN...
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { writeFileAtomic } from '../src/data/atomic.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, window: { type: 'string', default: '250' }, title: { type: 'string', default: '' }, 'y-title': { type: 'string', default: 'training loss' } },
});
if (!values.out || positionals.length === 0) throw new Error('usage: plot-loss-curves.ts --out FILE.svg [--window 250 --title T --y-title T] RUN...');
const window = Number(values.window);
if (!Number.isInteger(window) || window < 1) throw new Error(`--window: expected a positive integer, got ${values.window}`);

interface Point { run: string; step: number; loss: number }
const points: Point[] = [];
for (const run of positionals) {
  const lines = (await readFile(join(run, 'metrics.jsonl'), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, number | string>);
  const key = Object.keys(lines[0])[2];
  const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8')) as { kind?: string };
  const label = `${config.kind ?? 'gqn'} (${key === 'elbo' ? '-ELBO' : key})`;
  // A resumed run may log a step twice (the lines after its last checkpoint): keep the last.
  const byStep = new Map(lines.map((l) => [Number(l.step), Number(l[key])]));
  const sums = new Map<number, { sum: number; n: number }>();
  for (const [step, loss] of byStep) {
    const end = Math.ceil(step / window) * window;
    const s = sums.get(end) ?? { sum: 0, n: 0 };
    s.sum += loss;
    s.n += 1;
    sums.set(end, s);
  }
  for (const [step, { sum, n }] of [...sums].sort((a, b) => a[0] - b[0])) points.push({ run: label || basename(run), step, loss: sum / n });
}

const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: values.title,
  data: { values: points },
  width: 420, height: 240,
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'step', type: 'quantitative', title: 'training step' },
    y: { field: 'loss', type: 'quantitative', title: values['y-title'], scale: { zero: false } },
    color: { field: 'run', type: 'nominal', legend: { labelLimit: 260, title: null } },
  },
};
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
await writeFileAtomic(values.out, await view.toSVG());
process.stderr.write(`plot-loss-curves: wrote ${values.out} (${points.length} points)\n`);
