/**
 * Representation networks f(x, v) (paper figure S1). The scene representation r is their sum
 * over the context views, so it does not depend on the order or number of views.
 *
 * - pyramid: concat(image, tiled v) -> 2x2/2 32 -> 2x2/2 64 -> 2x2/2 128 -> (S/8)x(S/8) r; r is 1x1.
 * - tower:   2x2/2 r, residual 3x3 + 2x2/2, concat v, residual 3x3 + 3x3, 1x1; r is S/4 x S/4.
 * - pool:    the tower averaged over space to 1x1 (the paper's default).
 */
import * as tf from '@tensorflow/tfjs-core';

import { Conv2d } from '../layers/conv2d.js';
import type { ParamStore } from '../layers/params.js';
import type { GqnConfig } from './config.js';

/** The fields of a model's configuration the representation networks read (the GQN's, JUMP's). */
export type RepresentationConfig = Pick<GqnConfig, 'imageSize' | 'imageChannels' | 'viewpointSize' | 'representation' | 'rChannels' | 'towerHidden'>;

export interface Representation {
  /** Side of r (1 for pool and pyramid). */
  readonly side: number;
  /** f(x, v) for a batch of views: x [N,S,S,C], v [N,7] -> [N,side,side,r]. */
  apply(x: tf.Tensor4D, v: tf.Tensor2D): tf.Tensor4D;
}

/** v [N,7] -> [N,h,w,7]. */
export function tileViewpoint(v: tf.Tensor2D, h: number, w: number): tf.Tensor4D {
  const [n, d] = v.shape;
  return tf.tile(tf.reshape(v, [n, 1, 1, d]), [1, h, w, 1]) as tf.Tensor4D;
}

export class Tower implements Representation {
  readonly side: number;
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly conv3: Conv2d;
  private readonly conv4: Conv2d;
  private readonly conv5: Conv2d;
  private readonly conv6: Conv2d;
  private readonly conv7: Conv2d;
  private readonly conv8: Conv2d;

  constructor(store: ParamStore, name: string, c: RepresentationConfig, private readonly pool: boolean) {
    const r = c.rChannels;
    const k = c.towerHidden;
    const vr = r + c.viewpointSize;
    this.conv1 = new Conv2d(store, `${name}.conv1`, c.imageChannels, r, 2, { stride: 2, pad: 'valid' });
    this.conv2 = new Conv2d(store, `${name}.conv2`, r, r, 2, { stride: 2, pad: 'valid' });
    this.conv3 = new Conv2d(store, `${name}.conv3`, r, k, 3);
    this.conv4 = new Conv2d(store, `${name}.conv4`, k, r, 2, { stride: 2, pad: 'valid' });
    this.conv5 = new Conv2d(store, `${name}.conv5`, vr, r, 3);
    this.conv6 = new Conv2d(store, `${name}.conv6`, vr, k, 3);
    this.conv7 = new Conv2d(store, `${name}.conv7`, k, r, 3);
    this.conv8 = new Conv2d(store, `${name}.conv8`, r, r, 1);
    this.side = pool ? 1 : c.imageSize / 4;
  }

  apply(x: tf.Tensor4D, v: tf.Tensor2D): tf.Tensor4D {
    let skipIn = tf.relu(this.conv1.apply(x));
    let skipOut = tf.relu(this.conv2.apply(skipIn));
    let r = tf.relu(this.conv3.apply(skipIn));
    r = tf.add(tf.relu(this.conv4.apply(r)), skipOut);
    const [, h, w] = r.shape;
    skipIn = tf.concat([r, tileViewpoint(v, h, w)], 3);
    skipOut = tf.relu(this.conv5.apply(skipIn));
    r = tf.relu(this.conv6.apply(skipIn));
    r = tf.add(tf.relu(this.conv7.apply(r)), skipOut);
    r = tf.relu(this.conv8.apply(r));
    // Average pooling over the whole grid, as a mean (its gradient is one broadcast).
    return this.pool ? tf.mean(r, [1, 2], true) : r;
  }
}

export class Pyramid implements Representation {
  readonly side = 1;
  private readonly convs: Conv2d[];

  constructor(store: ParamStore, name: string, c: RepresentationConfig) {
    const inC = c.imageChannels + c.viewpointSize;
    this.convs = [
      new Conv2d(store, `${name}.conv1`, inC, 32, 2, { stride: 2, pad: 'valid' }),
      new Conv2d(store, `${name}.conv2`, 32, 64, 2, { stride: 2, pad: 'valid' }),
      new Conv2d(store, `${name}.conv3`, 64, 128, 2, { stride: 2, pad: 'valid' }),
      new Conv2d(store, `${name}.conv4`, 128, c.rChannels, c.imageSize / 8, { stride: c.imageSize / 8, pad: 'valid' }),
    ];
  }

  apply(x: tf.Tensor4D, v: tf.Tensor2D): tf.Tensor4D {
    const [, h, w] = x.shape;
    let y = tf.concat([x, tileViewpoint(v, h, w)], 3);
    for (const conv of this.convs) y = tf.relu(conv.apply(y));
    return y;
  }
}

/**
 * r = sum over the M context views of f(x^k, v^k): images [B, M, S, S, C] and viewpoints
 * [B, M, 7] -> [B, side, side, r]; M = 0 gives r = 0.
 */
export function representScene(f: Representation, rChannels: number, images: tf.Tensor5D, viewpoints: tf.Tensor3D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, m, s, , ch] = images.shape;
    if (m === 0) return tf.zeros([b, f.side, f.side, rChannels]) as tf.Tensor4D;
    const flat = f.apply(tf.reshape(images, [b * m, s, s, ch]), tf.reshape(viewpoints, [b * m, viewpoints.shape[2]]));
    const [, side, , rc] = flat.shape;
    return tf.sum(tf.reshape(flat, [b, m, side, side, rc]), 1) as tf.Tensor4D;
  });
}

export function makeRepresentation(store: ParamStore, c: RepresentationConfig): Representation {
  switch (c.representation) {
    case 'pool': return new Tower(store, 'representation', c, true);
    case 'tower': return new Tower(store, 'representation', c, false);
    case 'pyramid': return new Pyramid(store, 'representation', c);
  }
}
