/** `gqn eval` and `gqn render`: honest numbers and a picture of a trained run. */
import { Command, InvalidArgumentError, Option } from 'commander';

import { writeFileAtomic } from '../data/atomic.js';
import { SPLITS, type Split } from '../data/layout.js';
import { setupEngine, shutdownEngine } from '../engine/index.js';
import { evaluateRun, type ContextResult, type EvalReport } from '../eval/evaluate.js';
import { renderGrid } from '../eval/render-grid.js';
import { globalOptions, positiveInt } from './options.js';

function contextList(value: string): number[] {
  const list = value.split(',').map((v) => positiveInt(v.trim()));
  if (list.length === 0) throw new InvalidArgumentError('expected a comma-separated list of positive integers.');
  return list;
}

export function formatReport(r: EvalReport): string {
  const head = `run ${r.run} (step ${r.step}), ${r.split} split of ${r.data}: ${r.scenes} scenes, ${r.imageSize}x${r.imageSize}, sigma ${r.sigma.toFixed(3)}`;
  const cols = ['M', '-ELBO', 'NLL', 'KL', 'bits/dim', 'PSNR prior', 'SSIM prior', 'PSNR post', 'SSIM post'];
  const row = (label: string, x: ContextResult) => [
    label, x.elbo.toFixed(1), x.nll.toFixed(1), x.kl.toFixed(2), x.elboBitsPerDim.toFixed(4),
    x.psnrPrior.toFixed(2), x.ssimPrior.toFixed(3), x.psnrPosterior.toFixed(2), x.ssimPosterior.toFixed(3),
  ];
  const rows = r.results.map((x) => row(String(x.contextViews), x));
  if (r.wrongScene) rows.push(row(`${r.wrongScene.contextViews} wrong scene`, r.wrongScene));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  return [head, '(-ELBO, NLL, KL in nats per image; PSNR in dB; prior = sampled without the target, post = reconstruction;',
    ' "wrong scene" = the same queries with the next scene\'s contexts: the gap to the row above is what the representation contributes)', line(cols), ...rows.map(line)].join('\n');
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate a run: -ELBO, NLL, KL (nats/image, bits/dim), PSNR and SSIM of prior samples and reconstructions, per number of context views')
    .argument('<run>', 'run folder')
    .requiredOption('--data <dir>', 'dataset folder')
    .addOption(new Option('--split <split>', 'split').choices([...SPLITS]).default('test'))
    .option('--scenes <n>', 'scenes to evaluate', positiveInt, 256)
    .option('--batch <n>', 'scenes per batch', positiveInt, 16)
    .option('--contexts <list>', 'context view counts, e.g. 1,2,3,5 (default: 1..K-1)', contextList)
    .option('--json', 'print the report as JSON')
    .option('--out <file>', 'also write the JSON report to this file')
    .action(async (run: string, opts: { data: string; split: Split; scenes: number; batch: number; contexts?: number[]; json?: boolean; out?: string }, command: Command) => {
      const g = globalOptions(command);
      await setupEngine({ backend: g.backend, threads: g.threads, device: g.device });
      const report = await evaluateRun(run, {
        data: opts.data, split: opts.split, scenes: opts.scenes, batch: opts.batch, contexts: opts.contexts, seed: g.seed,
        onProgress: (done, total) => process.stderr.write(`\reval: ${done}/${total} scenes`),
      });
      process.stderr.write('\n');
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (opts.out) await writeFileAtomic(opts.out, json);
      process.stdout.write(opts.json ? json : `${formatReport(report)}\n`);
      await shutdownEngine();
    });
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
    .action(async (run: string, opts: { data: string; out: string; split: Split; scenes: number; context: number; samples: number; zoom: number }, command: Command) => {
      const g = globalOptions(command);
      await setupEngine({ backend: g.backend, threads: g.threads, device: g.device });
      const { png, step } = await renderGrid(run, {
        data: opts.data, split: opts.split, scenes: opts.scenes, contextViews: opts.context, samples: opts.samples, zoom: opts.zoom, seed: g.seed,
      });
      await writeFileAtomic(opts.out, png);
      process.stderr.write(`gqn render: wrote ${opts.out} (step ${step}): ${opts.context} contexts | truth | reconstruction | ${opts.samples} prior samples\n`);
      await shutdownEngine();
    });
}
