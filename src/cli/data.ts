/**
 * `gqn data`: generate, verify and show datasets in DeepMind's gqn-datasets format
 * (docs/data-format.md). The work is done by src/data; this file only parses flags into it.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';

import {
  contactSheet,
  DEFAULT_QUALITY,
  DEFAULT_RECORDS_PER_FILE,
  DEFAULT_TEST_FRACTION,
  findDatasets,
  formatReport,
  generateDataset,
  verifyDataset,
  type GenerateProgress,
} from '../data/index.js';
import { writeFileAtomic } from '../data/atomic.js';
import { WORLD_NAMES } from '../scenes/world.js';
import { globalOptions, nonNegativeInt, positiveInt } from './options.js';

function fraction(value: string): number {
  const f = Number(value);
  if (value.trim() === '' || !Number.isFinite(f) || f < 0 || f > 1) throw new InvalidArgumentError('expected a number in [0, 1].');
  return f;
}

function quality(value: string): number {
  const q = Number(value);
  if (!/^\d+$/.test(value.trim()) || q < 1 || q > 100) throw new InvalidArgumentError('expected an integer in 1..100.');
  return q;
}

/** A progress bar on a terminal; elsewhere (CI logs, pipes) a plain line every few seconds. */
function progressReporter(label: string): { update: (p: GenerateProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {value}/{total} scenes  {rate} scenes/s  eta {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const t0 = performance.now();
    return {
      update: (p) => {
        if (!started) {
          bar.start(p.total, 0, { rate: '0' });
          started = true;
        }
        bar.update(p.done, { rate: (p.done / ((performance.now() - t0) / 1000)).toFixed(1) });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  const t0 = performance.now();
  let lastPrint = t0;
  return {
    update: (p) => {
      const now = performance.now();
      if (now - lastPrint < 5000 && p.done !== p.total) return;
      lastPrint = now;
      const rate = p.done / ((now - t0) / 1000);
      process.stderr.write(`${label}: ${p.done}/${p.total} scenes (${p.split}), ${rate.toFixed(1)} scenes/s\n`);
    },
    stop: () => undefined,
  };
}

/** One dataset folder under DIR (DIR itself, or its only dataset subfolder). */
function singleDataset(dir: string): string {
  const found = findDatasets(dir);
  if (found.length === 0) throw new Error(`${dir}: no dataset here (expected manifest.json or train/, test/ with .tfrecord files)`);
  if (found.length > 1) throw new Error(`${dir} holds ${found.length} datasets (${found.map((d) => d.slice(dir.length + 1)).join(', ')}); pass one of them`);
  return found[0];
}

function generateCommand(): Command {
  return new Command('generate')
    .description("render a world's scenes into TFRecord files in DeepMind's gqn-datasets layout: OUT/<world>/{train,test}/NNN-of-MMM.tfrecord")
    .addOption(new Option('--world <name>', 'world to render').choices(WORLD_NAMES).makeOptionMandatory())
    .addOption(new Option('--scenes <n>', 'total scenes (train + test)').argParser(positiveInt).makeOptionMandatory())
    .addOption(new Option('--out <dir>', 'output root; the dataset goes to <dir>/<world>').makeOptionMandatory())
    .addOption(new Option('--views <n>', "views per scene (default: the world's)").argParser(positiveInt))
    .addOption(new Option('--size <n>', "image side in pixels (default: the world's)").argParser(positiveInt))
    .addOption(new Option('--workers <n>', 'render threads (0: render on the main thread)').argParser(nonNegativeInt).default(availableParallelism(), 'available cores'))
    .addOption(new Option('--test-fraction <f>', 'share of scenes in the test split').argParser(fraction).conflicts('testScenes'))
    .addOption(new Option('--test-scenes <n>', 'scenes in the test split').argParser(nonNegativeInt))
    .addOption(new Option('--records-per-file <n>', 'scenes per .tfrecord file').argParser(positiveInt).default(DEFAULT_RECORDS_PER_FILE))
    .addOption(new Option('--quality <q>', 'JPEG quality, 1..100').argParser(quality).default(DEFAULT_QUALITY))
    .option('--antialias', 'supersample each pixel (slower)')
    .option('--overwrite', 'replace a dataset made with other settings (otherwise refused)')
    .addOption(new Option('--source <module>', 'module exporting loadSource(world) (custom worlds, tests)').hideHelp())
    .addHelpText('after', `\nThe seed is the global --seed. The test split defaults to ${DEFAULT_TEST_FRACTION * 100}% of the scenes.\nRerunning an interrupted generate with the same flags keeps the finished files and renders the rest.`)
    .action(async (opts: GenerateFlags, command: Command) => {
      const g = globalOptions(command);
      const progress = progressReporter(`generate ${opts.world}`);
      let summary;
      try {
        summary = await generateDataset({
          out: opts.out,
          world: opts.world,
          scenes: opts.scenes,
          views: opts.views,
          size: opts.size,
          seed: g.seed,
          workers: opts.workers,
          testFraction: opts.testFraction,
          testScenes: opts.testScenes,
          recordsPerFile: opts.recordsPerFile,
          quality: opts.quality,
          antialias: opts.antialias ?? false,
          overwrite: opts.overwrite ?? false,
          sourceModule: opts.source ? pathToFileURL(resolve(opts.source)).href : undefined,
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
      }
      const s = summary.manifest.settings;
      const n = summary.scenesRendered;
      const per = (ms: number) => (n ? `${(ms / n).toFixed(1)} ms` : '-');
      process.stdout.write(
        [
          `${summary.dir}: ${s.scenes.train} train + ${s.scenes.test} test scenes, ${s.views} views, ${s.size}x${s.size}, seed ${s.seed}`,
          `  files     ${summary.written.length} written, ${summary.kept.length} kept from an earlier run`,
          `  rendered  ${n} scenes in ${summary.seconds.toFixed(1)} s (${n ? (n / summary.seconds).toFixed(1) : 0} scenes/s, ${opts.workers} workers)`,
          n ? `  per scene generate ${per(summary.ms.generate)}, render ${per(summary.ms.render)}, jpeg+proto ${per(summary.ms.encode)} (worker time); write ${per(summary.ms.write)}` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    });
}

interface GenerateFlags {
  world: string;
  scenes: number;
  out: string;
  views?: number;
  size?: number;
  workers: number;
  testFraction?: number;
  testScenes?: number;
  recordsPerFile: number;
  quality: number;
  antialias?: boolean;
  overwrite?: boolean;
  source?: string;
}

function verifyCommand(): Command {
  return new Command('verify')
    .description('read every record (CRCs, Example parse, JPEG decode) and check counts and checksums against manifest.json')
    .argument('<dir>', 'a dataset folder (<root>/<world>) or a root holding several')
    .option('--skip-corrupt', 'count corrupt records and carry on instead of stopping at the first')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: { skipCorrupt?: boolean; json?: boolean }) => {
      const datasets = findDatasets(dir);
      if (datasets.length === 0) throw new Error(`${dir}: no dataset here (expected manifest.json or train/, test/ with .tfrecord files)`);
      const reports = [];
      for (const d of datasets) {
        const report = await verifyDataset(d, { skipCorrupt: opts.skipCorrupt });
        reports.push(report);
        if (!opts.json) process.stdout.write(`${formatReport(report).join('\n')}\n`);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(reports.map(({ manifest: _m, ...r }) => r), null, 2)}\n`);
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}

function showCommand(): Command {
  return new Command('show')
    .description('write a contact sheet PNG: one row per scene, one column per view (mazes: the map last)')
    .argument('<dir>', 'a dataset folder (<root>/<world>)')
    .requiredOption('--out <file>', 'PNG file to write')
    .addOption(new Option('--scenes <n>', 'rows: the first n scenes').argParser(positiveInt).default(8))
    .addOption(new Option('--views <n>', 'columns: at most n views per scene').argParser(positiveInt))
    .addOption(new Option('--split <name>', 'split to show').choices(['train', 'test']).default('train'))
    .addOption(new Option('--scale <n>', 'integer pixel scale (default: enlarge to at least 64 px)').argParser(positiveInt))
    .option('--skip-corrupt', 'skip corrupt records instead of failing')
    .action(async (dir: string, opts: { out: string; scenes: number; views?: number; split: 'train' | 'test'; scale?: number; skipCorrupt?: boolean }) => {
      const dataset = singleDataset(dir);
      let skipped = 0;
      const sheet = await contactSheet(dataset, { ...opts, onCorrupt: () => skipped++ });
      await writeFileAtomic(opts.out, sheet.png);
      process.stdout.write(`${opts.out}: ${sheet.rows} scenes x ${sheet.cols} views from ${dataset}/${opts.split}${skipped ? ` (${skipped} corrupt records skipped)` : ''}\n`);
    });
}

export function dataCommand(): Command {
  return new Command('data')
    .description("datasets in DeepMind's gqn-datasets format: generate, verify, show")
    .addCommand(generateCommand())
    .addCommand(verifyCommand())
    .addCommand(showCommand());
}
