/**
 * `gqn render` for the Neural Processes: one panel per function of the GP task, on the task's
 * 400-point grid, with the truth (black), the context points (red), the oracle GP's mean +- 2
 * sigma (grey band: the true kernel's posterior) and the model's predictive mean +- 2 sigma (blue,
 * z at the prior's mean) and, for the latent models, the means of `samples` prior draws of z
 * (thin blue lines). The functions come from --seed alone, so runs rendered with the same
 * --seed, --scenes and --context show the same functions.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Draw, RenderOptions, RenderResult, TrainedModel } from '../models/model.js';
import type { NpConfig } from '../models/np/config.js';
import type { NeuralProcess } from '../models/np/neural-process.js';
import type { NpTrainSettings } from '../models/np/task.js';
import { gpPredictive } from '../tasks/gp-posterior.js';
import { gpPlotFunction } from '../tasks/gp-test-set.js';
import { LineCanvas, type Panel, type Rgb } from './line-canvas.js';

const BLUE: Rgb = [33, 102, 196];
const GREY: Rgb = [120, 120, 120];
const RED: Rgb = [214, 39, 40];
const BLACK: Rgb = [0, 0, 0];

export async function drawFunctionPlot(trained: TrainedModel<NeuralProcess, NpConfig, NpTrainSettings>, o: RenderOptions): Promise<RenderResult> {
  const task = trained.config.train.task;
  if (task.name !== 'gp') throw new Error(`train.task.name: the function plot is the gp task's, the run's is ${task.name}`);
  const model = trained.model;
  const rows = o.scenes;
  const c = o.context;
  const functions = Array.from({ length: rows }, (_, i) => gpPlotFunction(task, o.seed, i, c));
  const grid = functions[0].gridX;
  const g = grid.length;
  // Every row has C contexts and the same grid: one batch.
  const draws: Draw[] = ['mean', ...(model.latent ? Array.from({ length: o.samples }, (_, k) => o.seed + 1 + k) : [])];
  const predictions = tf.tidy(() => {
    const contextX = tf.tensor3d(functions.flatMap((f) => [...f.contextX]), [rows, c, 1]);
    const contextY = tf.tensor3d(functions.flatMap((f) => [...f.contextY]), [rows, c, 1]);
    const targetX = tf.tile(tf.tensor3d(Array.from(grid), [1, g, 1]), [rows, 1, 1]) as tf.Tensor3D;
    return model.predict(contextX, contextY, targetX, draws).map((p) => ({ mean: p.mean.dataSync(), sigma: p.sigma.dataSync() }));
  });

  const w = 180 * o.zoom;
  const h = 75 * o.zoom;
  const pad = 4;
  const canvas = new LineCanvas(w + 2 * pad, rows * (h + pad) + pad);
  functions.forEach((f, r) => {
    const oracle = gpPredictive(f.contextX, f.contextY, grid, f.kernel);
    const oracleSd = Float64Array.from({ length: g }, (_, i) => Math.sqrt(oracle.cov[i * g + i]));
    const row = (values: ArrayLike<number>) => Float64Array.from({ length: g }, (_, i) => values[r * g + i]);
    const mean = row(predictions[0].mean);
    const sd = row(predictions[0].sigma);
    // The panel's y range: the truth and both bands, with a margin.
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < g; i++) {
      lo = Math.min(lo, f.gridY[i], oracle.mean[i] - 2 * oracleSd[i], mean[i] - 2 * sd[i]);
      hi = Math.max(hi, f.gridY[i], oracle.mean[i] + 2 * oracleSd[i], mean[i] + 2 * sd[i]);
    }
    const margin = 0.08 * (hi - lo);
    const p: Panel = { left: pad, top: pad + r * (h + pad), width: w, height: h, x0: grid[0], x1: grid[g - 1], y0: lo - margin, y1: hi + margin };
    canvas.frame(p);
    canvas.band(p, grid, oracle.mean.map((m, i) => m - 2 * oracleSd[i]), oracle.mean.map((m, i) => m + 2 * oracleSd[i]), GREY, 0.22);
    canvas.band(p, grid, mean.map((m, i) => m - 2 * sd[i]), mean.map((m, i) => m + 2 * sd[i]), BLUE, 0.22);
    for (const s of predictions.slice(1)) canvas.polyline(p, grid, row(s.mean), BLUE, 1, 0.45);
    canvas.polyline(p, grid, f.gridY, BLACK, 1);
    canvas.polyline(p, grid, mean, BLUE, 2);
    for (let i = 0; i < c; i++) canvas.dot(p, f.contextX[i], f.contextY[i], Math.max(2, o.zoom), RED);
  });
  const samples = model.latent ? `, thin blue: the means of ${o.samples} prior draws of z` : '';
  return {
    png: canvas.png(),
    caption: `${rows} functions, ${c} contexts each (red); black: truth; grey: the true GP's mean +- 2 sigma; blue: ${model.kind}'s mean +- 2 sigma${model.latent ? ' (z at the prior mean)' : ''}${samples}`,
  };
}
