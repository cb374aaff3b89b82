/**
 * `gqn doctor`: what runtime and backend run here, which backends this machine has (and why
 * not), and whether every training kernel is present.
 */
import { Command } from 'commander';

import { checkKernelCoverage } from '../engine/index.js';
import { torchAvailability } from '../engine/torch/index.js';
import { runEngineCommand } from './engine-command.js';

export interface BackendStatus {
  name: string;
  available: boolean;
  /** What it is when available; why not when not. */
  detail: string;
}

/** The Node backends and whether each can start here (never throws). */
export function backendStatus(): BackendStatus[] {
  const torch = torchAvailability();
  const torchDetail = torch.available
    ? `libtorch ${torch.library.version}, ${torch.library.cuda ? `CUDA with ${torch.library.cudaDevices} device(s) (--device cuda)` : 'CPU only (no CUDA in this libtorch)'}` +
      `${torch.stale ? '; the addon is older than native/torch: run npm run build:torch' : ''}`
    : torch.reason;
  return [
    { name: 'wasm', available: true, detail: 'threaded SIMD WebAssembly (the default)' },
    { name: 'cpu', available: true, detail: 'pure JavaScript (the reference; slow)' },
    { name: 'torch', available: torch.available, detail: torchDetail },
  ];
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('print the runtime (Node, backend, threads, SIMD), the backends this machine has, and check that every kernel training needs is present')
    .option('--json', 'print a JSON report instead of text')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const backends = backendStatus();
      const { info, coverage } = await runEngineCommand(command, async (info, g) => ({ info, coverage: await checkKernelCoverage(g.seed) }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ engine: info, backends, coverage }, null, 2)}\n`);
      } else {
        const lines = [
          `runtime      ${info.runtime} ${info.runtimeVersion}`,
          `tfjs         ${info.tfjs}`,
          `backend      ${info.backend}${info.library ? ` (${info.library})` : ''}`,
          `device       ${info.device}`,
          `threads      ${info.threads}${info.multithread ? ' (multithreaded)' : ''}`,
          `simd         ${info.simd ? 'yes' : 'no'}`,
          ...backends.map((b, i) => `${i === 0 ? 'backends' : ''.padEnd(8)}     ${b.name.padEnd(6)}${b.available ? 'yes' : 'no '}  ${b.detail}`),
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
