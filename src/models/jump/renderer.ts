/**
 * JUMP's renderer g(x | s, v): a deterministic function of the scene code s (the scene latent z,
 * and with config.deterministicPath the context's r_C beside it) and the query camera v, with no
 * latent of its own, so that every view drawn from one sample shows one scene.
 * A convolutional LSTM on the latent grid, rolled for `renderSteps` steps, draws on a canvas as
 * the GQN's generator does:
 *
 *   h, c = core([s, v, u_down], h, c)      (s and v the same at every step; u_down: the canvas so far)
 *   u   <- u + ConvTranspose(4 x 4 / 4)(h)
 *
 * and the observation mean is sigmoid(conv 1x1(u)). Without the deterministic path it never sees
 * r (Kumar et al. 2018).
 */
import * as tf from '@tensorflow/tfjs-core';

import { Conv2d, ConvTranspose2d } from '../layers/conv2d.js';
import { ConvLSTMCell, type LstmState } from '../layers/conv-lstm.js';
import type { ParamStore } from '../layers/params.js';
import { tileViewpoint } from '../gqn/representation.js';
import { JUMP_SCALE, type JumpConfig } from './config.js';

/** Channels of a scene code: the L steps' z, and r_C with the deterministic path. */
export function sceneCodeChannels(c: JumpConfig): number {
  return c.latentSteps * c.zChannels + (c.deterministicPath ? c.rChannels : 0);
}

export class Renderer {
  readonly core: ConvLSTMCell;
  readonly canvas: ConvTranspose2d;
  readonly uDown: Conv2d;
  readonly observation: Conv2d;

  constructor(store: ParamStore, readonly c: JumpConfig, readonly grid: number) {
    const invariant = sceneCodeChannels(c) + c.viewpointSize;
    this.core = new ConvLSTMCell(store, 'renderer.core', invariant + c.uChannels, c.hChannels, c.coreKernel, invariant);
    this.canvas = new ConvTranspose2d(store, 'renderer.canvas', c.hChannels, c.uChannels, JUMP_SCALE, JUMP_SCALE);
    this.uDown = new Conv2d(store, 'renderer.u_down', c.uChannels, c.uChannels, JUMP_SCALE, { stride: JUMP_SCALE, pad: 'valid' });
    this.observation = new Conv2d(store, 'renderer.observation', c.uChannels, c.imageChannels, 1);
  }

  /** Observation means [N, S, S, C] for N pairs of a scene code [N, g, g, sceneCodeChannels] and a camera v [N, 7]. */
  render(z: tf.Tensor4D, v: tf.Tensor2D): tf.Tensor4D {
    const c = this.c;
    const n = z.shape[0];
    if (v.shape[0] !== n) throw new Error(`renderer: ${n} latents for ${v.shape[0]} cameras`);
    const pre = this.core.prepare(tf.concat([z, tileViewpoint(v, this.grid, this.grid)], 3));
    const shape: [number, number, number, number] = [n, this.grid, this.grid, c.hChannels];
    let state: LstmState = { h: tf.zeros(shape), c: tf.zeros(shape) };
    let u: tf.Tensor4D = tf.zeros([n, c.imageSize, c.imageSize, c.uChannels]);
    for (let l = 0; l < c.renderSteps; l++) {
      state = this.core.step(pre, this.uDown.apply(u), state);
      u = tf.add(u, this.canvas.apply(state.h));
    }
    return tf.sigmoid(this.observation.apply(u));
  }
}
