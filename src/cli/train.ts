/**
 * `gqn train`: trains a model (`--model`, a kind of src/models/registry.ts) from one of its
 * presets, with checkpoints and resume. The flags every kind takes are declared here; each kind's
 * own (the GQN's --data, --context-views, --sigma-*, --representation...) come from its
 * `trainFlags`, which name the config.json field each sets. A flag of another kind is refused
 * by name.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';

import { checkWasmHeap } from '../engine/heap.js';
import type { FlagValue, KindFlag } from '../models/model.js';
import { DEFAULT_KIND, getModelKind, kindOf, MODEL_KINDS, presetOf, trainFlags, type AnyModelKind } from '../models/registry.js';
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

function countOrRandom(value: string): number | 'random' {
  return value === 'random' ? 'random' : positiveInt(value);
}

const PARSERS: Record<Exclude<FlagValue, 'switch' | 'path' | { choices: readonly string[] }>, (value: string) => unknown> = {
  'positive-int': positiveInt,
  'positive-number': positiveNumber,
  'count-or-random': countOrRandom,
};

const PLACEHOLDERS: Record<Exclude<FlagValue, 'switch' | { choices: readonly string[] }>, string> = {
  path: '<path>', 'positive-int': '<n>', 'positive-number': '<x>', 'count-or-random': '<n|random>',
};

/** A kind's flag as a commander option; its help names the kinds that take it. */
function kindOption(spec: KindFlag, kinds: readonly string[]): Option {
  const v = spec.value;
  const name = v === 'switch' ? spec.flag : `${spec.flag} ${spec.placeholder ?? (typeof v === 'object' ? '<name>' : PLACEHOLDERS[v])}`;
  const option = new Option(name, `${spec.description} [--model ${kinds.join(', ')}]`);
  if (typeof v === 'object') option.choices(v.choices);
  else if (v !== 'switch' && v !== 'path') option.argParser(PARSERS[v]);
  return option;
}

/** commander's attribute for a flag: '--context-views' -> 'contextViews'. */
function attribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The flags every kind takes, as in Opts; the kinds' own are read by attribute. */
interface Opts {
  model: string; preset?: string; out: string; steps?: number; batch?: number; resume?: boolean; override?: boolean;
  checkpointEvery: number; logEvery: number; lrStart?: number; lrEnd?: number; lrSteps?: number;
}

/** Sets the dotted `path` (e.g. 'train.sigma.start') of `target`. */
function setPath(target: object, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

export function trainCommand(): Command {
  const own = trainFlags();
  const command = new Command('train')
    .description("train a model (a GQN by default) on its kind's data with checkpoints; --resume continues the same curve")
    .addOption(new Option('--model <kind>', 'model kind').choices(MODEL_KINDS).default(DEFAULT_KIND))
    .option('--preset <name>', `model preset, one of the kind's (${MODEL_KINDS.map((k: string) => `${k}: ${Object.keys(getModelKind(k).presets).join(', ')}; default ${getModelKind(k).defaultPreset}`).join('. ')})`)
    .requiredOption('--out <run>', 'run folder (config, checkpoints, metrics)')
    .option('--steps <n>', 'train until this step', positiveInt)
    .option('--batch <n>', 'items (scenes, digits...) per batch', positiveInt)
    .option('--resume', 'continue the run in --out from its latest checkpoint (a new run needs an empty or absent --out)')
    .option('--override', 'with --resume: accept flags that differ from the run\'s config.json, recording each change there')
    .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt, 500)
    .option('--log-every <n>', 'steps between metric lines', positiveInt, 10)
    .option('--lr-start <x>', 'learning rate at step 0', positiveNumber)
    .option('--lr-end <x>', 'learning rate after annealing', positiveNumber)
    .option('--lr-steps <n>', 'steps over which the learning rate anneals', positiveInt);
  for (const { spec, kinds } of own) command.addOption(kindOption(spec, kinds));
  return command.action(async (opts: Opts, command: Command) => {
    const g = globalOptions(command);
    const given = (key: string) => command.getOptionValueSourceWithGlobals(key) === 'cli';
    if (opts.override && !opts.resume) throw new Error('--override: only with --resume (it accepts changes to an existing run\'s config)');
    if (opts.resume) await checkRunToResume(opts.out);
    const saved = opts.resume ? await readRunConfig(opts.out) : null;
    // The kind the command line asks for (--model, else the run's); a resume refuses another (resume-plan.ts).
    const kind = saved && !given('model') ? kindOf(saved) : getModelKind(opts.model);
    const session = kindFlags(kind, command, own.map((f) => f.spec));
    const config = saved ? resumeConfig(opts, saved, kind, session, given, g.seed) : newConfig(opts, kind, session, g.seed);
    const skipCorrupt = session.has('--skip-corrupt');
    let stop = false;
    // The first signal checkpoints and stops; runEngineCommand handles a second (leave now).
    const onInterrupt = (signal: string) => {
      stop = true;
      process.stderr.write(`\n${signal}: checkpointing, then stopping (again to quit at once)\n`);
    };
    await runEngineCommand(command, async (info) => {
    checkWasmHeap(info.backend, kind.trainBytes(config.model, config.train.batch), `--batch ${config.train.batch}`);
    process.stderr.write(`gqn train: preset ${config.train.preset} of ${kind.name} on ${info.backend} (${info.threads} threads), run ${opts.out}\n`);
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
      }, { override: opts.override === true, skipCorrupt }).finally(() => {
        if (bar && started) bar.stop();
      });
      const skipped = skipCorrupt ? `; ${result.skippedRecords} corrupt records skipped` : '';
      process.stderr.write(`gqn train: stopped at step ${result.step}${result.stoppedEarly ? ' (interrupted)' : ''}; ${result.rejected} steps rejected${skipped}; checkpoint ${result.lastCheckpoint}\n`);
    }, { onInterrupt });
  });
}

/**
 * The kind's own flags given on the command line, checked: a flag of another kind is a one-line
 * error naming it and what this kind takes. Returns the given ones by flag.
 */
function kindFlags(kind: AnyModelKind, command: Command, all: readonly KindFlag[]): Map<string, unknown> {
  const mine = new Set(kind.trainFlags.map((f) => f.flag));
  const given = new Map<string, unknown>();
  for (const spec of all) {
    const key = attribute(spec.flag);
    if (command.getOptionValueSource(key) !== 'cli') continue;
    if (!mine.has(spec.flag)) {
      const takes = kind.trainFlags.length > 0 ? kind.trainFlags.map((f) => f.flag).join(', ') : 'none';
      throw new Error(`${spec.flag}: not a flag of --model ${kind.name}, which trains on ${kind.data.description} (its own flags: ${takes})`);
    }
    given.set(spec.flag, command.getOptionValue(key));
  }
  return given;
}

function newConfig(opts: Opts, kind: AnyModelKind, flags: Map<string, unknown>, seed: number): RunConfig {
  const name = opts.preset ?? kind.defaultPreset;
  const { model, train: { batch, steps, lr, ...own } } = presetOf(kind, name);
  const config = {
    format: 'gqn-run/1',
    kind: kind.name,
    model,
    train: {
      preset: name, batch: opts.batch ?? batch, steps: opts.steps ?? steps, seed, ...own,
      lr: { start: opts.lrStart ?? lr.start, end: opts.lrEnd ?? lr.end, steps: opts.lrSteps ?? lr.steps },
      adam: PAPER_ADAM, checkpointEvery: opts.checkpointEvery, logEvery: opts.logEvery,
    },
  };
  for (const spec of kind.trainFlags) {
    if (spec.field == null) continue;
    const value = flags.has(spec.flag) ? flags.get(spec.flag) : spec.default;
    if (value !== undefined) setPath(config, spec.field, value);
    else if (spec.required) throw new Error(`${spec.flag}: required for --model ${kind.name} (${spec.description})`);
  }
  return config as RunConfig;
}

/**
 * On resume: the run's config.json with the flags given on the command line (defaults do not
 * count); the trainer refuses those that conflict with the run unless --override.
 */
function resumeConfig(opts: Opts, saved: RunConfig, kind: AnyModelKind, flags: Map<string, unknown>, given: (key: string) => boolean, seed: number): RunConfig {
  const config = structuredClone(saved) as RunConfig;
  if (given('model')) config.kind = kind.name as never;
  if (given('preset')) {
    config.train.preset = opts.preset!;
    config.model = presetOf(kind, opts.preset!).model as never;
  }
  const t = config.train;
  if (given('batch')) t.batch = opts.batch!;
  if (given('steps')) t.steps = opts.steps!;
  if (given('seed')) t.seed = seed;
  if (given('lrStart')) t.lr.start = opts.lrStart!;
  if (given('lrEnd')) t.lr.end = opts.lrEnd!;
  if (given('lrSteps')) t.lr.steps = opts.lrSteps!;
  if (given('checkpointEvery')) t.checkpointEvery = opts.checkpointEvery;
  if (given('logEvery')) t.logEvery = opts.logEvery;
  for (const spec of kind.trainFlags) if (spec.field != null && flags.has(spec.flag)) setPath(config, spec.field, flags.get(spec.flag));
  return config;
}
