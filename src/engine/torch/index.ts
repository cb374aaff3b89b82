/**
 * The `torch` backend: TensorFlow.js kernels on libtorch (CPU, or CUDA where the libtorch found
 * at build time has it). Optional: it needs the addon that `npm run build:torch` builds.
 */
import * as tf from '@tensorflow/tfjs-core';

import { BackendTorch } from './backend.js';
import { registerTorchKernels } from './kernels.js';
import { loadTorchNative, type TorchLibraryInfo } from './native.js';

export { BackendTorch } from './backend.js';
export { addonPath, loadTorchNative, type TorchLibraryInfo } from './native.js';

export type TorchAvailability =
  | { available: true; addon: string; stale: boolean; library: TorchLibraryInfo }
  | { available: false; addon: string; reason: string };

/** Whether the torch backend can start here, and if not, why (never throws). */
export function torchAvailability(): TorchAvailability {
  const load = loadTorchNative();
  if (!load.ok) return { available: false, addon: load.addon, reason: load.reason };
  return { available: true, addon: load.addon, stale: load.stale, library: load.native.library() };
}

/** Devices the option accepts: cpu, cuda, cuda:N. */
export const DEVICE_PATTERN = /^(cpu|cuda(:\d+)?)$/;

/**
 * Registers the `torch` backend (replacing an earlier registration) with its kernels, started
 * on `device` with `threads` intra-op threads. Throws with the reason when the addon is missing
 * or the device is not there (e.g. `cuda` on a CPU-only libtorch).
 *
 * CUDA precision: libtorch's defaults, which are PyTorch's (cuDNN convolutions may use TF32,
 * matmuls not). GQN_TORCH_TF32=0 turns TF32 off everywhere (full float32, what the parity
 * checks against the cpu backend need), GQN_TORCH_TF32=1 on everywhere.
 */
export function registerTorchBackend(options: { threads: number; device: string }): BackendTorch {
  if (!DEVICE_PATTERN.test(options.device)) {
    throw new Error(`--device: expected cpu, cuda or cuda:N, got '${options.device}'`);
  }
  const load = loadTorchNative();
  if (!load.ok) throw new Error(`backend 'torch' is not available: ${load.reason}`);
  registerTorchKernels(load.native);
  if (tf.findBackend('torch') != null) tf.removeBackend('torch');
  // Started here rather than lazily by tfjs, whose backend factories swallow the error.
  const backend = new BackendTorch(load.native, options);
  const tf32 = process.env.GQN_TORCH_TF32;
  if (tf32 === '0' || tf32 === '1') load.native.setTF32(tf32 === '1', tf32 === '1');
  tf.registerBackend('torch', () => backend, 0);
  return backend;
}
