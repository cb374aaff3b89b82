/**
 * The consistency test of Kumar et al. (2018) on mnist-dice: does one sample of a model show
 * one scene from every camera? Per test scene (the world's generator, seeded; not the training
 * data):
 *
 * - the context: three views around one side face A (azimuths a_A - 40, a_A, a_A + 40 degrees),
 *   so the face opposite A, C, is never seen;
 * - four query cameras around C (a_C - 30, -10, +10, +30 degrees): each sees C more squarely
 *   than any other face;
 * - per prior sample, the model draws the four views (JUMP: one scene latent rendered at the
 *   four cameras; the GQN: its generator drawn once per view, as it samples every query), and
 *   the face classifier (face-classifier.ts) reads the digit each view shows on C.
 *
 * Reported: within a sample, the share of view pairs whose digits agree and of samples whose
 * four views all agree; across samples at one camera, the share of sample pairs that agree (a
 * model whose samples never differ is trivially consistent; this says whether they do); the
 * share of views showing C's true digit (unknowable from the context, so near chance); the
 * same for the prior mean; the classifier on the true views (its ceiling); and, as a control
 * that the model draws digits at all, the seen face A read from a fifth camera (a_A + 20).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { encodeViewpoint } from '../data/viewpoint.js';
import type { GQN } from '../models/gqn/gqn.js';
import type { JUMP } from '../models/jump/jump.js';
import type { Draw, EvalOptions, EvalResult } from '../models/model.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { cameraRow, diceScene, faceDigits, renderDiceView, ringCamera, SIDE_FACES } from './dice-views.js';
import { FACE_CLASSIFIER_DIR, FACE_CLASSIFIER_NAME, loadFaceClassifier } from './face-classifier.js';

const DEG = Math.PI / 180;
export const CONTEXT_OFFSETS_DEG = [-40, 0, 40];
export const QUERY_OFFSETS_DEG = [-30, -10, 10, 30];
export const SEEN_OFFSET_DEG = 20;

/** The model under test: a GQN (one latent per query view) or JUMP (one per scene). */
export type ConsistencySubject =
  | { kind: 'gqn'; run: string; step: number; model: GQN }
  | { kind: 'jump'; run: string; step: number; model: JUMP };

export interface ConsistencyOptions {
  scenes: number;
  /** Prior samples per scene. */
  samples: number;
  batch: number;
  seed: number;
  /** The face classifier's folder (default: the shipped classifiers/mnist-dice-faces). */
  classifier?: string;
  onProgress?: (done: number, total: number) => void;
}

/** How a set of four views of the hidden face reads. */
export interface ViewAgreement {
  /** Share of the 6 view pairs whose digits agree, mean over scenes (and samples). */
  pairAgreement: number;
  /** Share of view sets whose four digits are one. */
  allAgree: number;
  /** Share of views showing the face's true digit. */
  accuracy: number;
}

export interface ConsistencyReport {
  run: string;
  kind: 'gqn' | 'jump';
  step: number;
  scenes: number;
  samples: number;
  seed: number;
  protocol: { contextOffsetsDeg: number[]; queryOffsetsDeg: number[]; seenOffsetDeg: number };
  classifier: { dir: string; heldOutAccuracy: number };
  /** The classifier on the true views at the query cameras. */
  truth: ViewAgreement;
  /** Prior samples, each read across its four views. */
  samplesWithin: ViewAgreement;
  /** Share of sample pairs that agree at one camera, mean over cameras and scenes (needs >= 2 samples). */
  samplesAcross: number | null;
  /** The prior mean (every latent at its prior's mean). */
  priorMean: ViewAgreement;
  /** The seen face A read from the model's prior mean at a_A + 20 degrees: share correct. */
  seenFaceAccuracy: number;
  /** The same on the true view. */
  seenFaceTruthAccuracy: number;
}

class AgreementSums {
  private pairs = 0;
  private all = 0;
  private correct = 0;
  private sets = 0;

  add(classes: ArrayLike<number>, truth: number): void {
    let agree = 0;
    let n = 0;
    for (let a = 0; a < classes.length; a++) {
      if (classes[a] === truth) this.correct += 1;
      for (let b = a + 1; b < classes.length; b++, n++) if (classes[a] === classes[b]) agree += 1;
    }
    this.pairs += agree / n;
    this.all += agree === n ? 1 : 0;
    this.sets += 1;
  }

  result(views: number): ViewAgreement {
    return { pairAgreement: this.pairs / this.sets, allAgree: this.all / this.sets, accuracy: this.correct / (this.sets * views) };
  }
}

/** One scene's test cameras and truth. */
interface DiceCase {
  context: Float32Array[];
  contextV: Float32Array[];
  queryV: Float32Array[];
  seenV: Float32Array;
  truthViews: Float32Array[];
  seenTruth: Float32Array;
  hiddenDigit: number;
  seenDigit: number;
}

function diceCase(seed: number, index: number, size: number): DiceCase {
  const scene = diceScene(seed, 'consistency', index);
  const digits = faceDigits(scene);
  const rng = Rng.from(seed, 'consistency-face', index);
  const a = rng.int(0, 3);
  const seen = SIDE_FACES[a];
  const hidden = SIDE_FACES[(a + 2) % 4];
  const view = (azimuth: number) => {
    const camera = ringCamera(scene, azimuth);
    return { image: renderDiceView(scene, camera, size), v: encodeViewpoint(cameraRow(camera)) };
  };
  const ctx = CONTEXT_OFFSETS_DEG.map((o) => view(seen.azimuth + o * DEG));
  const qry = QUERY_OFFSETS_DEG.map((o) => view(hidden.azimuth + o * DEG));
  const seenView = view(seen.azimuth + SEEN_OFFSET_DEG * DEG);
  return {
    context: ctx.map((c) => c.image), contextV: ctx.map((c) => c.v),
    queryV: qry.map((q) => q.v), truthViews: qry.map((q) => q.image),
    seenV: seenView.v, seenTruth: seenView.image,
    hiddenDigit: digits[hidden.face], seenDigit: digits[seen.face],
  };
}

/**
 * Views [B, Q, S, S, C] of one draw at the cameras [B, Q, 7]: JUMP renders one scene latent
 * at all Q; the GQN draws each view's latents apart (seeds derived per view), as it samples.
 */
function drawViews(subject: ConsistencySubject, ctx: tf.Tensor5D, ctxV: tf.Tensor3D, queryV: tf.Tensor3D, draw: Draw): tf.Tensor5D {
  return tf.tidy(() => {
    if (subject.kind === 'jump') return subject.model.predictViews(ctx, ctxV, queryV, [draw])[0];
    const [b, q] = queryV.shape;
    const views = Array.from({ length: q }, (_, k) => {
      const v = tf.reshape(tf.slice(queryV, [0, k, 0], [b, 1, 7]), [b, 7]) as tf.Tensor2D;
      return subject.model.predict(ctx, ctxV, v, [draw === 'mean' ? 'mean' : deriveSeed(draw, 'view', k)])[0];
    });
    return tf.stack(views, 1) as tf.Tensor5D;
  });
}

/** Refuses a run whose dataset.json names another world (a run without one is taken as is). */
async function checkDiceRun(run: string): Promise<void> {
  const path = join(run, 'dataset.json');
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text == null) return;
  const world = (JSON.parse(text) as { world?: string }).world;
  if (world != null && world !== 'mnist-dice') throw new Error(`--consistency: ${run} was trained on ${world} (${path}); the test needs a model of mnist-dice`);
}

export async function evaluateConsistency(subject: ConsistencySubject, o: ConsistencyOptions): Promise<ConsistencyReport> {
  const { model } = subject;
  await checkDiceRun(subject.run);
  const size = model.config.imageSize;
  const dir = o.classifier ?? FACE_CLASSIFIER_DIR;
  const { classifier, info } = await loadFaceClassifier(dir);
  if (info.imageSize !== size) {
    classifier.dispose();
    throw new Error(`${dir}: the face classifier reads ${info.imageSize}x${info.imageSize} views, the model draws ${size}x${size}`);
  }
  const q = QUERY_OFFSETS_DEG.length;
  const m = CONTEXT_OFFSETS_DEG.length;
  const truth = new AgreementSums();
  const within = new AgreementSums();
  const mean = new AgreementSums();
  let across = 0;
  let acrossCount = 0;
  let seenCorrect = 0;
  let seenTruthCorrect = 0;
  try {
    for (let start = 0; start < o.scenes; start += o.batch) {
      const n = Math.min(o.batch, o.scenes - start);
      const cases = Array.from({ length: n }, (_, i) => diceCase(o.seed, start + i, size));
      const flat = (get: (c: DiceCase) => Float32Array[]) => {
        const parts = cases.flatMap(get);
        const out = new Float32Array(parts.reduce((k, p) => k + p.length, 0));
        let at = 0;
        for (const p of parts) { out.set(p, at); at += p.length; }
        return out;
      };
      const truthClasses = classifier.classify(flat((c) => c.truthViews));
      const seenTruthClasses = classifier.classify(flat((c) => [c.seenTruth]));
      const draws: Draw[] = [...Array.from({ length: o.samples }, (_, j) => deriveSeed(o.seed, 'consistency-sample', start, j)), 'mean'];
      const [sampleImages, seenImages] = tf.tidy(() => {
        const ctx = tf.tensor5d(flat((c) => c.context), [n, m, size, size, 3]);
        const ctxV = tf.tensor3d(flat((c) => c.contextV), [n, m, 7]);
        const queryV = tf.tensor3d(flat((c) => c.queryV), [n, q, 7]);
        const seenV = tf.tensor3d(flat((c) => [c.seenV]), [n, 1, 7]);
        return [
          draws.map((draw) => drawViews(subject, ctx, ctxV, queryV, draw).dataSync() as Float32Array),
          drawViews(subject, ctx, ctxV, seenV, 'mean').dataSync() as Float32Array,
        ];
      });
      const classes = sampleImages.map((x) => classifier.classify(x));
      const seenClasses = classifier.classify(seenImages);
      for (let i = 0; i < n; i++) {
        const c = cases[i];
        const views = (a: Int32Array) => a.subarray(i * q, (i + 1) * q);
        truth.add(views(truthClasses), c.hiddenDigit);
        for (let j = 0; j < o.samples; j++) within.add(views(classes[j]), c.hiddenDigit);
        mean.add(views(classes[o.samples]), c.hiddenDigit);
        if (o.samples >= 2) {
          for (let k = 0; k < q; k++) {
            let agree = 0;
            let pairs = 0;
            for (let a = 0; a < o.samples; a++) for (let b = a + 1; b < o.samples; b++, pairs++) if (classes[a][i * q + k] === classes[b][i * q + k]) agree += 1;
            across += agree / pairs;
            acrossCount += 1;
          }
        }
        if (seenClasses[i] === c.seenDigit) seenCorrect += 1;
        if (seenTruthClasses[i] === c.seenDigit) seenTruthCorrect += 1;
      }
      o.onProgress?.(start + n, o.scenes);
    }
  } finally {
    classifier.dispose();
  }
  return {
    run: subject.run, kind: subject.kind, step: subject.step, scenes: o.scenes, samples: o.samples, seed: o.seed,
    protocol: { contextOffsetsDeg: CONTEXT_OFFSETS_DEG, queryOffsetsDeg: QUERY_OFFSETS_DEG, seenOffsetDeg: SEEN_OFFSET_DEG },
    classifier: { dir: o.classifier ?? FACE_CLASSIFIER_NAME, heldOutAccuracy: info.heldOut.accuracy },
    truth: truth.result(q),
    samplesWithin: within.result(q),
    samplesAcross: acrossCount > 0 ? across / acrossCount : null,
    priorMean: mean.result(q),
    seenFaceAccuracy: seenCorrect / o.scenes,
    seenFaceTruthAccuracy: seenTruthCorrect / o.scenes,
  };
}

/** `gqn eval --consistency` for a kind (the GQN's and JUMP's evaluation run this). */
export async function consistencyResult(subject: ConsistencySubject, o: EvalOptions): Promise<EvalResult> {
  const report = await evaluateConsistency(subject, { scenes: o.scenes, samples: o.samples ?? 4, batch: o.batch, seed: o.seed, onProgress: o.onProgress });
  return { json: report, text: formatConsistency(report) };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatConsistency(r: ConsistencyReport): string {
  const row = (name: string, a: ViewAgreement) => `${name.padEnd(30)} ${pct(a.pairAgreement).padStart(8)} ${pct(a.allAgree).padStart(9)} ${pct(a.accuracy).padStart(10)}`;
  return [
    `consistency on mnist-dice: ${r.kind} ${r.run} at step ${r.step}, ${r.scenes} scenes, ${r.samples} samples each (seed ${r.seed})`,
    `context: 3 views at ${r.protocol.contextOffsetsDeg.join(', ')} deg from face A; queries: 4 views at ${r.protocol.queryOffsetsDeg.join(', ')} deg from the hidden face C`,
    `face classifier ${r.classifier.dir}: ${pct(r.classifier.heldOutAccuracy)} on held-out true views`,
    '',
    `${'digit read on the hidden face C'.padEnd(30)} ${'pairs'.padStart(8)} ${'all four'.padStart(9)} ${'true digit'.padStart(10)}`,
    row('true views (classifier ceiling)', r.truth),
    row(`prior samples (within one)`, r.samplesWithin),
    row('prior mean', r.priorMean),
    '',
    `samples differ? agreement between samples at one camera: ${r.samplesAcross == null ? 'n/a (one sample)' : pct(r.samplesAcross)}`,
    `seen face A at +${r.protocol.seenOffsetDeg} deg, read correctly: prior mean ${pct(r.seenFaceAccuracy)}, true view ${pct(r.seenFaceTruthAccuracy)}`,
  ].join('\n');
}
