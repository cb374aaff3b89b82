/**
 * Making one scene record: generate the scene graph, sample K cameras, render, JPEG-encode,
 * serialize the Example. Runs inside render workers (or on the main thread with 0 workers).
 *
 * Seeding: the scene graph comes from Rng.from(seed, world, split, index) and the cameras from
 * Rng.from(seed, world, split, index, 'cameras'). Nothing depends on which worker renders the
 * scene or when, and the cameras having their own stream means asking for more views keeps
 * the same scenes and the same first views.
 */
import { Rng } from '../random/rng.js';
import { encodeScene } from './example.js';
import { encodeJpeg } from './jpeg.js';
import type { Split } from './layout.js';
import type { SceneSource } from './source.js';

export interface RenderSettings {
  world: string;
  views: number;
  size: number;
  seed: number;
  quality: number;
  antialias: boolean;
}

export interface SceneResult {
  split: Split;
  index: number;
  /** The serialized tf.train.Example. */
  record: Uint8Array;
  /** One line of the scenes.jsonl side file (no newline). */
  sceneLine: string;
  /** Milliseconds spent: scene graph + cameras, ray tracing, JPEG + protobuf. */
  ms: { generate: number; render: number; encode: number };
}

export function makeScene(source: SceneSource, s: RenderSettings, split: Split, index: number): SceneResult {
  const t0 = performance.now();
  const scene = source.world.generate(Rng.from(s.seed, s.world, split, index));
  const cameraRng = Rng.from(s.seed, s.world, split, index, 'cameras');
  const cameras = new Float32Array(s.views * 5);
  const cams = [];
  for (let k = 0; k < s.views; k++) {
    const c = source.world.sampleCamera(scene, cameraRng);
    cams.push(c);
    cameras.set([c.position[0], c.position[1], c.position[2], c.yaw, c.pitch], k * 5);
  }
  const t1 = performance.now();
  const pixels = cams.map((c) => source.renderView(scene, c, s.size, { antialias: s.antialias }));
  const mapPixels = source.renderMap?.(scene, s.size);
  const t2 = performance.now();
  const frames = pixels.map((p) => encodeJpeg(p, s.size, s.size, s.quality));
  const map = mapPixels ? encodeJpeg(mapPixels, s.size, s.size, s.quality) : undefined;
  const record = encodeScene({ frames, cameras, map });
  const sceneLine = JSON.stringify({ index, scene });
  const t3 = performance.now();
  return { split, index, record, sceneLine, ms: { generate: t1 - t0, render: t2 - t1, encode: t3 - t2 } };
}
