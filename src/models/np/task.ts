/**
 * The Neural Processes' data: a task that draws batches of functions as sets of points
 * (config.json's train.task). The GP task (src/tasks/gp-regression.ts) draws fresh functions
 * forever from the run's seed, batch i from its own stream; the mnist task
 * (src/tasks/mnist-completion.ts) draws training digits and their pixels the same way. A stream's
 * state is therefore just how many batches it gave (ReaderState.batch): a resume draws the batches
 * the uninterrupted run would have.
 */
import { validateGpSettings, gpTrainingBatch, type GpTaskSettings } from '../../tasks/gp-regression.js';
import { mnistTrainingBatch, validateMnistSettings, type MnistTaskSettings } from '../../tasks/mnist-completion.js';
import type { BatchStream, KindData, ReaderState, StreamOptions } from '../model.js';
import type { NpConfig } from './config.js';
import { disposePointBatch, toPointBatch, type PointArrays, type PointBatch } from './point-batch.js';

/** 1-D regression on GP draws. */
export type GpTask = { name: 'gp' } & GpTaskSettings;
/** Image completion on MNIST digits: pixel coordinates (2) -> grey level (1). */
export type MnistTask = { name: 'mnist' } & MnistTaskSettings;
export type NpTask = GpTask | MnistTask;

/** The NP kinds' own part of config.json's `train`. */
export interface NpTrainSettings {
  task: NpTask;
}

/** Checks config.json's train.task; errors name the field. */
export function validateTask(task: NpTask): NpTask {
  if (task == null || typeof task !== 'object') throw new Error(`train.task: expected a task object, got ${JSON.stringify(task)}`);
  switch (task.name) {
    case 'gp':
      validateGpSettings(task, 'train.task');
      return task;
    case 'mnist':
      validateMnistSettings(task, 'train.task');
      return task;
    default:
      throw new Error(`train.task.name: expected 'gp' or 'mnist', got ${JSON.stringify((task as { name: unknown }).name)}`);
  }
}

/** Input and output sizes of the task's points. */
export function taskSizes(task: NpTask): { xSize: number; ySize: number } {
  switch (task.name) {
    case 'gp':
      return { xSize: 1, ySize: 1 };
    case 'mnist':
      return { xSize: 2, ySize: 1 };
  }
}

/** Batch `index` of a run seeded `seed`, as plain arrays. */
export function taskBatch(task: NpTask, batch: number, seed: number, index: number): PointArrays {
  switch (task.name) {
    case 'gp':
      return gpTrainingBatch(task, batch, seed, index);
    case 'mnist':
      return mnistTrainingBatch(task, batch, seed, index);
  }
}

/** The stream of training batches; each batch is drawn from (seed, index) alone. */
export function openTaskBatches(model: NpConfig, train: NpTrainSettings, o: StreamOptions): BatchStream<PointBatch> {
  const task = validateTask(train.task);
  const start: ReaderState = o.resume ?? { seed: o.seed, epoch: 0, position: 0, batch: 0 };
  if (start.seed !== o.seed) throw new Error(`train.seed: the checkpoint's data stream was seeded ${start.seed}, the run says ${o.seed}`);
  let index = start.batch;
  return {
    skipped: [],
    async next() {
      const arrays = taskBatch(task, o.batch, o.seed, index);
      index += 1;
      return toPointBatch(arrays);
    },
    state: () => ({ seed: o.seed, epoch: 0, position: index * o.batch, batch: index }),
    dispose: disposePointBatch,
    async close() {},
  };
}

export const NP_DATA: KindData<NpConfig, NpTrainSettings, PointBatch> = {
  description: 'functions drawn by the run\'s task (train.task: GP regression, or MNIST image completion on the 9,000 training digits)',
  async check(model, train) {
    const task = validateTask(train.task);
    const { xSize, ySize } = taskSizes(task);
    if (model.xSize !== xSize || model.ySize !== ySize) {
      throw new Error(`--preset: ${train.preset}'s model takes points of ${model.xSize} -> ${model.ySize} values, the ${task.name} task has ${xSize} -> ${ySize}`);
    }
    return null;
  },
  open: openTaskBatches,
};
