/**
 * Starting worker threads whose entry is a TypeScript file.
 *
 * tsx's loader is not inherited by worker threads (checked with tsx 4.23 on Node 20: both
 * `tsx file.ts` and `register()` from tsx/esm/api leave `new Worker(new URL('./w.ts', ...))`
 * failing with "Unknown file extension .ts", and `execArgv: ['--import', 'tsx']` does not help).
 * So a .ts entry is started through a two-line bootstrap that registers tsx inside the worker
 * and then imports the entry. A .js entry (a compiled build) starts directly.
 */
import { Worker } from 'node:worker_threads';

export function spawnWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}
