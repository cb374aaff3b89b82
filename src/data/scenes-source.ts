/** The default scene source: gqn's own worlds and CPU ray tracer (src/scenes). */
import { getWorld, renderMap, renderView } from '../scenes/index.js';
import type { SceneSource } from './source.js';

export function loadSource(worldName: string): SceneSource {
  const world = getWorld(worldName);
  return {
    world,
    renderView,
    // Only the mazes world has a map (the paper's second generator renders it top-down).
    renderMap: world.name === 'mazes' ? renderMap : undefined,
  };
}
