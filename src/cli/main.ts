/**
 * The `gqn` command line. Global options (--backend, --threads, --device, --seed) are read by every
 * command through `globalOptions`; each command lives in its own file.
 */
import { Command, Option } from 'commander';

import { dataCommand } from './data.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { evalCommand, renderCommand } from './eval.js';
import { exportCommand } from './export.js';
import { nonNegativeInt, positiveInt } from './options.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';

export function buildProgram(): Command {
  const program = new Command('gqn')
    .description('Generative Query Networks: scene datasets, training, evaluation and a browser viewer')
    .version('0.1.0')
    .addOption(new Option('--backend <name>', 'tensor backend (default wasm; torch: libtorch, see gqn doctor)').choices(['wasm', 'cpu', 'torch']))
    .addOption(new Option('--threads <n>', 'wasm/torch threads (default: available cores)').argParser(positiveInt))
    .addOption(new Option('--device <name>', 'torch backend device: cpu, cuda or cuda:N (default cpu)'))
    .addOption(new Option('--seed <n>', 'seed for every random choice').argParser(nonNegativeInt).default(0))
    .configureHelp({ showGlobalOptions: true });
  program.addCommand(doctorCommand());
  program.addCommand(demoCommand());
  program.addCommand(dataCommand());
  program.addCommand(trainCommand());
  program.addCommand(evalCommand());
  program.addCommand(renderCommand());
  program.addCommand(serveCommand());
  program.addCommand(exportCommand());
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  // Errors from commands (bad input files, failed backends) are one line, not a stack trace.
  process.stderr.write(`gqn: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
