/** `gqn export RUN --out DIR`: the run's weights and curve without the optimizer state. */
import { Command } from 'commander';

import { exportRun } from '../train/export.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('copy a run\'s latest (or a given) checkpoint\'s weights, config and metrics into a new run folder, without optimizer state')
    .argument('<run>', 'run folder')
    .requiredOption('--out <dir>', 'folder to create (run layout: gqn eval, render and serve take it)')
    .option('--checkpoint <dir>', 'a checkpoint folder of the run (default: the latest)')
    .option('--force', 'replace --out if it exists')
    .action(async (run: string, opts: { out: string; checkpoint?: string; force?: boolean }) => {
      const r = await exportRun(run, opts.out, { checkpoint: opts.checkpoint, force: opts.force });
      process.stderr.write(`gqn export: ${r.out} (step ${r.step}, weights ${(r.bytes / 2 ** 20).toFixed(1)} MiB)\n`);
    });
}
