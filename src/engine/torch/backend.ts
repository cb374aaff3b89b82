/**
 * `torch`: a TensorFlow.js backend whose tensors live in libtorch memory (CPU or CUDA).
 *
 * Each tfjs DataId maps to one id in the addon (an at::Tensor, possibly a view of another's
 * storage); kernels (./kernels.ts) call the addon with ids and get new ids back. tfjs's own
 * reference counting of DataIds (shared by tensors that alias one buffer, e.g. variables)
 * decides when the addon's tensor is released.
 */
import {
  DataStorage,
  engine,
  KernelBackend,
  util,
  type BackendTimingInfo,
  type BackendValues,
  type DataId,
  type DataType,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

import { DTYPE_CODES, DTYPES, type TorchLibraryInfo, type TorchNative } from './native.js';

interface TensorData {
  id: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

export interface TorchBackendOptions {
  /** Intra-op threads; 0 leaves libtorch's default. */
  threads: number;
  /** "cpu", "cuda" or "cuda:N". */
  device: string;
}

/** Highest tensor rank the scratch buffer describes (tfjs itself stops at 6). */
const MAX_RANK = 16;

export function dtypeCode(dtype: DataType): number {
  const code = DTYPE_CODES[dtype as keyof typeof DTYPE_CODES];
  if (code == null) throw new Error(`torch backend: ${dtype} tensors are not supported (float32, int32, bool are)`);
  return code;
}

export class BackendTorch extends KernelBackend {
  readonly native: TorchNative;
  readonly library: TorchLibraryInfo;
  private readonly data: DataStorage<TensorData>;
  /** [dtype, rank, d0, d1, ...] of the addon's latest result. */
  private readonly scratch = new Int32Array(2 + MAX_RANK);

  constructor(native: TorchNative, options: TorchBackendOptions) {
    super();
    this.native = native;
    // Throws (with the reason) for a device this libtorch does not have.
    this.library = native.init(options.threads, options.device, this.scratch);
    this.data = new DataStorage(this, engine());
  }

  // ---- for kernels ----------------------------------------------------------------------

  /** The addon id of a tensor of this backend. */
  idOf(t: TensorInfo): number {
    const d = this.data.get(t.dataId);
    if (d == null) throw new Error('torch backend: tensor data is not on torch (was it disposed?)');
    return d.id;
  }

  /** Wraps the addon's latest result (its shape is in the scratch buffer). */
  out(id: number): TensorInfo {
    const s = this.scratch;
    const rank = s[1];
    const shape = new Array<number>(rank);
    for (let i = 0; i < rank; i++) shape[i] = s[2 + i];
    const dtype = DTYPES[s[0]];
    const dataId = {};
    this.data.set(dataId, { id, shape, dtype, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /** Wraps a result whose shape the caller knows (multi-output ops). */
  outWithShape(id: number, shape: number[], dtype: DataType): TensorInfo {
    const dataId = {};
    this.data.set(dataId, { id, shape, dtype, refCount: 1 });
    return { dataId, shape, dtype };
  }

  /** Frees intermediates made inside a kernel. */
  release(...infos: TensorInfo[]): void {
    for (const t of infos) this.disposeData(t.dataId);
  }

  /** Live tensors in the addon, the storages behind them and their bytes. */
  nativeStats(): { tensors: number; storages: number; bytes: number; cachedFilters: number } {
    return this.native.stats();
  }

  // ---- KernelBackend ----------------------------------------------------------------------

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.move(dataId, values, shape, dtype, 1);
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues | null, shape: number[], dtype: DataType, refCount: number): void {
    const code = dtypeCode(dtype);
    if (values != null && !ArrayBuffer.isView(values)) throw new Error(`torch backend: cannot store ${dtype} values`);
    const id = this.native.upload(values as ArrayBufferView | null, shape, code);
    this.data.set(dataId, { id, shape, dtype, refCount });
  }

  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo {
    return { dataId: this.write(values ?? null, shape, dtype), shape, dtype };
  }

  override readSync(dataId: DataId): BackendValues {
    const d = this.data.get(dataId);
    if (d == null) throw new Error('torch backend: reading a disposed tensor');
    return this.native.download(d.id);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const d = this.data.get(dataId);
    if (d == null) return true;
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    this.native.release(d.id);
    this.data.delete(dataId);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    const d = this.data.get(dataId);
    if (d != null) d.refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return { kernelMs: util.now() - start };
  }

  override memory(): { unreliable: boolean; nativeTensors: number; nativeBytes: number } {
    const s = this.native.stats();
    return { unreliable: false, nativeTensors: s.tensors, nativeBytes: s.bytes };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override dispose(): void {
    this.native.releaseAll();
  }
}
