/**
 * Gradient of Tile for every backend. tfjs-core's own adds up one slice of dy per repetition:
 * 2 x 256 kernel calls to tile a viewpoint over 16x16 (430 ms on wasm, measured), and nothing
 * above rank 4. The tiles of dy are a reshape away from being one reduction per tiled axis:
 * output axis i of size reps[i] * shape[i] is (rep, index) with the repetition outermost.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerGradient, Tile, type GradConfig, type NamedAttrMap } from '@tensorflow/tfjs-core';

export function tileGradient(dy: tf.Tensor, shape: number[], reps: number[]): tf.Tensor {
  return tf.tidy(() => {
    let g = dy;
    // Reduce one tiled axis at a time, as a rank-3 sum: [before, rep, shape[i] * after].
    for (let i = 0; i < reps.length; i++) {
      if (reps[i] === 1) continue;
      const before = g.shape.slice(0, i).reduce((a, b) => a * b, 1);
      const after = g.shape.slice(i + 1).reduce((a, b) => a * b, 1);
      const reduced = tf.sum(tf.reshape(g, [before, reps[i], shape[i] * after]), 1);
      g = tf.reshape(reduced, [...g.shape.slice(0, i), shape[i], ...g.shape.slice(i + 1)]);
    }
    return g;
  });
}

export const tileGradConfig: GradConfig = {
  kernelName: Tile,
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved;
    const { reps } = attrs as unknown as { reps: number[] };
    return { x: () => tileGradient(dy as tf.Tensor, x.shape, reps) };
  },
};

export function registerTileGradient(): void {
  registerGradient(tileGradConfig);
}
