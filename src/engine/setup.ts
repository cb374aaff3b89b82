/**
 * The one place that sets TensorFlow.js up for the runtime.
 *
 * Node: `wasm` (threaded SIMD build, threads = available cores by default) with the training
 * kernels of `./kernels/wasm`; `cpu` (pure JS) only when asked for; `torch` (libtorch through a
 * native addon, CPU or CUDA: `./torch/`) when asked for and built. Browser: `webgpu` when the
 * page has WebGPU, else `webgl`. A backend that fails to start is an error: training never
 * falls back silently to the pure-JS backend.
 */
import * as tf from '@tensorflow/tfjs-core';

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

export const isNode = typeof process !== 'undefined' && process.versions?.node != null;

let current: EngineInfo | null = null;

export function engineInfo(): EngineInfo | null {
  return current;
}

async function defaultThreads(): Promise<number> {
  const os = await import('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * tfjs-core registers no gradients by itself. Its ESM build (which has them in
 * `dist/register_all_gradients.js`) cannot be loaded by Node (extensionless imports), so in Node
 * the union package's CommonJS bundle registers them; bundlers take the ESM file.
 */
async function registerGradients(): Promise<void> {
  if (isNode) await import('@tensorflow/tfjs');
  else await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  // Ours replace tfjs's where theirs are slow (see each file).
  const { registerTileGradient } = await import('./gradients/tile.js');
  registerTileGradient();
}

/** Registers backends and kernels, starts the requested backend and reports what runs. */
export async function setupEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const allowed: readonly string[] = isNode ? NODE_BACKENDS : BROWSER_BACKENDS;
  const requested = options.backend ?? (isNode ? 'wasm' : undefined);
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

  // PROD only silences tfjs's console banners (e.g. "install tfjs-node"): we choose backends.
  if (isNode) tf.env().set('PROD', true);
  await registerGradients();
  await import('@tensorflow/tfjs-backend-cpu');
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  const { registerWasmTrainingKernels } = await import('./kernels/wasm/register.js');
  registerWasmTrainingKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  let multithread = false;
  let threads = 1;
  let torch: { threads: number; device: string; library: string } | null = null;

  let backend: string;
  if (isNode) {
    backend = requested!;
    threads = options.threads ?? (await defaultThreads());
    // Node has threads and SIMD since v16; the stock loader just does not use them.
    multithread = simd && typeof SharedArrayBuffer !== 'undefined';
    if (backend === 'wasm' && multithread) {
      const { createThreadedWasmBackend } = await import('./wasm-node.js');
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => createThreadedWasmBackend(threads), 2);
    }
    if (backend === 'torch') {
      const { registerTorchBackend } = await import('./torch/index.js');
      const { library } = registerTorchBackend({ threads, device });
      torch = { threads: library.threads, device: library.device, library: `libtorch ${library.version}` };
    }
  } else {
    const hasWebGpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
    backend = requested ?? (hasWebGpu ? 'webgpu' : 'webgl');
    if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    if (backend === 'wasm') {
      multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
      if (options.threads != null) wasmPkg.setThreadsCount(options.threads);
    }
  }

  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) {
    throw new Error(`backend '${backend}' failed to start (tfjs is on '${tf.getBackend()}'); refusing to fall back`);
  }
  await tf.ready();
  // wasm and torch run threads of their own; the others report one (the GPU ones use the GPU).
  threads = backend === 'wasm' ? wasmPkg.getThreadsCount() : torch?.threads ?? 1;

  current = {
    runtime: isNode ? 'node' : 'browser',
    runtimeVersion: isNode ? process.versions.node : (typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown'),
    backend: backend as BackendName,
    threads,
    simd: backend === 'wasm' ? simd : false,
    multithread: (backend === 'wasm' && multithread && threads > 1) || (torch != null && threads > 1),
    tfjs: tf.version_core,
    device: torch?.device ?? 'cpu',
    ...(torch ? { library: torch.library } : {}),
  };
  return current;
}

/** Releases the backend's threads so the process can exit. */
export async function shutdownEngine(): Promise<void> {
  if (isNode) {
    const { terminateWasmThreads } = await import('./wasm-node.js');
    terminateWasmThreads();
  }
  current = null;
}
