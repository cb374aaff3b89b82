/**
 * How much memory JUMP of a given config needs, from the config alone: the parameter count
 * (exact; the tests check it against a built model) and the float32 activations of a scene with
 * M context views and T targets, a rough lower bound as for the GQN (gqn/memory.ts). Used to
 * refuse sizes that cannot fit before any tensor is made.
 */
import type { JumpConfig } from './config.js';

const conv = (inC: number, outC: number, k: number) => k * k * inC * outC + outC;

export function jumpParameterCount(c: JumpConfig): number {
  const r = c.rChannels;
  const k = c.towerHidden;
  const vr = r + c.viewpointSize;
  const h = c.hChannels;
  const representation = conv(c.imageChannels, r, 2) + conv(r, r, 2) + conv(r, k, 3) + conv(k, r, 2) + conv(vr, r, 3) + conv(vr, k, 3) + conv(k, r, 3) + conv(r, r, 1);
  const latent = conv(r + c.zChannels + h, 4 * h, c.coreKernel) + conv(2 * r + h + h, 4 * h, c.coreKernel) + 2 * conv(h, 2 * c.zChannels, c.coreKernel);
  const code = c.latentSteps * c.zChannels + (c.deterministicPath ? r : 0);
  const renderer = conv(code + c.viewpointSize + c.uChannels + h, 4 * h, c.coreKernel)
    + (16 * h * c.uChannels + c.uChannels) + conv(c.uChannels, c.uChannels, 4) + conv(c.uChannels, c.imageChannels, 1);
  return representation + latent + renderer;
}

/** Float32 values one scene keeps alive through a forward pass with M context views and T targets. */
export function jumpActivationsPerScene(c: JumpConfig, contextViews: number, targets: number): number {
  const s = c.imageSize;
  const g = s / 4;
  const view = (s / 2) ** 2 * 2 * c.rChannels + (s / 4) ** 2 * (5 * c.rChannels + 2 * c.towerHidden + c.viewpointSize);
  const latentStep = g * g * (20 * c.hChannels + 5 * c.zChannels);
  const renderStep = g * g * 10 * c.hChannels + 3 * c.uChannels * s * s;
  // The query frame's path runs the representation on the context again for every target.
  const pathViews = c.contextFrame === 'query' && c.deterministicPath ? targets * contextViews : 0;
  return (contextViews + targets + pathViews) * view + c.latentSteps * latentStep + targets * (c.renderSteps * renderStep + 3 * c.imageChannels * s * s);
}

/** Bytes for evaluating `batch` scenes with `passes` forward passes kept at once. */
export function jumpEvalBytes(c: JumpConfig, batch: number, contextViews: number, targets: number, passes = 1): number {
  return 4 * (jumpParameterCount(c) + batch * passes * jumpActivationsPerScene(c, contextViews, targets));
}

/** Bytes for a training step: weights, gradients and Adam's two moments, activations and their gradients. */
export function jumpTrainBytes(c: JumpConfig, batch: number, targets: number): number {
  return 4 * (4 * jumpParameterCount(c) + 2 * batch * jumpActivationsPerScene(c, 1, targets));
}
