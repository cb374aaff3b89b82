/**
 * safetensors files (the format PyTorch users load with `safetensors.torch.load_file`): reading
 * and writing them on disk. The format itself (parse, serialize) is browser-safe and lives in
 * `src/models/safetensors.ts`, which the viewer uses on fetched bytes.
 */
import { readFile } from 'node:fs/promises';

import { writeFileAtomic } from '../data/atomic.js';
import { parseSafetensors, serializeSafetensors, type NamedArray, type Safetensors } from '../models/safetensors.js';

export type { NamedArray } from '../models/safetensors.js';

export async function writeSafetensors(path: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

export async function readSafetensors(path: string): Promise<Safetensors> {
  return parseSafetensors(await readFile(path), path);
}
