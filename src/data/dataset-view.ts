/**
 * A view of a scene exactly as a model trained on a generated dataset sees it: ray traced at
 * the dataset's size (scene-task.ts), through a JPEG round trip at the dataset's quality (the
 * files store JPEG), box-filtered to the model's size like the reader does. Browser-safe: the
 * viewer feeds its context views and computes its ground truth with this.
 */
import { renderView, type Camera, type SceneGraph } from '../scenes/index.js';
import { boxDownscale } from './downscale.js';
import { decodeJpeg, encodeJpeg } from './jpeg.js';

/** The dataset settings that change the pixels (manifest.json's `settings`). */
export interface ViewSettings {
  /** Side the dataset renders at. */
  size: number;
  /** JPEG quality of the stored frames. */
  quality: number;
  antialias: boolean;
}

/** RGB bytes, imageSize x imageSize, row 0 on top. */
export function datasetView(scene: SceneGraph, camera: Camera, settings: ViewSettings, imageSize: number): Uint8Array {
  const rgb = renderView(scene, camera, settings.size, { antialias: settings.antialias });
  const stored = decodeJpeg(encodeJpeg(rgb, settings.size, settings.size, settings.quality));
  return boxDownscale(stored.data, settings.size, imageSize);
}

/** Bytes to the model's [0, 1] floats (the reader's scaling). */
export function unitFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}
