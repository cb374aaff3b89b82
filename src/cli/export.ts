/** `gqn export RUN --out DIR`: the run's weights and curve without the optimizer state. */
import { Command } from 'commander';

import { setupEngine, shutdownEngine } from '../engine/index.js';
import { exportRun } from '../train/export.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('copy a run\'s latest (or a given) checkpoint\'s weights, config and metrics into a new run folder, without optimizer state')
    .argument('<run>', 'run folder')
    .requiredOption('--out <dir>', 'folder to create (run layout: gqn eval, render and serve take it); never the run itself')
    .option('--checkpoint <dir>', 'a checkpoint folder of the run (default: the latest)')
    .option('--force', 'replace --out if it is an earlier export (a folder with export.json); nothing else is replaced')
    .action(async (run: string, opts: { out: string; checkpoint?: string; force?: boolean }) => {
      // The pure-JS backend: enough to check the weights' names and shapes against the model.
      await setupEngine({ backend: 'cpu' });
      try {
        const r = await exportRun(run, opts.out, { checkpoint: opts.checkpoint, force: opts.force });
        process.stderr.write(`gqn export: ${r.out} (step ${r.step}, weights ${(r.bytes / 2 ** 20).toFixed(1)} MiB)\n`);
      } finally {
        await shutdownEngine();
      }
    });
}
