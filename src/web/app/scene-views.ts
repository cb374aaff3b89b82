/**
 * A scene of the viewer and its K dataset views, made by the same world code, seeding and pixel
 * pipeline as `gqn data generate` + the reader: scene i of the test split of the model's dataset
 * is the very scene `gqn eval` reads (when the dataset settings are known), other worlds are
 * rendered at their default size.
 */
import { datasetView, unitFloats, type ViewSettings } from '../../data/dataset-view.js';
import { encodeViewpoint } from '../../data/viewpoint.js';
import { Rng } from '../../random/rng.js';
import { getWorld, type Camera, type SceneGraph, type WorldName } from '../../scenes/index.js';
import type { DatasetInfo } from './dataset-info.js';

/** The split whose seeding the viewer reuses: the model never trained on these scenes. */
export const SPLIT = 'test';

export interface SceneViews {
  world: WorldName;
  index: number;
  scene: SceneGraph;
  settings: ViewSettings;
  imageSize: number;
  cameras: Camera[];
  /** The views at the model's size, [0, 1], HWC. */
  images: Float32Array[];
  viewpoints: Float32Array[];
}

/** The dataset's pixel settings for its own world; another world's default size, made a multiple of the model's. */
export function viewSettings(dataset: DatasetInfo, world: WorldName, imageSize: number): { settings: ViewSettings; views: number } {
  if (world === dataset.world) return { settings: dataset, views: dataset.views };
  const w = getWorld(world);
  const size = Math.max(imageSize, imageSize * Math.floor(w.defaultSize / imageSize));
  return { settings: { size, quality: dataset.quality, antialias: dataset.antialias }, views: w.defaultViews };
}

export function cameraRow(c: Camera): number[] {
  return [c.position[0], c.position[1], c.position[2], c.yaw, c.pitch];
}

export function viewpointOf(c: Camera): Float32Array {
  return encodeViewpoint(cameraRow(c));
}

export function makeSceneViews(dataset: DatasetInfo, world: WorldName, index: number, imageSize: number): SceneViews {
  const w = getWorld(world);
  const { settings, views } = viewSettings(dataset, world, imageSize);
  const scene = w.generate(Rng.from(dataset.seed, world, SPLIT, index));
  const cams = Rng.from(dataset.seed, world, SPLIT, index, 'cameras');
  const cameras = Array.from({ length: views }, () => w.sampleCamera(scene, cams));
  const images = cameras.map((c) => unitFloats(datasetView(scene, c, settings, imageSize)));
  return { world, index, scene, settings, imageSize, cameras, images, viewpoints: cameras.map(viewpointOf) };
}

/** The true view from any camera, through the same pipeline as the context views. */
export function truthView(views: SceneViews, camera: Camera): Float32Array {
  return unitFloats(datasetView(views.scene, camera, views.settings, views.imageSize));
}
