/** Models small enough to train a few steps in a test. */
import type { GqnConfig } from '../../src/models/gqn/config.js';
import type { JumpConfig } from '../../src/models/jump/config.js';

export const TINY: GqnConfig = {
  imageSize: 16, imageChannels: 3, viewpointSize: 7, representation: 'pool',
  rChannels: 16, towerHidden: 8, hChannels: 8, zChannels: 2, uChannels: 8,
  steps: 2, shareCores: false, coreKernel: 3, scale: 4,
};

/** A JUMP small enough to train a few steps in a test. */
export const TINY_JUMP: JumpConfig = {
  imageSize: 16, imageChannels: 3, viewpointSize: 7, representation: 'tower',
  rChannels: 16, towerHidden: 8, hChannels: 8, zChannels: 2, latentSteps: 2, renderSteps: 2, uChannels: 8, coreKernel: 3,
  deterministicPath: true,
};
