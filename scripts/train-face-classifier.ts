/**
 * Makes classifiers/mnist-dice-faces/, the digit classifier that judges the consistency test
 * (src/eval/face-classifier.ts): trains it on rendered mnist-dice views and writes
 * classifier.json (settings, held-out accuracy) and model.safetensors, each atomically.
 *
 *   npx tsx scripts/train-face-classifier.ts [--out DIR --size 32 --views 12000 --steps 2000 --seed 7]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { writeFileAtomic } from '../src/data/atomic.js';
import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { FACE_CLASSIFIER_DIR, trainFaceClassifier } from '../src/eval/face-classifier.js';
import { saveWeights } from '../src/train/checkpoint.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: FACE_CLASSIFIER_DIR }, size: { type: 'string', default: '32' }, views: { type: 'string', default: '12000' },
    steps: { type: 'string', default: '2000' }, batch: { type: 'string', default: '64' }, seed: { type: 'string', default: '7' },
    backend: { type: 'string', default: 'torch' }, threads: { type: 'string', default: '1' },
  },
});
const int = (flag: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
await setupEngine({ backend: values.backend as 'torch' | 'wasm', threads: int('threads', values.threads) });
try {
  const started = Date.now();
  const { classifier, info } = trainFaceClassifier({
    imageSize: int('size', values.size), seed: int('seed', values.seed), views: int('views', values.views), steps: int('steps', values.steps),
    batch: int('batch', values.batch), lr: 1e-3, spreadDegrees: 35, heldOut: 2000,
    onProgress: (step, loss) => { if (step % 100 === 0) process.stderr.write(`step ${step} loss ${loss.toFixed(3)}\n`); },
  });
  await mkdir(values.out, { recursive: true });
  const tmp = join(values.out, 'model.safetensors.tmp');
  await saveWeights(tmp, classifier.store);
  await (await import('node:fs/promises')).rename(tmp, join(values.out, 'model.safetensors'));
  await writeFileAtomic(join(values.out, 'classifier.json'), `${JSON.stringify(info, null, 2)}\n`);
  classifier.dispose();
  process.stderr.write(`wrote ${values.out}: held-out accuracy ${(100 * info.heldOut.accuracy).toFixed(1)}% on ${info.heldOut.views} views (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
} finally {
  await shutdownEngine();
}
