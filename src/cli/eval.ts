/** `gqn eval` and `gqn render`: honest numbers and a picture of a trained run. */
import { Command, InvalidArgumentError, Option } from 'commander';

import { writeFileAtomic } from '../data/atomic.js';
import { SPLITS, type Split } from '../data/layout.js';
import { checkWasmHeap } from '../engine/heap.js';
import { evaluateRun, type ContextResult, type EvalReport } from '../eval/evaluate.js';
import { renderGrid } from '../eval/render-grid.js';
import { kindOf } from '../models/registry.js';
import { readRunConfig } from '../train/run-config.js';
import { runEngineCommand } from './engine-command.js';
import { positiveInt } from './options.js';

function contextList(value: string): number[] {
  const list = value.split(',').map((v) => positiveInt(v.trim()));
  if (list.length === 0) throw new InvalidArgumentError('expected a comma-separated list of positive integers.');
  return list;
}

/** Right-aligned columns under a header. */
function table(cols: string[], rows: string[][]): string[] {
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(cols), ...rows.map(line)];
}

export function formatReport(r: EvalReport): string {
  const head = `run ${r.run} (step ${r.step}), ${r.split} split of ${r.data}: ${r.scenes} scenes, ${r.imageSize}x${r.imageSize}, sigma ${r.sigma.toFixed(3)}`;
  const db = (x: number) => x.toFixed(2);
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const viewCols = ['M', 'prior mean', 'sample', 'wrong camera', 'viewpoint gap', 'scene-mean oracle', 'context mean', 'nearest view', 'margin over oracle', 'SSIM mean'];
  const viewRow = (label: string, x: ContextResult) => [
    label, db(x.psnrPriorMean), db(x.psnrPriorSample), db(x.psnrWrongCamera), signed(x.viewpointGap),
    db(x.psnrSceneMean), db(x.psnrContextMean), db(x.psnrNearestView), signed(x.marginOverOracle), x.ssimPriorMean.toFixed(3),
  ];
  const rows = r.results.map((x) => viewRow(String(x.contextViews), x));
  if (r.wrongScene) rows.push(viewRow(`${r.wrongScene.contextViews} other scene`, r.wrongScene));
  const elboCols = ['M', '-ELBO', 'NLL', 'KL', 'bits/dim', 'PSNR post', 'SSIM post'];
  const elboRow = (label: string, x: ContextResult) => [
    label, x.elbo.toFixed(1), x.nll.toFixed(1), x.kl.toFixed(2), x.elboBitsPerDim.toFixed(4), db(x.psnrPosterior), x.ssimPosterior.toFixed(3),
  ];
  const elboRows = r.results.map((x) => elboRow(String(x.contextViews), x));
  if (r.wrongScene) elboRows.push(elboRow(`${r.wrongScene.contextViews} other scene`, r.wrongScene));
  // The angle table for one M: 3 (the usual benchmark) when evaluated, else the smallest.
  const angleM = r.results.find((x) => x.contextViews === 3) ?? r.results[0];
  const angleRows = angleM ? angleM.byAngle.filter((b) => b.scenes > 0).map((b, i, all) => [
    `${i === 0 ? 0 : all[i - 1].upToDegrees}-${b.upToDegrees}`, String(b.scenes), db(b.psnrPriorMean), db(b.psnrNearestView),
  ]) : [];
  return [
    head,
    'View synthesis at the query camera, PSNR in dB (prior mean: z = the prior\'s mean; sample: one prior draw; wrong camera: the',
    ' prior mean at another view\'s camera of the scene; viewpoint gap = prior mean - wrong camera; the oracle is the mean of all',
    ' the scene\'s views, the best any camera-blind predictor can do; "other scene": the next scene\'s context views):',
    ...table(viewCols, rows),
    '',
    'Objective (nats per image; post = posterior reconstruction, target seen):',
    ...table(elboCols, elboRows),
    ...(angleM ? ['', `PSNR by the angle between the query and its nearest context camera (M = ${angleM.contextViews}):`,
      ...table(['degrees', 'scenes', 'prior mean', 'nearest view'], angleRows)] : []),
    ...(r.skippedRecords > 0 ? ['', `${r.skippedRecords} corrupt record${r.skippedRecords > 1 ? 's' : ''} skipped (--skip-corrupt)`] : []),
  ].join('\n');
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate a run per number of context views: PSNR/SSIM of the prior mean and samples at the query camera and at a wrong camera, beside the scene-mean oracle, context-mean and nearest-view baselines; -ELBO, NLL, KL')
    .argument('<run>', 'run folder')
    .requiredOption('--data <dir>', 'dataset folder')
    .addOption(new Option('--split <split>', 'split').choices([...SPLITS]).default('test'))
    .option('--scenes <n>', 'scenes to evaluate', positiveInt, 256)
    .option('--batch <n>', 'scenes per batch', positiveInt, 16)
    .option('--contexts <list>', 'context view counts, e.g. 1,2,3,5 (default: 1..K-1)', contextList)
    .option('--json', 'print the report as JSON')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--skip-corrupt', 'skip and count corrupt records (bad CRC, unparsable example, bad JPEG) instead of stopping')
    .action((run: string, opts: { data: string; split: Split; scenes: number; batch: number; contexts?: number[]; json?: boolean; out?: string; skipCorrupt?: boolean }, command: Command) => runEngineCommand(command, async (info, g) => {
      const config = await readRunConfig(run);
      // Every context count's pass stays alive within a batch (one tidy), plus the prior sample.
      checkWasmHeap(info.backend, kindOf(config).evalBytes(config.model, opts.batch, 1, (opts.contexts?.length ?? 1) + 1), `--batch ${opts.batch}`);
      const report = await evaluateRun(run, {
        data: opts.data, split: opts.split, scenes: opts.scenes, batch: opts.batch, contexts: opts.contexts, seed: g.seed, skipCorrupt: opts.skipCorrupt,
        onProgress: (done, total) => process.stderr.write(`\reval: ${done}/${total} scenes`),
      });
      process.stderr.write('\n');
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (opts.out) await writeFileAtomic(opts.out, json);
      process.stdout.write(opts.json ? json : `${formatReport(report)}\n`);
    }));
}

export function renderCommand(): Command {
  return new Command('render')
    .description('draw a grid: context views | truth | reconstruction | prior samples, one row per scene')
    .argument('<run>', 'run folder')
    .requiredOption('--data <dir>', 'dataset folder')
    .requiredOption('--out <file.png>', 'PNG to write')
    .addOption(new Option('--split <split>', 'split').choices([...SPLITS]).default('test'))
    .option('--scenes <n>', 'rows', positiveInt, 4)
    .option('--context <n>', 'context views per row', positiveInt, 3)
    .option('--samples <n>', 'prior samples per row', positiveInt, 3)
    .option('--zoom <n>', 'pixel upscaling', positiveInt, 2)
    .action((run: string, opts: { data: string; out: string; split: Split; scenes: number; context: number; samples: number; zoom: number }, command: Command) => runEngineCommand(command, async (info, g) => {
      const config = await readRunConfig(run);
      checkWasmHeap(info.backend, kindOf(config).evalBytes(config.model, opts.scenes, opts.context, opts.samples + 1), `--scenes ${opts.scenes}`);
      const { png, step } = await renderGrid(run, {
        data: opts.data, split: opts.split, scenes: opts.scenes, contextViews: opts.context, samples: opts.samples, zoom: opts.zoom, seed: g.seed,
      });
      await writeFileAtomic(opts.out, png);
      process.stderr.write(`gqn render: wrote ${opts.out} (step ${step}): ${opts.context} contexts | truth | reconstruction | ${opts.samples} prior samples\n`);
    }));
}
