/**
 * `npm run bench:train`: seconds per training step (ELBO forward + backward + Adam) for the GQN's
 * `cpu` preset and `paper` preset (at a small batch) and JUMP's `cpu` preset in its context and
 * query frames (3 targets per scene), on wasm with 2 threads, on the libtorch
 * backend (`torch`, 2 threads) where its addon is built and, where `import torch` works, on the
 * same model in PyTorch (python/gqn_torch) with 2 threads; measured in one run, side by side,
 * with the ratios. BENCH_STEPS sets the timed steps per cell, BENCH_PRESETS the cells
 * (`cpu,paper,jump:cpu:context,jump:cpu:query` by default).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Table from 'cli-table3';

import { torchAvailability } from '../src/engine/torch/index.js';
import { preset } from '../src/models/gqn/config.js';
import { JUMP_PRESETS } from '../src/models/jump/config.js';
import { pythonWithTorch } from './python.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const steps = Number(process.env.BENCH_STEPS ?? 3);
// BENCH_PRESETS=cpu limits the cells (the paper preset takes minutes per step on 2 cores).
const wanted = (process.env.BENCH_PRESETS ?? 'cpu,paper,jump:cpu:context,jump:cpu:query').split(',');
const cells = [
  // targets: the images a step renders and scores per scene (the GQN's one query, JUMP's T = 3).
  { preset: 'cpu', batch: 16, targets: 1 }, { preset: 'paper', batch: 2, targets: 1 },
  { preset: 'jump:cpu:context', batch: 16, targets: 3 }, { preset: 'jump:cpu:query', batch: 16, targets: 3 },
].filter((c) => wanted.includes(c.preset));

/** The cell's config as bench/train_torch.py reads it: a GQN config, or JUMP's wrapped with its kind. */
function torchConfig(spec: string): unknown {
  const [kind, name, frame] = spec.split(':');
  return kind === 'jump' ? { kind, model: { ...JUMP_PRESETS[name].model, contextFrame: frame } } : preset(spec);
}

interface Result { secondsPerStep: number; params: number }

function run(label: string, cmd: string, args: string[]): Result | null {
  process.stderr.write(`bench:train: ${label}...\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) {
    // The last few lines, each cut short: an aborted wasm module prints its whole minified source.
    // Stack frames and the module's source line are dropped; the progress and error lines stay.
    const tail = (r.stderr ?? '').split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && l.length < 400)
      .slice(-6).map((l) => l.slice(0, 200)).join('\n  ');
    process.stderr.write(`bench:train: ${label} failed (exit ${r.status ?? r.signal}):\n  ${tail}\n`);
    return null;
  }
  return JSON.parse(line) as Result;
}

const python = pythonWithTorch();
if (!python) process.stderr.write('bench:train: no python3 with torch (apt-get install python3-torch); PyTorch column omitted\n');
const tmp = mkdtempSync(join(tmpdir(), 'gqn-bench-train-'));
const libtorch = torchAvailability();
if (!libtorch.available) process.stderr.write(`bench:train: torch column omitted: ${libtorch.reason}\n`);
const torchHead = libtorch.available ? ['torch 2t s/step', 'torch targets/s'] : [];
const table = new Table({ style: { head: [], border: [] }, head: ['preset', 'batch', 'params', 'wasm 2t s/step', 'wasm targets/s', ...torchHead, 'PyTorch 2t s/step', 'PyTorch targets/s', 'wasm / PyTorch time', ...(libtorch.available ? ['torch / PyTorch time'] : [])] });
for (const cell of cells) {
  const wasm = run(`${cell.preset} batch ${cell.batch} on wasm`, process.execPath,
    ['--import', 'tsx', here('./train-run.ts'), 'wasm', '2', cell.preset, String(cell.batch), String(steps)]);
  const lt = libtorch.available ? run(`${cell.preset} batch ${cell.batch} on torch`, process.execPath,
    ['--import', 'tsx', here('./train-run.ts'), 'torch', '2', cell.preset, String(cell.batch), String(steps)]) : null;
  let torch: Result | null = null;
  if (python) {
    const configPath = join(tmp, `${cell.preset.replaceAll(':', '-')}.json`);
    writeFileSync(configPath, JSON.stringify(torchConfig(cell.preset)));
    torch = run(`${cell.preset} batch ${cell.batch} on PyTorch`, python, [here('./train_torch.py'), '2', configPath, String(cell.batch), String(steps)]);
  }
  const fmt = (r: Result | null, f: (r: Result) => string) => (r ? f(r) : 'n/a');
  table.push([
    cell.preset, cell.batch, fmt(wasm ?? torch, (r) => `${(r.params / 1e6).toFixed(1)}M`),
    fmt(wasm, (r) => r.secondsPerStep.toFixed(3)), fmt(wasm, (r) => (cell.batch * cell.targets / r.secondsPerStep).toFixed(1)),
    ...(libtorch.available ? [fmt(lt, (r) => r.secondsPerStep.toFixed(3)), fmt(lt, (r) => (cell.batch * cell.targets / r.secondsPerStep).toFixed(1))] : []),
    fmt(torch, (r) => r.secondsPerStep.toFixed(3)), fmt(torch, (r) => (cell.batch * cell.targets / r.secondsPerStep).toFixed(1)),
    wasm && torch ? (wasm.secondsPerStep / torch.secondsPerStep).toFixed(2) : 'n/a',
    ...(libtorch.available ? [lt && torch ? (lt.secondsPerStep / torch.secondsPerStep).toFixed(2) : 'n/a'] : []),
  ]);
}
process.stdout.write(`${table.toString()}\n`);
