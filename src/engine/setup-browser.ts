/**
 * TensorFlow.js set-up in the browser: `webgpu` when the page has a WebGPU adapter, else `webgl`;
 * `wasm` or `cpu` on request. Browser-safe by construction: this file and what it imports never reach
 * Node-only code (the Node set-up, with its wasm thread fix and the torch addon, is setup.ts),
 * so the viewer's bundle imports this file rather than setup.ts. A backend that fails to start
 * is an error, never a silent fallback.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkEngineOptions, type BackendName, type EngineInfo, type EngineOptions } from './engine-options.js';

/**
 * Whether WebGPU can run here: browsers can expose navigator.gpu yet have no adapter (headless
 * Chromium without a GPU does), and then tfjs's webgpu backend cannot start.
 */
async function webGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu == null) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** Gradients (training in the page), then the backend asked for; reports what runs. */
export async function setupBrowserEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  checkEngineOptions(options, 'browser');
  // tfjs-core registers no gradients by itself; bundlers take its ESM file that does.
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const { registerTileGradient } = await import('./gradients/tile.js');
  registerTileGradient();

  const backend = (options.backend ?? ((await webGpuAdapter()) ? 'webgpu' : 'webgl')) as BackendName;
  if (backend === 'webgpu' && !(await webGpuAdapter())) {
    throw new Error(`backend 'webgpu' failed to start: ${'gpu' in navigator ? 'the browser has WebGPU but no adapter (no usable GPU)' : 'the browser has no WebGPU'}; try ?backend=webgl`);
  }
  let simd = false;
  if (backend === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (backend === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  // Shapes as uniforms: one compiled shader per op rather than per op and shape (batch 1 and the
  // sample batch share them), which nearly halved the viewer's start on software GL (20 s -> 12 s).
  if (backend === 'webgl') tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') {
    if (options.threads != null && options.threads > 1) {
      throw new Error(`--threads ${options.threads}: the browser's wasm backend runs one thread here (see setup-browser.ts)`);
    }
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { registerWasmTrainingKernels } = await import('./kernels/wasm/register.js');
    registerWasmTrainingKernels();
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
    // One thread: on a cross-origin isolated page tfjs would start its threaded build, whose
    // workers it feeds the glue code as `factory.toString()`; once bundled and minified that
    // function refers to names outside itself and every worker dies ("e is not defined").
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  }

  let ok = false;
  let reason = '';
  try {
    ok = await tf.setBackend(backend);
  } catch (e) {
    reason = `: ${(e as Error).message}`;
  }
  if (!ok || tf.getBackend() !== backend) {
    throw new Error(`backend '${backend}' failed to start${reason} (tfjs is on '${tf.getBackend() ?? 'none'}'); refusing to fall back`);
  }
  await tf.ready();
  return {
    runtime: 'browser',
    runtimeVersion: typeof navigator !== 'undefined' ? navigator.userAgent : 'unknown',
    backend,
    threads: 1,
    simd,
    multithread: false,
    tfjs: tf.version_core,
    device: 'cpu',
  };
}
