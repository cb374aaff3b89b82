/**
 * `npm run bench:data`: dataset generation speed, scenes/s per world at 64x64 with 10 views, with
 * 1 and 2 render workers, end to end (worker start-up, rendering, JPEG, protobuf, writing into a
 * temp folder), plus where a scene's time goes (worker-side ms per scene), so a slow cell says
 * whether the ray tracer or the data pipeline is the bottleneck.
 *
 * BENCH_SECONDS (default 3) sets the target time per cell; BENCH_WORLDS=rooms,mazes limits worlds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import Table from 'cli-table3';

import { generateDataset, type GenerateSummary } from '../src/data/index.js';
import { WORLD_NAMES } from '../src/scenes/world.js';

const SIZE = 64;
const VIEWS = 10;
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const worlds = process.env.BENCH_WORLDS ? process.env.BENCH_WORLDS.split(',') : [...WORLD_NAMES];

/** Runs one generate; `steady` is scenes/s after the first scene is written (no start-up). */
async function run(world: string, scenes: number, workers: number): Promise<GenerateSummary & { steady: number }> {
  const out = mkdtempSync(join(tmpdir(), 'gqn-bench-data-'));
  let first = 0;
  let last = 0;
  try {
    const s = await generateDataset({
      out,
      world,
      scenes,
      views: VIEWS,
      size: SIZE,
      seed: 1,
      workers,
      testScenes: 0,
      recordsPerFile: 500,
      onProgress: (p) => {
        last = performance.now();
        if (p.done === 1) first = last;
      },
    });
    return { ...s, steady: ((scenes - 1) * 1000) / (last - first) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const table = new Table({
  head: ['world', '1 worker scenes/s', '2 workers scenes/s', 'render ms/scene', 'jpeg+proto ms/scene', 'scene graph ms', 'write ms/scene'],
  style: { head: [], border: [] }, // no colour codes in logs
});
for (const world of worlds) {
  process.stderr.write(`bench:data: ${world}...\n`);
  // A short warm-up run on this thread sizes the timed runs to about `seconds` each.
  const probe = await run(world, 6, 0);
  const perScene = probe.seconds / 6;
  const rates: string[] = [];
  let detail: GenerateSummary | undefined;
  for (const workers of [1, 2]) {
    const n = Math.max(8, Math.round((seconds / perScene) * workers));
    const s = await run(world, n, workers);
    rates.push(`${(n / s.seconds).toFixed(1)} (${s.steady.toFixed(1)})`);
    detail = s;
  }
  const d = detail!;
  const per = (ms: number) => (ms / d.scenesRendered).toFixed(1);
  table.push([world, ...rates, per(d.ms.render), per(d.ms.encode), per(d.ms.generate), per(d.ms.write)]);
}
process.stdout.write(`${table.toString()}\n`);
process.stdout.write(
  `${SIZE}x${SIZE}, ${VIEWS} views, JPEG quality 95, no antialiasing, ${availableParallelism()} cores.\n` +
    'scenes/s: end to end including worker start-up (in brackets: after the first scene is written).\n' +
    'Per-scene columns are worker time in the 2-worker run (render = ray tracing the views, and the map for mazes).\n',
);
