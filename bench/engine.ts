/**
 * `npm run bench:engine`: convolution GFLOP/s for the GQN shapes, forward, input gradient and
 * filter gradient, on wasm with 1 and 2 threads, the pure-JS cpu backend with BENCH_CPU=1 (batch 1:
 * it is two orders of magnitude slower), the libtorch backend (`torch`, 2 threads) where its addon is
 * built, and PyTorch with 2 threads where `import torch` works; measured in one run, side by
 * side, with the ratios wasm(2 threads) / PyTorch and torch(2 threads) / PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import Table from 'cli-table3';

import { torchAvailability } from '../src/engine/torch/index.js';
import { CONV_SHAPES } from './engine-shapes.js';
import { pythonWithTorch } from './python.js';

interface Column { label: string; results: { name: string; batch: number; gflops: Record<string, number> }[] }

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 1.5);

function runChild(label: string, cmd: string, args: string[], input?: string): Column | null {
  process.stderr.write(`bench:engine: measuring ${label}...\n`);
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) {
    process.stderr.write(`bench:engine: ${label} failed: ${r.stderr?.slice(-500)}\n`);
    return null;
  }
  return { label, results: JSON.parse(line).results };
}

const tfjs = (backend: string, threads: number, batch: number, secs: number, minRuns = 3) =>
  runChild(`${backend} ${threads}t${batch ? ` (batch ${batch})` : ''}`, process.execPath,
    ['--import', 'tsx', here('./engine-run.ts'), backend, String(threads), String(batch), String(secs), String(minRuns)]);

// The libtorch backend where its addon is built (npm run build:torch).
const torchBackend = torchAvailability();
if (!torchBackend.available) process.stderr.write(`bench:engine: torch column omitted: ${torchBackend.reason}\n`);

// The pure-JS column takes minutes per cell (its filter gradient runs below 0.05 GFLOP/s):
// opt in with BENCH_CPU=1.
const cpuColumn = process.env.BENCH_CPU === '1';
if (!cpuColumn) process.stderr.write('bench:engine: cpu (pure JS) column omitted; BENCH_CPU=1 adds it (slow)\n');
const columns: (Column | null)[] = [tfjs('wasm', 1, 0, seconds), tfjs('wasm', 2, 0, seconds), cpuColumn ? tfjs('cpu', 1, 1, 0, 1) : null,
  torchBackend.available ? tfjs('torch', 2, 0, seconds) : null];
const python = pythonWithTorch();
const torch = python
  ? runChild('PyTorch 2t', python, [here('./engine_torch.py'), '2', String(seconds)], JSON.stringify(CONV_SHAPES))
  : null;
if (!python) process.stderr.write('bench:engine: no python3 with torch (apt-get install python3-torch); PyTorch column omitted\n');
columns.push(torch);

const present = columns.filter((c): c is Column => c != null);
const wasm2 = present.find((c) => c.label === 'wasm 2t');
const torch2 = present.find((c) => c.label === 'torch 2t');
const vsPyTorch = torch ? [wasm2, torch2].filter((c): c is Column => c != null) : [];
const table = new Table({
  style: { head: [], border: [] },
  head: ['shape (batch 8, NHWC)', 'pass', ...present.map((c) => `${c.label} GFLOP/s`), ...vsPyTorch.map((c) => `${c.label} / PyTorch`)],
});
for (const [i, shape] of CONV_SHAPES.entries()) {
  for (const pass of ['forward', 'inputGrad', 'filterGrad']) {
    const cells = present.map((c) => c.results[i].gflops[pass].toPrecision(3));
    const ratio = vsPyTorch.map((c) => (c.results[i].gflops[pass] / torch!.results[i].gflops[pass]).toFixed(2));
    table.push([pass === 'forward' ? shape.name : '', pass, ...cells, ...ratio]);
  }
}
process.stdout.write(`${table.toString()}\n`);
