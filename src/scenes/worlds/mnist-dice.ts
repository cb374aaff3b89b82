/**
 * MNIST dice (after the Consistent GQN / JUMP test scene): a cube with a different MNIST digit
 * on each face, seen by a ring camera. The digits ride in the scene graph itself (texture
 * kind 'digits'), so rendering needs nothing but the scene.
 */
import type { Rng } from '../../random/rng.js';
import type { SceneGraph } from '../scene-graph.js';
import type { World } from '../world.js';
import { embeddedDigitPool, type DigitPool } from './mnist-digits.js';
import { hsvToRgb } from './palette.js';
import { sampleRigCamera } from './rooms.js';

/** Face order of the digits texture. */
export const DICE_FACES = ['+x', '-x', '+y', '-y', '+z', '-z'] as const;

export function generateMnistDice(rng: Rng, pool: DigitPool): SceneGraph {
  // Six different classes, one random image of each.
  const classes = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).slice(0, 6);
  const digits = classes.map((d) => pool.get(d, rng.int(0, pool.perClass - 1)));
  const face = hsvToRgb(rng.next(), rng.uniform(0.4, 0.8), rng.uniform(0.18, 0.3));
  const azimuth = rng.uniform(0, 2 * Math.PI);
  return {
    world: 'mnist-dice',
    objects: [{
      shape: 'box',
      size: [2, 2, 2],
      position: [0, 0, 0],
      texture: { kind: 'digits', color: face, color2: [0.95, 0.95, 0.92], digits },
      label: `dice ${DICE_FACES.map((f, i) => `${f}:${classes[i]}`).join(' ')}`,
    }],
    lights: [
      { kind: 'directional', direction: [Math.cos(azimuth), 1.4, Math.sin(azimuth)], color: [0.55, 0.55, 0.55] },
      { kind: 'directional', direction: [-Math.cos(azimuth), -0.3, -Math.sin(azimuth)], color: [0.2, 0.2, 0.2] },
    ],
    ambient: [0.4, 0.4, 0.4],
    background: [0.82, 0.82, 0.8],
    fov: (45 * Math.PI) / 180,
    camera: { kind: 'ring', radius: 4.4, height: 1.7, target: [0, 0, 0] },
  };
}

/** The dice world; `pool` defaults to the embedded digits (pass loadMnistPool(n) in Node for more). */
export function mnistDiceWorld(pool: DigitPool = embeddedDigitPool()): World {
  return {
    name: 'mnist-dice',
    defaultViews: 10,
    defaultSize: 64,
    generate: (rng) => generateMnistDice(rng, pool),
    sampleCamera: sampleRigCamera,
  };
}
