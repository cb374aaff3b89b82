/**
 * Loads tfjs's threaded SIMD WebAssembly build under Node.js.
 *
 * The stock loader turns threads off in Node (tfjs issue 3830): its pthread worker is handed a
 * `blob:` URL that Node's worker_threads refuse, and the native side caps the pool at half the
 * logical cores it is told about. Here the worker script is written to a real file, the main
 * script is given by path, and the core count the module sees is the number of threads asked
 * for times two, so `threads` is honoured exactly.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const MAIN_SCRIPT = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const WASM_OUT = path.dirname(MAIN_SCRIPT);

/** The emscripten module with the cwrapped entry points BackendWasm expects under `tfjs`. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: { terminateAllThreads(): void };
  tfjs?: unknown;
}

type ImportObject = { env: Record<string, unknown> };
type Receive = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

let loaded: EmscriptenModule | null = null;

/** Writes the pthread worker script to a content-addressed file in the temp folder (atomically). */
function workerScriptPath(): string {
  const { wasmWorkerContents } = require(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  ) as { wasmWorkerContents: string };
  // The contents come from a template literal in which "\n" inside the script's string literals
  // became real newlines; put the escapes back, as the stock loader does before making its Blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `gqn-tfjs-wasm-worker-${hash}.cjs`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script);
    renameSync(tmp, file);
  }
  return file;
}

/** Creates a `wasm` backend running `threads` threads (threaded SIMD build). */
export async function createThreadedWasmBackend(threads: number): Promise<BackendWasm> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`--threads: expected a positive integer, got ${threads}`);
  }
  const factory = require(MAIN_SCRIPT) as (config: object) => Promise<EmscriptenModule>;
  const workerFile = workerScriptPath();
  const wasmFile = path.join(WASM_OUT, 'tfjs-backend-wasm-threaded-simd.wasm');
  const mod = await factory({
    locateFile: (p: string) => (p.endsWith('.worker.js') ? workerFile : path.join(WASM_OUT, p)),
    mainScriptUrlOrBlob: MAIN_SCRIPT,
    instantiateWasm: (info: ImportObject, receive: Receive) => {
      // The native default and cap is half the reported cores: report twice what we want.
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(readFileSync(wasmFile), info as unknown as WebAssembly.Imports).then(
        (r) => receive(r.instance, r.module),
      );
      return {};
    },
  });
  mod.tfjs = {
    init: mod.cwrap('init', null, []),
    initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
    registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: mod.cwrap('dispose_data', null, ['number']),
    dispose: mod.cwrap('dispose', null, []),
  };
  loaded = mod;
  setThreadsCount(threads);
  return new BackendWasm(mod as never);
}

/** Stops the pthread workers so that the process can exit. */
export function terminateWasmThreads(): void {
  loaded?.PThread.terminateAllThreads();
  loaded = null;
}
