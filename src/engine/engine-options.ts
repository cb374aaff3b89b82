/**
 * What can be asked of the engine and what it reports, shared by the Node set-up (setup.ts) and
 * the browser one (setup-browser.ts). Browser-safe: no imports at all.
 */
export const NODE_BACKENDS = ['wasm', 'cpu', 'torch'] as const;
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BROWSER_BACKENDS)[number] | 'torch';

export interface EngineOptions {
  /** Backend to run; default `wasm` in Node, `webgpu`/`webgl` in the browser. */
  backend?: string;
  /** wasm threads; default: the cores available to this process. */
  threads?: number;
  /** Where tensors live: `cpu` (default) or `cuda[:N]`, which only the torch backend has. */
  device?: string;
  /**
   * Browser wasm only: where the page serves the backend's three .wasm files (a bundler gives
   * their URLs); without it tfjs looks beside the script, which a bundle does not have.
   */
  wasmPaths?: { 'tfjs-backend-wasm.wasm': string; 'tfjs-backend-wasm-simd.wasm': string; 'tfjs-backend-wasm-threaded-simd.wasm': string };
}

export interface EngineInfo {
  runtime: 'node' | 'browser';
  runtimeVersion: string;
  backend: BackendName;
  threads: number;
  simd: boolean;
  multithread: boolean;
  tfjs: string;
  /** `cpu`, or the CUDA device the torch backend runs on (`cuda:0`). */
  device: string;
  /** The native library behind the backend (torch: `libtorch 1.13.0`). */
  library?: string;
}

/** Checks the options against the runtime's backends; every message names the flag. */
export function checkEngineOptions(options: EngineOptions, runtime: 'node' | 'browser'): void {
  const allowed: readonly string[] = runtime === 'node' ? NODE_BACKENDS : BROWSER_BACKENDS;
  const requested = options.backend;
  if (requested != null && !allowed.includes(requested)) {
    throw new Error(`--backend: expected one of ${allowed.join(', ')}, got '${requested}'`);
  }
  if (options.threads != null && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new Error(`--threads: expected a positive integer, got '${options.threads}'`);
  }
  const device = options.device ?? 'cpu';
  if (!/^(cpu|cuda(:\d+)?)$/.test(device)) {
    throw new Error(`--device: expected cpu, cuda or cuda:N, got '${device}'`);
  }
  if (device !== 'cpu' && requested !== 'torch') {
    throw new Error(`--device ${device}: only the torch backend runs on CUDA (add --backend torch)`);
  }
}
