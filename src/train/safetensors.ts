/**
 * safetensors files (the format PyTorch users load with `safetensors.torch.load_file`):
 * 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} with
 * an optional "__metadata__" of strings, then the raw little-endian tensor bytes.
 * Written by hand: the format is that one paragraph, and no npm package for it is maintained
 * for Node; the reader checks every field and names what is wrong.
 */
import { readFile } from 'node:fs/promises';

import { writeFileAtomic } from '../data/atomic.js';

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

export async function writeSafetensors(path: string, tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // Pad the header with spaces to 8 bytes so the data is aligned (as the reference writer does).
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  await writeFileAtomic(path, out);
}

export async function readSafetensors(path: string): Promise<{ tensors: Map<string, NamedArray>; metadata: Record<string, string> }> {
  const buf = await readFile(path);
  const fail = (what: string) => new Error(`${path}: not a valid safetensors file: ${what}`);
  if (buf.length < 8) throw fail(`${buf.length} bytes, need at least 8`);
  const headerLength = Number(buf.readBigUInt64LE(0));
  if (8 + headerLength > buf.length) throw fail(`header length ${headerLength} exceeds the file (${buf.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8'));
  } catch (e) {
    throw fail(`header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + headerLength;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (e.dtype !== 'F32') throw fail(`tensor ${name}: dtype ${e.dtype}, only F32 is supported`);
    const [begin, end] = e.data_offsets ?? [];
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(begin) || end - begin !== size * 4 || base + end > buf.length) {
      throw fail(`tensor ${name}: data_offsets ${JSON.stringify(e.data_offsets)} do not fit shape ${JSON.stringify(e.shape)} in the file`);
    }
    // Copy out: the file buffer's offset may not be 4-byte aligned.
    const data = new Float32Array(size);
    new Uint8Array(data.buffer).set(buf.subarray(base + begin, base + end));
    tensors.set(name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}
