/**
 * Training batches from a dataset folder in the gqn-datasets layout (ours or DeepMind's).
 *
 * Pipeline: shard files (order shuffled per epoch) -> records read in sequence, CRC-checked and
 * parsed -> shuffled in blocks of `shuffleBlock` scenes -> batches of B scenes, each with M
 * context views and Q query views drawn without replacement from its K views; only the chosen
 * views' JPEGs are decoded.
 *
 * Randomness and resuming: every random choice comes from an Rng derived from the seed and a
 * position (the file order from (seed, 'files', epoch), a block's order from (seed, 'block',
 * epoch, block), a batch's M and views from (seed, 'views', batch number)), so the whole stream
 * is a function of the seed and the ReaderState {epoch, position, batch} is all a checkpoint
 * needs: every Batch carries the state to resume *after* it, and `resume` restarts from one
 * (re-reading the current epoch up to `position`). This works the same with prefetching.
 *
 * Output is plain typed arrays with shapes (no tfjs here): images Float32 in [0, 1], NHWC per
 * view; viewpoints as 7-vectors (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch).
 */
import { join } from 'node:path';

import { Rng } from '../random/rng.js';
import { boxDownscale, canDownscale } from './downscale.js';
import { DataError, handleCorrupt, type CorruptPolicy } from './errors.js';
import { listShards, type Split } from './layout.js';
import { checkListedShards } from './manifest.js';
import { cameraRow, decodeView, readSceneRecords, viewCount, type LocatedScene } from './records.js';
import { encodeViewpoint } from './viewpoint.js';

export interface ReaderOptions extends CorruptPolicy {
  /** A dataset folder: `<root>/<world>` (ours) or `<root>/<dataset>` (DeepMind's). */
  dir: string;
  split?: Split;
  /** B: scenes per batch. */
  batchSize: number;
  /** M: a fixed number of context views, or 'random' for M ~ U{1..K-Q} per batch (default). */
  contextViews?: number | 'random';
  /** Q: query views per scene (default 1). */
  queryViews?: number;
  seed?: number;
  /** Shuffle file order and records (default true); false reads in file order. */
  shuffle?: boolean;
  /** Records shuffled together (default 1024); larger mixes more, costs memory. */
  shuffleBlock?: number;
  /** Passes over the data (default Infinity); batches run across epoch boundaries. */
  epochs?: number;
  /** With finite epochs, drop a last batch smaller than B (default false). */
  dropRemainder?: boolean;
  /** Resize square frames to this side by box filtering (side must divide the stored side). */
  imageSize?: number;
  /** Restart from a Batch's `state` (seed and split must be those it was saved with). */
  resume?: ReaderState;
}

/** Where the stream stands: enough to restart it exactly. Plain JSON, for checkpoints. */
export interface ReaderState {
  seed: number;
  /** Epoch of the next scene. */
  epoch: number;
  /** Scenes of that epoch already consumed. */
  position: number;
  /** Batches already consumed. */
  batch: number;
}

/** A Float32Array with its shape (row-major). */
export interface Shaped {
  data: Float32Array;
  shape: number[];
}

export interface Batch {
  /** [B, M, H, W, 3] */
  contextImages: Shaped;
  /** [B, M, 7] */
  contextViewpoints: Shaped;
  /** [B, Q, H, W, 3] */
  queryImages: Shaped;
  /** [B, Q, 7] */
  queryViewpoints: Shaped;
  /** Where each scene came from. */
  scenes: { file: string; index: number }[];
  /** Resume point after this batch. */
  state: ReaderState;
}

export const DEFAULT_SHUFFLE_BLOCK = 1024;

interface Positioned {
  scene: LocatedScene;
  /** State after this scene (batch field filled in by the batcher). */
  epoch: number;
  position: number;
}

/** The shuffled scene stream from `start` on, across epochs. */
async function* sceneStream(opts: ReaderOptions, files: string[], start: ReaderState): AsyncGenerator<Positioned> {
  const seed = opts.seed ?? 0;
  const shuffle = opts.shuffle ?? true;
  const block = opts.shuffleBlock ?? DEFAULT_SHUFFLE_BLOCK;
  const epochs = opts.epochs ?? Infinity;
  for (let epoch = start.epoch; epoch < epochs; epoch++) {
    const skip = epoch === start.epoch ? start.position : 0;
    const order = shuffle ? Rng.from(seed, 'files', epoch).shuffle(files.slice()) : files;
    let position = 0;
    let blockNo = 0;
    let buffer: LocatedScene[] = [];
    let seen = 0;
    const flush = function* (): Generator<Positioned> {
      if (shuffle) Rng.from(seed, 'block', epoch, blockNo).shuffle(buffer);
      blockNo++;
      for (const scene of buffer) {
        position++;
        if (position > skip) yield { scene, epoch, position };
      }
      buffer = [];
    };
    for (const file of order) {
      for await (const scene of readSceneRecords(file, opts)) {
        seen++;
        buffer.push(scene);
        if (buffer.length < block) continue;
        if (position + block <= skip) {
          // A whole block before the resume point: no need to shuffle it.
          position += block;
          blockNo++;
          buffer = [];
        } else {
          yield* flush();
        }
      }
    }
    if (buffer.length > 0) yield* flush();
    if (seen === 0) throw new Error(`no readable records in ${order.length === 0 ? 'an empty split' : order.join(', ')}`);
  }
}

/**
 * Batches, produced on the calling thread. Use `openReader` for the prefetching version (what
 * training should use); this is what its worker runs.
 */
export async function* batches(opts: ReaderOptions): AsyncGenerator<Batch> {
  const split = opts.split ?? 'train';
  const files = listShards(join(opts.dir, split));
  if (files.length === 0) throw new Error(`${join(opts.dir, split)}: no .tfrecord files`);
  // Always an error, even with skipCorrupt: a short shard loses records without any bad byte to skip.
  await checkListedShards(opts.dir, split);
  if (!(opts.batchSize >= 1)) throw new Error(`batchSize must be >= 1, got ${opts.batchSize}`);
  const Q = opts.queryViews ?? 1;
  if (!(Q >= 1)) throw new Error(`queryViews must be >= 1, got ${Q}`);
  const seed = opts.seed ?? 0;
  const start: ReaderState = opts.resume ?? { seed, epoch: 0, position: 0, batch: 0 };
  if (start.seed !== seed) throw new Error(`resume state was saved with seed ${start.seed}, reader has seed ${seed}`);

  const stream = sceneStream(opts, files, start);
  let batchNo = start.batch;
  try {
    for (;;) {
      const chosen: Positioned[] = [];
      while (chosen.length < opts.batchSize) {
        const next = await stream.next();
        if (next.done) break;
        chosen.push(next.value);
      }
      if (chosen.length === 0 || (chosen.length < opts.batchSize && opts.dropRemainder)) return;
      const end = chosen[chosen.length - 1];
      const state: ReaderState = { seed, epoch: end.epoch, position: end.position, batch: batchNo + 1 };
      const batch = assembleBatch(opts, chosen.map((c) => c.scene), Rng.from(seed, 'views', batchNo), Q, state);
      batchNo++;
      if (batch) yield batch;
    }
  } finally {
    // Closes the open file when the consumer stops early.
    await stream.return(undefined);
  }
}

/**
 * Picks M (shared by the batch) and each scene's views, decodes them and packs the arrays.
 * With skipCorrupt, scenes whose chosen JPEGs fail to decode are left out of the batch (so B
 * can come out smaller); returns undefined if none is left.
 */
function assembleBatch(opts: ReaderOptions, scenes: LocatedScene[], rng: Rng, Q: number, state: ReaderState): Batch | undefined {
  const minK = Math.min(...scenes.map(viewCount));
  let M: number;
  if (opts.contextViews === undefined || opts.contextViews === 'random') {
    if (minK - Q < 1) throw new Error(`scenes have ${minK} views: too few for ${Q} query view(s) and at least one context view`);
    M = rng.int(1, minK - Q);
  } else {
    M = opts.contextViews;
    if (!Number.isInteger(M) || M < 0) throw new Error(`contextViews must be a non-negative integer or 'random', got ${M}`);
    if (M + Q > minK) throw new Error(`${M} context + ${Q} query views asked for, but scenes have ${minK} views`);
  }
  const decoded: { scene: LocatedScene; ctx: Uint8Array[]; qry: Uint8Array[]; ctxK: number[]; qryK: number[]; side: number }[] = [];
  for (const scene of scenes) {
    const perm = rng.shuffle(Array.from({ length: viewCount(scene) }, (_, k) => k));
    const ctxK = perm.slice(0, M);
    const qryK = perm.slice(M, M + Q);
    try {
      const load = (k: number) => {
        const img = decodeView(scene, k);
        if (img.width !== img.height) throw new DataError(scene.file, scene.index, scene.offset, `frame ${k} is ${img.width}x${img.height}, not square`);
        return resize(img.data, img.width, opts.imageSize ?? img.width, scene, k);
      };
      const ctx = ctxK.map(load);
      const qry = qryK.map(load);
      decoded.push({ scene, ctx, qry, ctxK, qryK, side: Math.round(Math.sqrt(ctx[0].length / 3)) });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      handleCorrupt(e, opts);
    }
  }
  if (decoded.length === 0) return undefined;
  const side = decoded[0].side;
  for (const d of decoded) {
    if (d.side !== side) {
      throw new DataError(d.scene.file, d.scene.index, d.scene.offset, `frames are ${d.side}x${d.side}, earlier scenes in the batch ${side}x${side} (set imageSize)`);
    }
  }
  const B = decoded.length;
  const pixels = side * side * 3;
  const contextImages = new Float32Array(B * M * pixels);
  const queryImages = new Float32Array(B * Q * pixels);
  const contextViewpoints = new Float32Array(B * M * 7);
  const queryViewpoints = new Float32Array(B * Q * 7);
  decoded.forEach((d, b) => {
    d.ctx.forEach((img, m) => {
      toUnitFloat(img, contextImages, (b * M + m) * pixels);
      encodeViewpoint(cameraRow(d.scene, d.ctxK[m]), contextViewpoints, (b * M + m) * 7);
    });
    d.qry.forEach((img, q) => {
      toUnitFloat(img, queryImages, (b * Q + q) * pixels);
      encodeViewpoint(cameraRow(d.scene, d.qryK[q]), queryViewpoints, (b * Q + q) * 7);
    });
  });
  return {
    contextImages: { data: contextImages, shape: [B, M, side, side, 3] },
    contextViewpoints: { data: contextViewpoints, shape: [B, M, 7] },
    queryImages: { data: queryImages, shape: [B, Q, side, side, 3] },
    queryViewpoints: { data: queryViewpoints, shape: [B, Q, 7] },
    scenes: decoded.map((d) => ({ file: d.scene.file, index: d.scene.index })),
    state,
  };
}

function toUnitFloat(src: Uint8Array, dst: Float32Array, at: number): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = src[i] / 255;
}

/** Box-filter downscale (downscale.ts), with the error naming the scene and frame. */
function resize(rgb: Uint8Array, side: number, target: number, scene: LocatedScene, k: number): Uint8Array {
  if (!canDownscale(side, target)) {
    throw new DataError(scene.file, scene.index, scene.offset, `frame ${k} is ${side}x${side}; cannot resize to ${target} (must divide it)`);
  }
  return boxDownscale(rgb, side, target);
}
