/**
 * Follows training runs and scores each new latest checkpoint on held-out scenes with
 * `gqn eval`'s view-synthesis figures, appending one JSON line per checkpoint to OUT/<run>.jsonl:
 * the curves of viewpoint gap and PSNR over steps and hours in docs/models.md come from these.
 *
 *   npx tsx scripts/view-curve.ts --data DIR --out DIR [--scenes 64 --contexts 3 --every 60] RUN...
 *
 * Runs on the torch backend (one thread) when its addon is built, else wasm; it stops when
 * every run's metrics say it reached its last step, or on Ctrl-C.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { evaluateRun } from '../src/eval/evaluate.js';
import { latestCheckpoint } from '../src/train/checkpoint.js';
import { readRunConfig } from '../src/train/run-config.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' }, out: { type: 'string' }, scenes: { type: 'string', default: '64' },
    contexts: { type: 'string', default: '3' }, every: { type: 'string', default: '60' }, backend: { type: 'string', default: 'torch' },
  },
});
if (!values.data || !values.out || positionals.length === 0) {
  throw new Error('usage: view-curve.ts --data DIR --out DIR [--scenes N --contexts 3,9 --every SECONDS] RUN...');
}
const contexts = values.contexts.split(',').map(Number);
await setupEngine({ backend: values.backend as 'torch' | 'wasm', threads: 1 });
await mkdir(values.out, { recursive: true });
const done = new Map<string, string>();
let stop = false;
process.on('SIGINT', () => { stop = true; });

interface Line { time: string; step: number }

/** The run's logged metric lines (a torn last line, from a write in progress, is left out). */
async function metricLines(run: string): Promise<Line[]> {
  const lines: Line[] = [];
  for (const l of (await readFile(join(run, 'metrics.jsonl'), 'utf8')).split('\n')) {
    try {
      if (l.trim()) lines.push(JSON.parse(l) as Line);
    } catch {
      break;
    }
  }
  return lines;
}

/** Wall-clock seconds of training from the first logged line to `step` (resumed gaps excluded: steps over 10 minutes apart are not counted). */
function trainSeconds(lines: Line[], step: number): number {
  let seconds = 0;
  for (let i = 1; i < lines.length && lines[i].step <= step; i++) {
    const dt = (Date.parse(lines[i].time) - Date.parse(lines[i - 1].time)) / 1000;
    if (dt < 600) seconds += dt;
  }
  return seconds;
}

while (!stop) {
  let finished = 0;
  for (const run of positionals) {
    const checkpoint = await latestCheckpoint(run).catch(() => null);
    const config = await readRunConfig(run).catch(() => null);
    if (checkpoint == null || config == null) continue;
    const lines = await metricLines(run);
    if ((lines.at(-1)?.step ?? 0) >= config.train.steps) finished += 1;
    if (done.get(run) === checkpoint) continue;
    done.set(run, checkpoint);
    const report = await evaluateRun(run, { data: values.data, split: 'test', scenes: Number(values.scenes), batch: 16, contexts, seed: 7 });
    const seconds = trainSeconds(lines, report.step);
    const line = {
      run: basename(run), step: report.step, trainSeconds: seconds, sigma: report.sigma,
      results: report.results.map((r) => ({
        m: r.contextViews, priorMean: r.psnrPriorMean, sample: r.psnrPriorSample, wrongCamera: r.psnrWrongCamera, gap: r.viewpointGap,
        oracle: r.psnrSceneMean, contextMean: r.psnrContextMean, nearest: r.psnrNearestView, margin: r.marginOverOracle, kl: r.kl,
      })),
      otherScene: report.wrongScene?.psnrPriorMean,
    };
    await appendFile(join(values.out, `${basename(run)}.jsonl`), `${JSON.stringify(line)}\n`);
    const m = line.results[0];
    process.stdout.write(`${line.run} step ${line.step} (${(seconds / 3600).toFixed(2)} h): M=${m.m} prior mean ${m.priorMean.toFixed(2)} gap ${m.gap.toFixed(2)} margin ${m.margin.toFixed(2)} (oracle ${m.oracle.toFixed(2)}, nearest ${m.nearest.toFixed(2)}) KL ${m.kl.toFixed(1)}\n`);
  }
  if (finished === positionals.length) break;
  await new Promise((resolve) => setTimeout(resolve, Number(values.every) * 1000));
}
await shutdownEngine();
