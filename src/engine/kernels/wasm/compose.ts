/**
 * Building blocks for `wasm` kernels written in TypeScript: calling the stock wasm kernels
 * directly on the backend (the way tfjs's own backends compose kernels, so nothing is taped
 * or tracked by the engine) and reading/writing tensor memory in the wasm heap.
 */
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** Runs the kernel registered for `wasm` under `name` on already-allocated inputs. */
export function call(
  backend: BackendWasm,
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: object = {},
): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (kernel == null) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return call(backend, 'Reshape', { x }, { shape });
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return call(backend, 'Transpose', { x }, { perm });
}

/** Frees intermediates made inside a kernel. */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** A float32 view of a tensor's memory in the wasm heap (valid until the heap grows). */
export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return heapView(backend, t) as Float32Array;
}

/** A view of a 4-byte tensor's memory in the wasm heap, typed by its dtype. */
export function heapView(backend: BackendWasm, t: TensorInfo): Float32Array | Int32Array {
  const data = (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } })
    .dataIdMap.get(t.dataId);
  // The threaded build's HEAPF32 can be stale after the heap grew from a worker; its memory's
  // buffer is always current. The single-threaded builds keep HEAPF32 current themselves.
  const mod = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; HEAPF32: Float32Array };
  const buffer = mod.wasmMemory?.buffer ?? mod.HEAPF32.buffer;
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.dtype === 'int32') return new Int32Array(buffer, data.memoryOffset, size);
  if (t.dtype !== 'float32') throw new Error(`heapView: ${t.dtype} tensors are not 4-byte numbers`);
  return new Float32Array(buffer, data.memoryOffset, size);
}
