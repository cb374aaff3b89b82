/**
 * A tiny stand-in world for the data pipeline tests, so they need neither the real worlds nor
 * the ray tracer. A scene is one coloured disc on a two-tone background; a camera is a point on
 * a ring. The "rendering" is a cheap pure function of scene and camera, different per view.
 * `loadSource('mazes')` also provides a map, to exercise the `map` feature, and
 * `loadSource('mnist-dice')` gives a world whose scene 3 fails, to exercise error handling.
 */
import { Rng } from '../../src/random/rng.js';
import type { Camera, SceneGraph, World, WorldName } from '../../src/scenes/index.js';
import type { SceneSource } from '../../src/data/source.js';

interface FakeScene {
  world: string;
  color: [number, number, number];
  radius: number;
}

function world(name: WorldName): World {
  return {
    name,
    defaultViews: 4,
    defaultSize: 16,
    generate(rng: Rng): SceneGraph {
      if (name === 'mnist-dice' && rng.getState().state === Rng.from(1, name, 'train', 3).getState().state) throw new Error('fake failure');
      const scene: FakeScene = { world: name, color: [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)], radius: rng.uniform(0.2, 0.45) };
      return scene as unknown as SceneGraph;
    },
    sampleCamera(_scene: SceneGraph, rng: Rng): Camera {
      const yaw = rng.uniform(-Math.PI, Math.PI);
      const pitch = rng.uniform(-0.5, 0.5);
      return { position: [3 * Math.cos(yaw), 1 + pitch, 3 * Math.sin(yaw)], yaw: yaw + Math.PI, pitch };
    },
  };
}

function renderView(scene: SceneGraph, camera: Camera, size: number): Uint8Array {
  const s = scene as unknown as FakeScene;
  const out = new Uint8Array(size * size * 3);
  const cx = 0.5 + 0.3 * Math.cos(camera.yaw);
  const cy = 0.5 + 0.3 * Math.sin(camera.pitch * 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size - cx;
      const v = (y + 0.5) / size - cy;
      const p = (y * size + x) * 3;
      if (u * u + v * v < s.radius * s.radius) out.set(s.color, p);
      else out.set(y < size / 2 ? [200, 220, 240] : [90, 70, 50], p);
    }
  }
  return out;
}

function renderMap(scene: SceneGraph, size: number): Uint8Array {
  const s = scene as unknown as FakeScene;
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) out.set((i + Math.floor(i / size)) % 2 ? s.color : [255, 255, 255], i * 3);
  return out;
}

export function loadSource(worldName: string): SceneSource {
  const w = world(worldName as WorldName);
  return { world: w, renderView, renderMap: worldName === 'mazes' ? renderMap : undefined };
}
