/** The World interface every generator implements (re-exported by index.ts). */
import type { Rng } from '../random/rng.js';
import type { Camera } from './camera.js';
import type { SceneGraph } from './scene-graph.js';

export type WorldName =
  | 'rooms' | 'rooms-free' | 'rooms-free-rotations'
  | 'shepard-metzler-5' | 'shepard-metzler-7'
  | 'mazes' | 'mnist-dice';

export const WORLD_NAMES: readonly WorldName[] = [
  'rooms', 'rooms-free', 'rooms-free-rotations',
  'shepard-metzler-5', 'shepard-metzler-7',
  'mazes', 'mnist-dice',
];

export interface World {
  name: WorldName;
  /** Views per scene (DeepMind's count, except mazes: fewer than their 300). */
  defaultViews: number;
  /** Image side in pixels. */
  defaultSize: number;
  /** The scene graph; fully determined by the Rng stream. */
  generate(rng: Rng): SceneGraph;
  /** One camera for the scene; fully determined by the scene and the Rng stream. */
  sampleCamera(scene: SceneGraph, rng: Rng): Camera;
}
