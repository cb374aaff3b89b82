/**
 * Where scenes come from: a world (scene graphs and cameras) plus the renderer. Generation
 * imports a *module* that provides one (`loadSource(worldName)`), so that worker threads can
 * build their own copy; the default module is scenes-source.ts (the real worlds and ray
 * tracer), and tests pass a tiny fake world of their own.
 */
import type { Camera, SceneGraph, World } from '../scenes/index.js';

export interface SceneSource {
  world: World;
  renderView(scene: SceneGraph, camera: Camera, size: number, options?: { antialias?: boolean }): Uint8Array;
  /** Present for worlds with a top-down map (mazes): stored as the `map` feature. */
  renderMap?(scene: SceneGraph, size: number): Uint8Array;
}

/** What a source module exports. */
export interface SceneSourceModule {
  loadSource(worldName: string): SceneSource | Promise<SceneSource>;
}

/** `.ts` when running from source through tsx, `.js` in a compiled build. */
export const MODULE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export const DEFAULT_SOURCE_MODULE = new URL(`./scenes-source${MODULE_EXT}`, import.meta.url).href;

/** Imports a source module (a URL string) and loads the named world from it. */
export async function loadSceneSource(moduleUrl: string, worldName: string): Promise<SceneSource> {
  const mod = (await import(moduleUrl)) as SceneSourceModule;
  if (typeof mod.loadSource !== 'function') throw new Error(`${moduleUrl} does not export loadSource(worldName)`);
  return mod.loadSource(worldName);
}
