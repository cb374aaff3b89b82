/**
 * The bit-for-bit resume check shared by the model kinds' training tests: a run stopped after 3
 * of 6 steps and resumed must log the same metrics and save the same weights and reader state as
 * a run that went straight through, leaking no tensors.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import type { RunConfig } from '../../src/train/run-config.js';
import { readSafetensors } from '../../src/train/safetensors.js';
import { train } from '../../src/train/trainer.js';

export async function metricLines(run: string) {
  return (await readFile(join(run, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
}

/** `keys`: the objective's metrics in logged order; `reader`: the reader state expected at step 6. */
export async function assertResumeBitForBit(dir: string, name: string, config: RunConfig, keys: readonly string[], reader: object): Promise<void> {
  const straight = join(dir, `${name}-straight`);
  const resumed = join(dir, `${name}-resumed`);
  await train(straight, config, false);
  let calls = 0;
  assert.equal((await train(resumed, config, false, { shouldStop: () => ++calls > 3 })).step, 3);
  assert.equal((await train(resumed, config, true)).step, 6);
  const [a, b] = [await metricLines(straight), await metricLines(resumed)];
  assert.deepEqual(b.map((m) => m.step), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Object.keys(a[0]).slice(2, 2 + keys.length), keys);
  for (let i = 0; i < a.length; i++) for (const k of [...keys, 'gradNorm']) assert.equal(b[i][k], a[i][k], `step ${i + 1} ${k}`);
  const wa = await readSafetensors(join(straight, 'checkpoints', '000000006', 'model.safetensors'));
  const wb = await readSafetensors(join(resumed, 'checkpoints', '000000006', 'model.safetensors'));
  for (const [n, t] of wa.tensors) assert.deepEqual(wb.tensors.get(n)!.data, t.data, n);
  const state = JSON.parse(await readFile(join(straight, 'checkpoints', '000000006', 'state.json'), 'utf8')) as { reader: object };
  assert.deepEqual(state.reader, reader);
  assert.equal(tf.memory().numTensors, 0, 'training leaked tensors');
}
