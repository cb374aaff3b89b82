/**
 * The one place that sets TensorFlow.js up for the runtime.
 *
 * Node: `wasm` (threaded SIMD build, threads = available cores by default) with the training
 * kernels of `./kernels/wasm`; `cpu` (pure JS) only when asked for; `torch` (libtorch through a
 * native addon, CPU or CUDA: `./torch/`) when asked for and built. Browser: `webgpu` when the
 * page has WebGPU, else `webgl` (setup-browser.ts, which bundles import directly so that none of
 * the Node-only code here reaches a page). A backend that fails to start is an error: training
 * never falls back silently to the pure-JS backend.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkEngineOptions, type BackendName, type EngineInfo, type EngineOptions } from './engine-options.js';

export { NODE_BACKENDS, BROWSER_BACKENDS } from './engine-options.js';
export type { BackendName, EngineInfo, EngineOptions } from './engine-options.js';

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
 * the union package's CommonJS bundle registers them (setup-browser.ts takes the ESM file).
 */
async function registerGradients(): Promise<void> {
  await import('@tensorflow/tfjs');
  // Ours replace tfjs's where theirs are slow (see each file).
  const { registerTileGradient } = await import('./gradients/tile.js');
  registerTileGradient();
}

/** Registers backends and kernels, starts the requested backend and reports what runs. */
export async function setupEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  if (!isNode) {
    const { setupBrowserEngine } = await import('./setup-browser.js');
    current = await setupBrowserEngine(options);
    return current;
  }
  checkEngineOptions(options, 'node');
  const backend = options.backend ?? 'wasm';
  const device = options.device ?? 'cpu';

  // PROD only silences tfjs's console banners (e.g. "install tfjs-node"): we choose backends.
  tf.env().set('PROD', true);
  await registerGradients();
  await import('@tensorflow/tfjs-backend-cpu');
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  const { registerWasmTrainingKernels } = await import('./kernels/wasm/register.js');
  registerWasmTrainingKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  let threads = options.threads ?? (await defaultThreads());
  // Node has threads and SIMD since v16; the stock loader just does not use them.
  const multithread = simd && typeof SharedArrayBuffer !== 'undefined';
  let torch: { threads: number; device: string; library: string } | null = null;
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

  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) {
    throw new Error(`backend '${backend}' failed to start (tfjs is on '${tf.getBackend()}'); refusing to fall back`);
  }
  await tf.ready();
  // wasm and torch run threads of their own; the others report one (the GPU ones use the GPU).
  threads = backend === 'wasm' ? wasmPkg.getThreadsCount() : torch?.threads ?? 1;

  current = {
    runtime: 'node',
    runtimeVersion: process.versions.node,
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
