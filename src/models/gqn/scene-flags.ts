/**
 * What the kinds that train on scene folders (the GQN and JUMP) share: their logged metrics
 * (the -ELBO, NLL, KL and sigma) and the `gqn train` flags that train on scene folders (the GQN and JUMP): the data,
 * the context views, the observation noise schedule, the representation network and
 * --skip-corrupt. Each kind adds its own (the GQN: --context-frame; JUMP: --targets).
 */
import type { KindFlag, MetricSpec } from '../model.js';

export const SCENE_METRICS: readonly MetricSpec[] = [
  { key: 'elbo', label: '-ELBO', digits: 1 },
  { key: 'nll', label: 'NLL', digits: 1 },
  { key: 'kl', label: 'KL', digits: 1 },
  { key: 'sigma', label: 'sigma', digits: 3 },
];

export const SCENE_TRAIN_FLAGS: readonly KindFlag[] = [
  { flag: '--data', value: 'path', placeholder: '<dir>', field: 'train.data', required: true, description: 'dataset folder, e.g. data/shepard-metzler-7 (with train/ inside)' },
  { flag: '--context-views', value: 'count-or-random', field: 'train.contextViews', default: 'random', description: "context views per batch, or 'random' for M ~ U{1..K-Q}, Q the query (target) views per scene (default random)" },
  { flag: '--sigma-start', value: 'positive-number', field: 'train.sigma.start', description: 'observation sigma at step 0' },
  { flag: '--sigma-end', value: 'positive-number', field: 'train.sigma.end', description: 'observation sigma after annealing' },
  { flag: '--sigma-steps', value: 'positive-int', field: 'train.sigma.steps', description: 'steps over which sigma anneals' },
  { flag: '--representation', value: { choices: ['pool', 'tower', 'pyramid'] }, placeholder: '<kind>', field: 'model.representation', description: "representation network (default: the preset's; jump: pool or tower)" },
  { flag: '--skip-corrupt', value: 'switch', description: 'skip and count corrupt records (bad CRC, unparsable example, bad JPEG) instead of stopping' },
];

/** The frame the networks see cameras in: one flag for both kinds, each kind's validate refusing the other's frame by name. */
export const CONTEXT_FRAME_FLAG: KindFlag = {
  flag: '--context-frame', value: { choices: ['world', 'query', 'context'] }, placeholder: '<frame>', field: 'model.contextFrame',
  description: "cameras as given ('world', the paper), turned into the query's heading (gqn: 'query') or into the first context view's (jump: 'context'; jump 'query': the latent in the context frame, the renderer's r_C in the query's); default: the preset's",
};
