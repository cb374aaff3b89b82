/**
 * `gqn eval` and `gqn render`: honest numbers and a picture of a trained run, computed by the
 * run's kind (ModelKind.evaluation and .render, src/models/model.ts). The options of both
 * commands are declared here; each kind lists those it takes, and one it does not take is a
 * one-line error naming it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

import { writeFileAtomic } from '../data/atomic.js';
import { SPLITS } from '../data/layout.js';
import { checkWasmHeap } from '../engine/heap.js';
import type { EvalOptions, RenderOptions } from '../models/model.js';
import { kindOf, type AnyModelKind } from '../models/registry.js';
import { loadRun } from '../train/load-run.js';
import { readRunConfig } from '../train/run-config.js';
import { runEngineCommand } from './engine-command.js';
import { nonNegativeInt, positiveInt } from './options.js';

export { formatReport } from '../eval/scene-report.js';

function contextList(value: string): number[] {
  const list = value.split(',').map((v) => positiveInt(v.trim()));
  if (list.length === 0) throw new InvalidArgumentError('expected a comma-separated list of positive integers.');
  return list;
}

/**
 * Refuses a flag given on the command line that the run's kind does not take (`common`: those
 * every kind takes), and a flag it requires that is missing; errors name the flag.
 */
function checkFlags(command: Command, kind: AnyModelKind, what: 'evaluation' | 'render', common: readonly string[]): void {
  const { flags } = kind[what];
  // --consistency renders its own mnist-dice scenes: no dataset is read.
  const required = command.getOptionValue('consistency') === true ? kind[what].required.filter((f) => f !== '--data') : kind[what].required;
  const takes = new Set([...flags, ...common]);
  for (const option of command.options) {
    const flag = option.long!;
    if (command.getOptionValueSource(option.attributeName()) !== 'cli' || takes.has(flag)) continue;
    throw new Error(`${flag}: not a flag of ${command.name()} for a ${kind.name} run (it takes ${[...flags, ...common].join(', ')})`);
  }
  for (const flag of required) {
    const option = command.options.find((o) => o.long === flag)!;
    if (command.getOptionValue(option.attributeName()) === undefined) throw new Error(`${flag}: required to ${command.name()} a ${kind.name} run (${option.description})`);
  }
}

export function evalCommand(): Command {
  return new Command('eval')
    .description("evaluate a run with its kind's metrics. A GQN or JUMP, per number of context views: PSNR/SSIM of the prior mean and samples at the query camera and at a wrong camera, beside the scene-mean oracle, context-mean and nearest-view baselines; -ELBO, NLL, KL; with --consistency on mnist-dice, whether the views of one sample agree. A VAE or CVAE: test -ELBO, NLL and KL in nats per digit. A CNP, NP or ANP: log-likelihood per held-out point on the fixed 1,000 test functions, per context size, beside the true GP (gp task), or per pixel of the 1,000 held-out digits, all 784 pixels as targets (mnist task)")
    .argument('<run>', 'run folder')
    .option('--data <dir>', 'dataset folder (gqn, jump)')
    .addOption(new Option('--split <split>', 'split').choices([...SPLITS]).default('test'))
    .option('--scenes <n>', 'scenes to evaluate (gqn, jump)', positiveInt, 256)
    .option('--batch <n>', 'items per batch', positiveInt, 16)
    .option('--contexts <list>', 'context view counts, e.g. 1,2,3,5 (gqn, jump; default: 1..K-1); context points (cnp, np, anp; default: 3,10,30 on the gp task, 10,50,100,300,784 on mnist)', contextList)
    .option('--digits <n>', 'held-out digits to evaluate, every (1000/n)-th so that each class has its share (cnp, np, anp on the mnist task; default: all 1,000)', positiveInt)
    .option('--json', 'print the report as JSON')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--skip-corrupt', 'skip and count corrupt records (bad CRC, unparsable example, bad JPEG) instead of stopping (gqn, jump)')
    .option('--consistency', 'mnist-dice: whether the views of one prior sample agree on a face the context never shows, read by the face classifier in classifiers/mnist-dice-faces (gqn, jump; --data is then not needed)')
    .option('--samples <n>', 'prior samples per scene (--consistency; default 4)', positiveInt)
    .action((run: string, opts: Omit<EvalOptions, 'seed' | 'onProgress'> & { json?: boolean; out?: string }, command: Command) => runEngineCommand(command, async (info, g) => {
      const kind = kindOf(await readRunConfig(run));
      checkFlags(command, kind, 'evaluation', ['--batch', '--json', '--out']);
      const options: EvalOptions = { ...opts, seed: g.seed, onProgress: (done, total) => process.stderr.write(`\reval: ${done}/${total}`) };
      const trained = await loadRun(run);
      try {
        const { bytes, flag } = kind.evaluation.memory(trained.config.model, options);
        checkWasmHeap(info.backend, bytes, flag);
        const { json, text } = await kind.evaluation.run(trained, options);
        process.stderr.write('\n');
        const body = `${JSON.stringify(json, null, 2)}\n`;
        if (opts.out) await writeFileAtomic(opts.out, body);
        process.stdout.write(opts.json ? body : `${text}\n`);
      } finally {
        trained.model.dispose();
      }
    }));
}

export function renderCommand(): Command {
  return new Command('render')
    .description('draw a grid of what the run\'s model does. A GQN: context views | truth | reconstruction | prior samples, one row per scene. JUMP: context views | truth at four cameras | each prior sample at the same four cameras. A VAE: prior samples, or a latent traversal; a CVAE: samples per class (rows = digits 0..9). A CNP, NP or ANP: predictive mean and spread against the truth, one function per row (mnist: one held-out digit per row; context, mean, sigma and latent samples for 10, 100 and 300 context pixels, then the truth)')
    .argument('<run>', 'run folder')
    .option('--data <dir>', 'dataset folder (gqn, jump)')
    .requiredOption('--out <file.png>', 'PNG to write')
    .addOption(new Option('--split <split>', 'split (gqn, jump)').choices([...SPLITS]).default('test'))
    .option('--scenes <n>', 'rows (gqn, jump; cnp, np, anp: functions or digits)', positiveInt, 4)
    .option('--context <n>', 'context views per row (gqn, jump; cnp, np, anp: context points on the gp task)', positiveInt, 3)
    .option('--samples <n>', 'samples per row (gqn, jump: prior samples; vae, cvae: columns; traversal: points per axis; np, anp: latent draws)', positiveInt, 3)
    .addOption(new Option('--grid <name>', 'which picture (vae: samples, traversal; cvae: classes, traversal)').choices(['samples', 'classes', 'traversal']))
    .option('--digit <d>', 'the class of a cvae traversal (0..9)', nonNegativeInt)
    .option('--zoom <n>', 'pixel upscaling', positiveInt, 2)
    .action((run: string, opts: Omit<RenderOptions, 'seed'> & { out: string }, command: Command) => runEngineCommand(command, async (info, g) => {
      const kind = kindOf(await readRunConfig(run));
      checkFlags(command, kind, 'render', ['--out', '--zoom']);
      const options: RenderOptions = { ...opts, seed: g.seed };
      const trained = await loadRun(run);
      try {
        const { bytes, flag } = kind.render.memory(trained.config.model, options);
        checkWasmHeap(info.backend, bytes, flag);
        const { png, caption } = await kind.render.run(trained, options);
        await writeFileAtomic(opts.out, png);
        process.stderr.write(`gqn render: wrote ${opts.out} (step ${trained.step}): ${caption}\n`);
      } finally {
        trained.model.dispose();
      }
    }));
}
