/** `gqn train`: trains a model (`--model`, a kind of src/models/registry.ts) from a preset on a dataset folder, with checkpoints and resume. */
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';

import { checkWasmHeap } from '../engine/heap.js';
import type { ContextFrame, RepresentationKind } from '../models/gqn/config.js';
import { DEFAULT_KIND, getModelKind, kindOf, MODEL_KINDS, presetOf, type AnyModelKind, type ModelConfig, type ModelKindName } from '../models/registry.js';
import { PAPER_ADAM } from '../train/adam.js';
import { readRunConfig, type RunConfig } from '../train/run-config.js';
import { checkRunToResume } from '../train/run-folder.js';
import { train, type Metrics } from '../train/trainer.js';
import { runEngineCommand } from './engine-command.js';
import { globalOptions, positiveInt } from './options.js';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

function contextViews(value: string): number | 'random' {
  return value === 'random' ? 'random' : positiveInt(value);
}

interface Opts {
  model: ModelKindName; preset?: string; data: string; out: string; steps?: number; batch?: number; resume?: boolean; override?: boolean; skipCorrupt?: boolean;
  contextViews: number | 'random'; checkpointEvery: number; logEvery: number;
  representation?: RepresentationKind; contextFrame?: ContextFrame;
  sigmaStart?: number; sigmaEnd?: number; sigmaSteps?: number; lrStart?: number; lrEnd?: number; lrSteps?: number;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train a model (a GQN by default) on a dataset (gqn-datasets layout) with checkpoints; --resume continues the same curve')
    .addOption(new Option('--model <kind>', 'model kind').choices(MODEL_KINDS).default(DEFAULT_KIND))
    .option('--preset <name>', `model preset, one of the kind's (${MODEL_KINDS.map((k) => `${k}: ${Object.keys(getModelKind(k).presets).join(', ')}; default ${getModelKind(k).defaultPreset}`).join('. ')})`)
    .requiredOption('--data <dir>', 'dataset folder, e.g. data/shepard-metzler-7 (with train/ inside)')
    .requiredOption('--out <run>', 'run folder (config, checkpoints, metrics)')
    .addOption(new Option('--representation <kind>', "representation network (default: the preset's)").choices(['pool', 'tower', 'pyramid']))
    .addOption(new Option('--context-frame <frame>', "cameras as given ('world', the paper) or turned into the query's heading ('query'); default: the preset's").choices(['world', 'query']))
    .option('--steps <n>', 'train until this step', positiveInt)
    .option('--batch <n>', 'scenes per batch', positiveInt)
    .option('--resume', 'continue the run in --out from its latest checkpoint (a new run needs an empty or absent --out)')
    .option('--override', 'with --resume: accept flags that differ from the run\'s config.json, recording each change there')
    .option('--skip-corrupt', 'skip and count corrupt records (bad CRC, unparsable example, bad JPEG) instead of stopping')
    .option('--context-views <n|random>', "context views per batch, or 'random' for M ~ U{1..K-1}", contextViews, 'random')
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt, 500)
    .option('--log-every <n>', 'steps between metric lines', positiveInt, 10)
    .option('--sigma-start <x>', 'observation sigma at step 0', positiveNumber)
    .option('--sigma-end <x>', 'observation sigma after annealing', positiveNumber)
    .option('--sigma-steps <n>', 'steps over which sigma anneals', positiveInt)
    .option('--lr-start <x>', 'learning rate at step 0', positiveNumber)
    .option('--lr-end <x>', 'learning rate after annealing', positiveNumber)
    .option('--lr-steps <n>', 'steps over which the learning rate anneals', positiveInt)
    .action(async (opts: Opts, command: Command) => {
      const g = globalOptions(command);
      if (opts.override && !opts.resume) throw new Error('--override: only with --resume (it accepts changes to an existing run\'s config)');
      const config = opts.resume ? await resumeConfig(opts, command) : newConfig(opts, g.seed);
      const kind = kindOf(config);
      let stop = false;
      // The first signal checkpoints and stops; runEngineCommand handles a second (leave now).
      const onInterrupt = (signal: string) => {
        stop = true;
        process.stderr.write(`\n${signal}: checkpointing, then stopping (again to quit at once)\n`);
      };
      await runEngineCommand(command, async (info) => {
      checkWasmHeap(info.backend, kind.trainBytes(config.model, config.train.batch, 1), `--batch ${config.train.batch}`);
      process.stderr.write(`gqn train: preset ${config.train.preset} on ${info.backend} (${info.threads} threads), run ${opts.out}\n`);
      const tty = process.stderr.isTTY;
      const bar = tty ? new cliProgress.SingleBar({
        format: `step {value}/{total} |{bar}| {sps} steps/s | ETA {eta_formatted} | ${kind.metrics.map((s) => `${s.label} {${s.key}}`).join(' | ')} | lr {lr}`,
        etaBuffer: 50, hideCursor: true,
      }, cliProgress.Presets.shades_classic) : null;
      const fields = (m: Metrics): Record<string, string> => ({
        sps: m.stepsPerSecond.toFixed(2),
        ...Object.fromEntries(kind.metrics.map((s) => [s.key, (m.values[s.key] ?? NaN).toFixed(s.digits)])),
        lr: m.lr.toExponential(2),
      });
      let started = false;
      const result = await train(opts.out, config, opts.resume === true, {
        shouldStop: () => stop,
        onNote: (text) => {
          if (bar && started) bar.stop();
          process.stderr.write(`${text}\n`);
          if (bar && started) started = false;
        },
        onStep: (m) => {
          if (bar) {
            if (!started) {
              bar.start(config.train.steps, m.step - 1, fields(m));
              started = true;
            }
            bar.update(m.step, fields(m));
          } else if (m.step % config.train.logEvery === 0) {
            const f = fields(m);
            process.stderr.write(`step ${m.step}/${config.train.steps} ${f.sps} steps/s ${kind.metrics.map((s) => `${s.label} ${f[s.key]}`).join(' ')} lr ${f.lr}\n`);
          }
        },
      }, { override: opts.override === true, skipCorrupt: opts.skipCorrupt === true }).finally(() => {
        if (bar && started) bar.stop();
      });
      const skipped = opts.skipCorrupt ? `; ${result.skippedRecords} corrupt records skipped` : '';
      process.stderr.write(`gqn train: stopped at step ${result.step}${result.stoppedEarly ? ' (interrupted)' : ''}; ${result.rejected} steps rejected${skipped}; checkpoint ${result.lastCheckpoint}\n`);
      }, { onInterrupt });
    });
}

/** The preset's model with the architecture flags given on the command line (the GQN's). */
function modelFor(opts: Opts, base: ModelConfig): ModelConfig {
  return {
    ...base,
    ...(opts.representation ? { representation: opts.representation } : {}),
    ...(opts.contextFrame ? { contextFrame: opts.contextFrame } : {}),
  };
}

/** The preset --preset names among the --model kind's (default: the kind's default preset). */
function presetName(opts: Opts, kind: AnyModelKind): string {
  return opts.preset ?? kind.defaultPreset;
}

function newConfig(opts: Opts, seed: number): RunConfig {
  const kind = getModelKind(opts.model);
  const name = presetName(opts, kind);
  const { model, train: d } = presetOf(kind, name);
  return {
    format: 'gqn-run/1',
    kind: kind.name,
    model: modelFor(opts, model),
    train: {
      preset: name, data: opts.data, batch: opts.batch ?? d.batch, steps: opts.steps ?? d.steps, seed,
      contextViews: opts.contextViews,
      sigma: { start: opts.sigmaStart ?? d.sigma.start, end: opts.sigmaEnd ?? d.sigma.end, steps: opts.sigmaSteps ?? d.sigma.steps },
      lr: { start: opts.lrStart ?? d.lr.start, end: opts.lrEnd ?? d.lr.end, steps: opts.lrSteps ?? d.lr.steps },
      adam: PAPER_ADAM, checkpointEvery: opts.checkpointEvery, logEvery: opts.logEvery,
    },
  };
}

/**
 * On resume: the run's config.json with the flags given on the command line (defaults do not
 * count); the trainer refuses those that conflict with the run unless --override.
 */
async function resumeConfig(opts: Opts, command: Command): Promise<RunConfig> {
  await checkRunToResume(opts.out);
  const saved = await readRunConfig(opts.out);
  const given = (key: string) => command.getOptionValueSourceWithGlobals(key) === 'cli';
  const pick = <T>(key: keyof Opts | 'seed', value: T, old: T): T => (given(key) ? value : old);
  const s = saved.train;
  // The kind the command line asks for (--model, else the run's); a resume refuses another (resume-plan.ts).
  const kind = given('model') ? getModelKind(opts.model) : kindOf(saved);
  return {
    ...saved,
    ...(given('model') ? { kind: kind.name } : {}),
    model: modelFor(opts, given('preset') ? presetOf(kind, presetName(opts, kind)).model : saved.model),
    train: {
      ...s,
      preset: pick('preset', presetName(opts, kind), s.preset), data: opts.data,
      batch: pick('batch', opts.batch!, s.batch), steps: pick('steps', opts.steps!, s.steps),
      seed: pick('seed', globalOptions(command).seed, s.seed), contextViews: pick('contextViews', opts.contextViews, s.contextViews),
      sigma: { start: pick('sigmaStart', opts.sigmaStart!, s.sigma.start), end: pick('sigmaEnd', opts.sigmaEnd!, s.sigma.end), steps: pick('sigmaSteps', opts.sigmaSteps!, s.sigma.steps) },
      lr: { start: pick('lrStart', opts.lrStart!, s.lr.start), end: pick('lrEnd', opts.lrEnd!, s.lr.end), steps: pick('lrSteps', opts.lrSteps!, s.lr.steps) },
      checkpointEvery: pick('checkpointEvery', opts.checkpointEvery, s.checkpointEvery), logEvery: pick('logEvery', opts.logEvery, s.logEvery),
    },
  };
}
