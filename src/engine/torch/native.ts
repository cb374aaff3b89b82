/**
 * Loading the native half of the `torch` backend (native/torch/gqn_torch.cc, built by
 * `npm run build:torch` into build/Release/gqn_torch.node), and its interface.
 *
 * The addon is optional: when it is missing, stale or cannot load (libtorch moved, built for
 * another Node), `loadTorchNative` says why instead of throwing, so that `gqn doctor` can tell.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tensor element types as the addon numbers them. */
export const DTYPE_CODES = { float32: 0, int32: 1, bool: 2 } as const;
export type TorchDType = keyof typeof DTYPE_CODES;
export const DTYPES: TorchDType[] = ['float32', 'int32', 'bool'];

export interface TorchLibraryInfo {
  /** libtorch's version, e.g. "1.13.0". */
  version: string;
  /** Whether this libtorch has CUDA and sees a GPU. */
  cuda: boolean;
  cudaDevices: number;
  /** Intra-op threads (at::get_num_threads). */
  threads: number;
  /** The device tensors are created on ("cpu", "cuda:0"). */
  device: string;
  /** at::get_parallel_info(): threading backend, oneDNN and BLAS versions. */
  parallel: string;
  /** Whether CUDA convolutions / matmuls may use TF32 (libtorch's defaults: PyTorch's). */
  tf32Cudnn: boolean;
  tf32Cublas: boolean;
}

/** Ids are slots in the addon; every op returns a new id and writes its shape to the scratch. */
export interface TorchNative {
  init(threads: number, device: string, scratch: Int32Array): TorchLibraryInfo;
  library(): TorchLibraryInfo;
  setTF32(cudnn: boolean, cublas: boolean): TorchLibraryInfo;
  upload(values: ArrayBufferView | null, shape: number[], dtype: number): number;
  download(id: number): Float32Array | Int32Array | Uint8Array;
  release(id: number): void;
  releaseAll(): void;
  stats(): { tensors: number; storages: number; bytes: number; cachedFilters: number };
  shapeOf(id: number): void;
  unary(op: number, x: number, alpha?: number): number;
  binary(op: number, a: number, b: number): number;
  select(condition: number, t: number, e: number): number;
  clip(x: number, lo: number, hi: number): number;
  addN(ids: number[]): number;
  cast(x: number, dtype: number): number;
  reduce(op: number, x: number, axes: number[], keepDims: boolean): number;
  argReduce(isMax: boolean, x: number, axis: number): number;
  softmax(x: number, dim: number): number;
  cumulative(x: number, axis: number, exclusive: boolean, reverse: boolean, product: boolean): number;
  reshape(x: number, shape: number[]): number;
  transpose(x: number, perm: number[]): number;
  contiguous(x: number): number;
  slice(x: number, begin: number[], size: number[]): number;
  stridedSlice(x: number, begin: number[], counts: number[], strides: number[], finalShape: number[]): number;
  concat(ids: number[], axis: number): number;
  stack(ids: number[], axis: number): number;
  split(x: number, sizes: number[], axis: number): number[];
  unstack(x: number, axis: number): number[];
  tile(x: number, reps: number[]): number;
  broadcastTo(x: number, shape: number[]): number;
  pad(x: number, paddings: number[], value: number): number;
  reverse(x: number, axes: number[]): number;
  gather(x: number, indices: number, axis: number): number;
  unsortedSegmentSum(x: number, segmentIds: number, numSegments: number): number;
  fill(shape: number[], value: number, dtype: number): number;
  range(start: number, step: number, count: number, dtype: number): number;
  oneHot(indices: number, depth: number, on: number, off: number, dtype: number): number;
  matmul(a: number, b: number, transposeA: boolean, transposeB: boolean): number;
  conv2d(x: number, filter: number, ...conv: ConvNumbers): number;
  conv2dBackpropInput(dy: number, filter: number, inputShape: number[], ...conv: ConvNumbers): number;
  conv2dBackpropFilter(x: number, dy: number, filterShape: number[], ...conv: ConvNumbers): number;
  avgPool(x: number, ...pool: PoolNumbers): number;
  avgPoolGrad(dy: number, x: number, ...pool: PoolNumbers): number;
  maxPool(x: number, ...pool: PoolNumbers): number;
  maxPoolGrad(dy: number, x: number, ...pool: PoolNumbers): number;
  unaryOps: string[];
  binaryOps: string[];
  reduceOps: string[];
}

/** strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, depthwise. */
export type ConvNumbers = [number, number, number, number, number, number, number, number, boolean];
/** windowH, windowW, strideH, strideW, padTop, padBottom, padLeft, padRight. */
export type PoolNumbers = [number, number, number, number, number, number, number, number];

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');

/** Where the addon is looked for: $GQN_TORCH_ADDON, else build/Release/gqn_torch.node. */
export function addonPath(): string {
  return process.env.GQN_TORCH_ADDON ?? path.join(root, 'build', 'Release', 'gqn_torch.node');
}

export type TorchLoad =
  | { ok: true; native: TorchNative; addon: string; stale: boolean }
  | { ok: false; reason: string; addon: string };

let cached: TorchLoad | null = null;

/**
 * OpenMP settings applied before libtorch (and with it libgomp, which reads them once) loads,
 * unless the user set OMP_WAIT_POLICY or these. libgomp's default, spinning ~300k iterations
 * at every barrier, stalls each parallel kernel for a scheduler slice whenever another process
 * holds a core: the cpu-preset training step took 4.0 s with 2 threads against 0.36 s with this
 * (2 cores, one busy). Child processes inherit it, so the benchmarks' PyTorch runs the same way.
 */
export const OPENMP_DEFAULTS: Record<string, string> = { GOMP_SPINCOUNT: '1000' };

function applyOpenMpDefaults(): void {
  if (process.env.OMP_WAIT_POLICY != null) return;
  for (const [name, value] of Object.entries(OPENMP_DEFAULTS)) process.env[name] ??= value;
}

/** Loads the addon once; never throws. */
export function loadTorchNative(): TorchLoad {
  if (cached) return cached;
  const addon = addonPath();
  if (!existsSync(addon)) {
    cached = {
      ok: false,
      addon,
      reason: `the torch addon is not built (no ${addon}): run \`npm run build:torch\` ` +
        '(needs libtorch: LIBTORCH=<dir>, the torch Python package, or apt-get install libtorch-dev)',
    };
    return cached;
  }
  try {
    applyOpenMpDefaults();
    const native = createRequire(import.meta.url)(addon) as TorchNative;
    const source = path.join(root, 'native', 'torch', 'gqn_torch.cc');
    const stale = existsSync(source) && statSync(source).mtimeMs > statSync(addon).mtimeMs;
    cached = { ok: true, native, addon, stale };
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    cached = { ok: false, addon, reason: `the torch addon does not load (${message}); rebuild it with \`npm run build:torch\`` };
  }
  return cached;
}
