/**
 * `npm run bench:viewer`: how fast the viewer's model runs. For the default model (models/default,
 * MODEL_RUN of the browser tests; BENCH_RUN=<run folder> picks another):
 *
 * - predictions per second: one prediction = one prior-sample image for a new query camera, with
 *   r already computed, read back to the CPU (what the viewer draws per camera move);
 * - surprises per second: KL[q || pi] of the true view for a new camera (the posterior path);
 * - time to first prediction: page load -> first prediction drawn in Chromium; model load ->
 *   first prediction in Node (weights read, r computed, one prediction).
 *
 * In headless Chromium (Debian's, through playwright-core) on the backend the page picks (here:
 * webgl on SwiftShader, software) and on wasm (?backend=wasm), and in Node on wasm with one
 * thread per core and with one thread (bench/viewer-node-run.ts, a process per cell).
 * BENCH_PREDICTIONS sets the timed predictions per cell (default 20).
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import Table from 'cli-table3';

import { buildApp } from '../test/web-app/app-build.js';
import { chromiumMissing, launchChromium } from '../test/web-app/chromium.js';
import { copyModel, MODEL_RUN, requireModel } from '../test/web-app/model-fixture.js';
import { startServer } from '../src/web/server/server.js';

const n = Number(process.env.BENCH_PREDICTIONS ?? 20);
const source = process.env.BENCH_RUN ?? MODEL_RUN;
if (source === MODEL_RUN) requireModel();

interface Row { where: string; backend: string; firstMs: number; predictionsPerSecond: number; surprisesPerSecond: number }

async function inChromium(runDir: string, appDir: string, backend: string | null): Promise<Row> {
  const server = await startServer({ runDir, appDir });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}${backend ? `?backend=${backend}` : ''}`);
    await page.evaluate(() => window.gqnViewer!.ready);
    const s = await page.evaluate(() => window.gqnViewer!.state());
    const speed = await page.evaluate((count) => window.gqnViewer!.bench(count), n);
    const gl = s.renderer;
    const label = s.backend === 'webgl' && gl ? `webgl (${/SwiftShader/i.test(gl) ? 'SwiftShader, software' : gl})` : s.backend;
    return { where: 'Chromium', backend: label, firstMs: s.firstPredictionMs!, ...speed };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** One Node cell in its own process (the wasm engine is set up once per process). */
function inNode(runDir: string, threads: number): Row {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./viewer-node-run.ts', import.meta.url)), runDir, String(threads), String(n)], { encoding: 'utf8' });
  const line = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`bench:viewer: Node cell with ${threads} thread(s) failed: ${r.stderr?.slice(-800)}`);
  return { where: 'Node', backend: `wasm, ${threads} thread${threads > 1 ? 's' : ''}`, ...(JSON.parse(line) as Omit<Row, 'where' | 'backend'>) };
}

const { runDir, step } = await copyModel(source);
const rows: Row[] = [];
try {
  const missing = chromiumMissing();
  if (missing) {
    process.stderr.write(`bench:viewer: Chromium columns omitted: ${missing}\n`);
  } else {
    process.stderr.write('bench:viewer: building the app...\n');
    const appDir = await buildApp();
    try {
      for (const backend of [null, 'wasm']) {
        process.stderr.write(`bench:viewer: Chromium, ${backend ?? 'default backend'}...\n`);
        rows.push(await inChromium(runDir, appDir, backend));
      }
    } finally {
      await rm(appDir, { recursive: true, force: true });
    }
  }
  // Threads = cores as gqn's default, and one: batch-1 ops are small, and on a busy machine the
  // threads mostly wait for each other.
  for (const threads of [...new Set([availableParallelism(), 1])]) {
    process.stderr.write(`bench:viewer: Node, wasm, ${threads} thread(s)...\n`);
    rows.push(inNode(runDir, threads));
  }
} finally {
  await rm(runDir, { recursive: true, force: true });
}

console.log(`viewer model: ${source} (step ${step}); ${n} predictions per cell; first prediction: page load (Chromium) or model load (Node) to the first image`);
const table = new Table({ style: { head: [], border: [] }, head: ['runtime', 'backend', 'first prediction s', 'predictions/s', 'surprise (KL)/s'] });
for (const r of rows) table.push([r.where, r.backend, (r.firstMs / 1000).toFixed(2), r.predictionsPerSecond.toFixed(1), r.surprisesPerSecond.toFixed(1)]);
console.log(table.toString());
