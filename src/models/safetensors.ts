/**
 * The safetensors format in memory (browser-safe: no file access here; `src/train/safetensors.ts`
 * reads and writes files with it): 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets}} with an optional "__metadata__" of strings, then the raw
 * little-endian tensor bytes. Written by hand: the format is that one paragraph, and no npm
 * package for it is maintained; the parser checks every field and names what is wrong.
 */

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

export interface Safetensors {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

/** The file's bytes for these float32 tensors (names sorted, header padded to 8 bytes). */
export function serializeSafetensors(tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
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
  return out;
}

/** Parses a safetensors file's bytes; `source` (a path or URL) prefixes every error. */
export function parseSafetensors(bytes: ArrayBuffer | Uint8Array, source: string): Safetensors {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (what: string) => new Error(`${source}: not a valid safetensors file: ${what}`);
  if (buf.length < 8) throw fail(`${buf.length} bytes, need at least 8`);
  const headerLength = Number(new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > buf.length) throw fail(`header length ${headerLength} exceeds the file (${buf.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLength)));
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
    // Copy out: the data's offset in the buffer may not be 4-byte aligned.
    const data = new Float32Array(size);
    new Uint8Array(data.buffer).set(buf.subarray(base + begin, base + end));
    tensors.set(name, { shape: e.shape, data });
  }
  return { tensors, metadata };
}
