/** `gqn doctor`: what runtime and backend run here, and whether every training kernel is present. */
import { Command } from 'commander';

import { checkKernelCoverage, setupEngine, shutdownEngine } from '../engine/index.js';
import { globalOptions } from './options.js';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('print the runtime (Node, backend, threads, SIMD) and check that every kernel training needs is present')
    .option('--json', 'print a JSON report instead of text')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const g = globalOptions(command);
      const info = await setupEngine({ backend: g.backend, threads: g.threads });
      const coverage = await checkKernelCoverage(g.seed);
      await shutdownEngine();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ engine: info, coverage }, null, 2)}\n`);
      } else {
        const lines = [
          `runtime      ${info.runtime} ${info.runtimeVersion}`,
          `tfjs         ${info.tfjs}`,
          `backend      ${info.backend}`,
          `threads      ${info.threads}${info.multithread ? ' (multithreaded)' : ''}`,
          `simd         ${info.simd ? 'yes' : 'no'}`,
          `kernels      ${coverage.kernels.length} used by ${coverage.ops.length} op checks (forward and backward)`,
          coverage.ok
            ? `coverage     every training kernel is present on ${coverage.backend}`
            : `coverage     MISSING on ${coverage.backend}: ${coverage.missing.join(', ') || 'see failing ops'}`,
          ...coverage.ops.filter((o) => !o.ok).map((o) => `  failed     ${o.op}: ${o.error}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (!coverage.ok) process.exitCode = 1;
    });
}
