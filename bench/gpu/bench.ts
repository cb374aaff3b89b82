/**
 * The GPU benchmarks of bench/gpu/run.sh, side by side with PyTorch on the same GPU:
 *
 * - engine: convolution GFLOP/s of the GQN shapes (forward, input and filter gradients), the
 *   `torch` backend on `--device cuda` (bench/engine-run.ts) against bench/engine_torch.py;
 * - train: seconds per GQN training step (ELBO forward + backward + Adam) of the `cpu` and
 *   `paper` presets, the TypeScript model on torch/cuda (bench/train-run.ts) against its
 *   PyTorch twin (bench/train_torch.py).
 *
 * Runs from the bundle next to this file (engine-run.mjs, train-run.mjs), with the Node that
 * runs it and $PYTHON. Usage: node bench.mjs [device=cuda] [seconds-per-cell=1] [train-steps=10]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Table from 'cli-table3';

import { preset } from '../../src/models/gqn/config.js';
import { CONV_SHAPES } from '../engine-shapes.js';

const [device = 'cuda', secondsArg = '1', stepsArg = '10'] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.GQN_ROOT ?? path.resolve(here, '..', '..', '..');
const python = process.env.PYTHON ?? 'python3';
const tmp = mkdtempSync(path.join(tmpdir(), 'gqn-gpu-bench-'));

function run(label: string, cmd: string, args: string[], input?: string): Record<string, unknown> | null {
  process.stderr.write(`bench: ${label}...\n`);
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) {
    process.stderr.write(`bench: ${label} FAILED (exit ${r.status}): ${(r.stderr ?? '').slice(-1500)}\n`);
    return null;
  }
  return JSON.parse(line) as Record<string, unknown>;
}

type ConvResults = { results: { gflops: Record<string, number> }[] };
const node = (script: string, ...args: string[]) => [path.join(here, script), ...args];

const ours = run(`engine: torch on ${device}`, process.execPath, node('engine-run.mjs', 'torch', '1', '0', secondsArg, '3', device)) as ConvResults | null;
const theirs = run(`engine: PyTorch on ${device}`, python, [path.join(root, 'bench', 'engine_torch.py'), '1', secondsArg, device],
  JSON.stringify(CONV_SHAPES)) as ConvResults | null;
const engine = new Table({ style: { head: [], border: [] }, head: ['shape (batch 8, NHWC)', 'pass', `torch ${device} GFLOP/s`, `PyTorch ${device} GFLOP/s`, 'torch / PyTorch'] });
for (const [i, shape] of CONV_SHAPES.entries()) {
  for (const pass of ['forward', 'inputGrad', 'filterGrad']) {
    const a = ours?.results[i].gflops[pass];
    const b = theirs?.results[i].gflops[pass];
    engine.push([pass === 'forward' ? shape.name : '', pass, a?.toPrecision(4) ?? 'n/a', b?.toPrecision(4) ?? 'n/a', a && b ? (a / b).toFixed(2) : 'n/a']);
  }
}
process.stdout.write(`engine benchmark (convolutions), ${device}\n${engine.toString()}\n`);

type StepResult = { secondsPerStep: number; params: number };
const train = new Table({ style: { head: [], border: [] }, head: ['preset', 'batch', 'params', `torch ${device} s/step`, `PyTorch ${device} s/step`, 'torch / PyTorch time'] });
// On a GPU: the small preset and the paper's model at batch 8; a CPU rehearsal times the first.
const cells = device === 'cpu' ? [{ preset: 'cpu', batch: 16 }] : [{ preset: 'cpu', batch: 16 }, { preset: 'paper', batch: 8 }];
for (const cell of cells) {
  const config = path.join(tmp, `${cell.preset}.json`);
  writeFileSync(config, JSON.stringify(preset(cell.preset)));
  const a = run(`train: ${cell.preset} batch ${cell.batch} on torch ${device}`, process.execPath,
    node('train-run.mjs', 'torch', '1', cell.preset, String(cell.batch), stepsArg, device)) as StepResult | null;
  const b = run(`train: ${cell.preset} batch ${cell.batch} on PyTorch ${device}`, python,
    [path.join(root, 'bench', 'train_torch.py'), '1', config, String(cell.batch), stepsArg, device]) as StepResult | null;
  train.push([cell.preset, cell.batch, `${(((a ?? b)?.params ?? 0) / 1e6).toFixed(1)}M`, a?.secondsPerStep.toFixed(4) ?? 'n/a',
    b?.secondsPerStep.toFixed(4) ?? 'n/a', a && b ? (a.secondsPerStep / b.secondsPerStep).toFixed(2) : 'n/a']);
}
process.stdout.write(`training benchmark (GQN step: ELBO forward + backward + Adam), ${device}\n${train.toString()}\n`);
if (!ours || !theirs) process.exitCode = 1;
