/**
 * Public API of the scene generators and the CPU ray tracer. Browser-safe: nothing imported
 * from here touches node: modules (the Node-only helpers are contact-sheet.ts, mnist-node.ts
 * and tools/*, which nothing here imports).
 */
import { WORLD_NAMES, type World, type WorldName } from './world.js';
import { roomsWorld } from './worlds/rooms.js';
import { shepardMetzlerWorld } from './worlds/shepard-metzler.js';
import { mazesWorld } from './worlds/mazes.js';
import { mnistDiceWorld } from './worlds/mnist-dice.js';

export type { Camera } from './camera.js';
export { cameraBasis, lookAt, projectPoint } from './camera.js';
export type * from './scene-graph.js';
export { renderView, renderMap, renderViewLinear, renderMapLinear, type RenderOptions } from './render.js';

export { WORLD_NAMES, type WorldName, type World } from './world.js';

const WORLDS: Record<WorldName, () => World> = {
  rooms: () => roomsWorld('rooms'),
  'rooms-free': () => roomsWorld('rooms-free'),
  'rooms-free-rotations': () => roomsWorld('rooms-free-rotations'),
  'shepard-metzler-5': () => shepardMetzlerWorld(5),
  'shepard-metzler-7': () => shepardMetzlerWorld(7),
  mazes: () => mazesWorld(),
  'mnist-dice': () => mnistDiceWorld(),
};

export function isWorldName(name: string): name is WorldName {
  return (WORLD_NAMES as readonly string[]).includes(name);
}

export function getWorld(name: string): World {
  if (!isWorldName(name)) {
    throw new Error(`unknown world "${name}"; valid worlds: ${WORLD_NAMES.join(', ')}`);
  }
  return WORLDS[name]();
}
