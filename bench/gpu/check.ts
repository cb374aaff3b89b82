/**
 * The GPU kernel check of bench/gpu/run.sh: the `torch` backend on `--device cuda` against the
 * `cpu` backend, every op of the catalogue forward and backward within 1e-4 (TF32 off: run with
 * GQN_TORCH_TF32=0), then live tensors and libtorch tensors flat over a few hundred training
 * steps of a small GQN-shaped network. Prints one line per part; exits 1 on any failure.
 *
 * Usage: node check.mjs [device=cuda] [seeds=2] [steps=300]
 */
import * as tf from '@tensorflow/tfjs-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import type { BackendTorch } from '../../src/engine/torch/index.js';
import { compareWithCpu, TOLERANCE } from '../../test/engine/parity.js';
import { smallGqn } from '../../test/engine/small-gqn.js';

const [device = 'cuda', seedsArg = '2', stepsArg = '300'] = process.argv.slice(2);
const out = (line: string) => process.stdout.write(`check: ${line}\n`);
let ok = true;

const info = await setupEngine({ backend: 'torch', device, threads: 4 });
out(`backend ${info.backend} (${info.library}) on ${info.device}`);

for (let seed = 1; seed <= Number(seedsArg); seed++) {
  const t0 = performance.now();
  const { checked, failures } = await compareWithCpu('torch', seed);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  out(`seed ${seed}: ${checked} ops forward and backward on ${device} vs cpu, ${failures.length} beyond ${TOLERANCE} (${s} s)`);
  for (const f of failures) out(`  FAIL ${f.op} ${f.output}: relative error ${f.error}`);
  if (failures.length > 0 || checked < 90) ok = false;
}

const backend = tf.engine().backend as unknown as BackendTorch;
const snapshot = () => JSON.stringify({ tensors: tf.memory().numTensors, ids: backend.numDataIds(), native: backend.nativeStats() });
const model = smallGqn(3);
for (let i = 0; i < 3; i++) model.step();
const start = snapshot();
const steps = Number(stepsArg);
const t0 = performance.now();
let loss = NaN;
for (let i = 0; i < steps; i++) loss = model.step();
const end = snapshot();
model.dispose();
const flat = start === end && Number.isFinite(loss);
out(`${steps} small training steps on ${device}: ${flat ? 'tensors flat' : `LEAK or bad loss: ${start} -> ${end}, loss ${loss}`} ` +
  `(${((performance.now() - t0) / steps).toFixed(1)} ms/step)`);
if (!flat) ok = false;

await shutdownEngine();
out(ok ? 'PASS' : 'FAIL');
process.exitCode = ok ? 0 : 1;
