/** Sizes from the config alone: the parameter count matches a built model; absurd fields are refused by name. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { checkWasmHeap, WASM_HEAP_BYTES } from '../../src/engine/heap.js';
import { PRESETS, validateConfig, type GqnConfig } from '../../src/models/gqn/config.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { gqnParameterCount, gqnTrainBytes } from '../../src/models/gqn/memory.js';
import { TINY } from './tiny-config.js';

before(() => setupEngine({ backend: 'cpu' }));
after(() => shutdownEngine());

test('gqnParameterCount equals the built model for pool and tower, shared cores or not', () => {
  for (const representation of ['pool', 'tower'] as const) {
    for (const shareCores of [false, true]) {
      const config: GqnConfig = { ...TINY, representation, shareCores };
      const model = new GQN(config, 0);
      assert.equal(gqnParameterCount(config), model.store.count(), `${representation} shareCores ${shareCores}`);
      model.dispose();
    }
  }
});

test('validateConfig names the field and the range; the cpu and paper presets pass', () => {
  for (const p of Object.values(PRESETS)) validateConfig({ ...p });
  const cases: [Partial<GqnConfig>, string][] = [
    [{ hChannels: 100000 }, 'config.hChannels: expected an integer in 1..4096, got 100000'],
    [{ imageSize: 0 }, 'config.imageSize: expected an integer in 1..1024, got 0'],
    [{ steps: 1.5 }, 'config.steps: expected an integer in 1..256, got 1.5'],
    [{ coreKernel: '3' as unknown as number }, 'config.coreKernel: expected an integer in 1..15, got "3"'],
    [{ shareCores: 'yes' as unknown as boolean }, 'config.shareCores: expected true or false, got "yes"'],
  ];
  for (const [change, message] of cases) assert.throws(() => validateConfig({ ...TINY, ...change }), { message });
  // Every field within its bound, but together far too many parameters.
  assert.throws(() => validateConfig({ ...PRESETS.paper, hChannels: 2048, coreKernel: 9 }), /^Error: config: .* parameters .*over the limit of 1\.07e\+9; lower hChannels/);
});

test('checkWasmHeap refuses over 4 GiB on wasm only, naming the subject', () => {
  const paper = PRESETS.paper;
  assert.ok(gqnTrainBytes(paper, 2, 3) < WASM_HEAP_BYTES);
  const huge = gqnTrainBytes(paper, 4096, 3);
  assert.throws(() => checkWasmHeap('wasm', huge, '--batch 4096'), /^Error: --batch 4096: needs about \d+\.\d GiB of tensors at once, more than the wasm backend's 4\.0 GiB heap; lower it$/);
  checkWasmHeap('torch', huge, '--batch 4096');
  checkWasmHeap('wasm', WASM_HEAP_BYTES, '--batch 1');
});
