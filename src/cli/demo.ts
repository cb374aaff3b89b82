/**
 * `gqn demo`: a first look at the engine training (`npm start` used to run it). Trains a tiny view-conditioned
 * convolutional renderer for a few seconds on the configured backend, so a new user sees the
 * engine train (loss falling, steps/s) without any data on disk.
 *
 * The task: from a viewpoint angle, draw a 16x16 image of a square seen from that angle (its
 * position moves with the angle). The model tiles the viewpoint over a 4x4 grid, runs two
 * convolutions and upsamples 4x4/4 with a transposed convolution, as GQN's canvas does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';

import { checkWasmHeap } from '../engine/heap.js';
import { runEngineCommand } from './engine-command.js';
import { positiveInt } from './options.js';

const SIZE = 16;

/**
 * Bytes the demo's training step holds at once for a batch: per example, the forward activations
 * (tiled viewpoint, two 4x4x32 feature maps before and after relu, the 16x16 output and target,
 * the loss terms), as many again for their gradients, and the 3x3x32 convolution's im2col
 * buffer (4x4 x 288 floats) twice, forward and for the filter gradient. Measured on wasm: about
 * 49 KiB per example; this says 64.
 */
export function demoStepBytes(batch: number): number {
  const activations = 4 * 4 * 2 + 4 * (4 * 4 * 32) + 2 * SIZE * SIZE + 4 * SIZE * SIZE;
  const im2col = 2 * (4 * 4 * 3 * 3 * 32);
  return 4 * batch * (2 * activations + im2col);
}

/** Viewpoint (cos, sin) and the image a camera at that angle sees: a bright square. */
function views(angles: number[]): { v: tf.Tensor4D; x: tf.Tensor4D } {
  const pixels = new Float32Array(angles.length * SIZE * SIZE);
  angles.forEach((a, i) => {
    const cx = Math.round(7.5 + 5 * Math.cos(a));
    const cy = Math.round(7.5 + 5 * Math.sin(a));
    for (let y = cy - 2; y <= cy + 2; y++) {
      for (let x = cx - 2; x <= cx + 2; x++) pixels[i * SIZE * SIZE + y * SIZE + x] = 1;
    }
  });
  const vp = angles.flatMap((a) => [Math.cos(a), Math.sin(a)]);
  return { v: tf.tensor4d(vp, [angles.length, 1, 1, 2]), x: tf.tensor4d(pixels, [angles.length, SIZE, SIZE, 1]) };
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('train a tiny view-conditioned renderer for a few seconds')
    .option('--steps <n>', 'training steps', positiveInt, 400)
    .option('--batch <n>', 'batch size', positiveInt, 16)
    .action((opts: { steps: number; batch: number }, command: Command) => runEngineCommand(command, async (info, g) => {
      checkWasmHeap(info.backend, demoStepBytes(opts.batch), `--batch ${opts.batch}`);
      process.stdout.write(`gqn demo on ${info.backend} (${info.threads} thread${info.threads > 1 ? 's' : ''}, SIMD ${info.simd ? 'on' : 'off'})\n`);
      let seed = g.seed;
      const init = (shape: number[]) => {
        const value = tf.randomNormal(shape, 0, Math.sqrt(2 / (shape[0] * shape[1] * shape[2])), 'float32', seed++);
        const variable = tf.variable(value);
        value.dispose();
        return variable;
      };
      const w1 = init([3, 3, 2, 32]);
      const w2 = init([3, 3, 32, 32]);
      const up = init([4, 4, 1, 32]); // conv2dTranspose filter: [kh, kw, out, in]
      const model = (v: tf.Tensor4D) => {
        const h1 = tf.relu(tf.conv2d(tf.tile(v, [1, 4, 4, 1]), w1 as tf.Tensor4D, 1, 'same'));
        const h2 = tf.relu(tf.conv2d(h1, w2 as tf.Tensor4D, 1, 'same'));
        return tf.conv2dTranspose(h2, up as tf.Tensor4D, [v.shape[0], SIZE, SIZE, 1], 4, 'valid');
      };
      const optimizer = tf.train.adam(3e-3);
      let rng = g.seed * 2654435761 + 1;
      const random = () => ((rng = (rng * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const start = performance.now();
      for (let step = 1; step <= opts.steps; step++) {
        const { v, x } = views(Array.from({ length: opts.batch }, () => random() * 2 * Math.PI));
        const loss = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(x, model(v)), true) as tf.Scalar;
        if (step === 1 || step % 25 === 0 || step === opts.steps) {
          const s = (performance.now() - start) / 1000;
          process.stdout.write(`step ${String(step).padStart(4)}  loss ${loss.dataSync()[0].toFixed(4)}  ${(step / s).toFixed(1)} steps/s\n`);
        }
        tf.dispose([v, x, loss]);
        // The steps are synchronous: yield so that a SIGINT/SIGTERM handler gets to run.
        await new Promise((resolve) => setImmediate(resolve));
      }
      optimizer.dispose();
      tf.dispose([w1, w2, up]);
      process.stdout.write(`done: ${tf.memory().numTensors} tensors left alive\n`);
    }));
}
