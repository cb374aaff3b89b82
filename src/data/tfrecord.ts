/**
 * TFRecord framing (tensorflow/core/lib/io/record_writer.cc), one record:
 *
 *   uint64 length (little endian)
 *   uint32 masked CRC-32C of the 8 length bytes
 *   byte   data[length]
 *   uint32 masked CRC-32C of the data
 *
 * No compression (DeepMind's gqn-datasets files are uncompressed).
 */
import { createHash, type Hash } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';

import { maskedCrc32c } from './crc32c.js';
import { DataError, handleCorrupt, type CorruptPolicy } from './errors.js';

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;

/** Records above this are treated as a corrupt length field rather than allocated. */
export const MAX_RECORD_BYTES = 1 << 30;

/** One framed record: header, data, footer. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + data.length + FOOTER_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return out;
}

/** Frames every record into one buffer (for tests and small files). */
export function frameRecords(records: Uint8Array[]): Uint8Array {
  const framed = records.map(frameRecord);
  const out = new Uint8Array(framed.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of framed) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

export interface RawRecord {
  /** 0-based position in the file, counting corrupt records too. */
  index: number;
  /** Byte offset of the record's header. */
  offset: number;
  data: Uint8Array;
}

/**
 * Reads the records of one TFRecord file in order, checking both CRCs.
 *
 * Corruption: a bad data CRC loses one record (the length is trusted, so reading resumes at the
 * next record); a bad length CRC or a truncated record loses the rest of the file, since the
 * next record boundary can no longer be found. Either way, without `skipCorrupt` the first
 * problem throws a DataError naming file, record and offset.
 */
export async function* readTFRecords(
  file: string,
  policy: CorruptPolicy = {},
  chunkBytes = 1 << 20,
): AsyncGenerator<RawRecord> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const reader = new ChunkReader(fh, size, chunkBytes);
    let index = 0;
    while (reader.position < size) {
      const offset = reader.position;
      const left = size - offset;
      if (left < HEADER_BYTES) {
        handleCorrupt(new DataError(file, index, offset, `truncated: ${left} bytes left, a record header needs ${HEADER_BYTES}`), policy);
        return;
      }
      const header = await reader.take(HEADER_BYTES);
      const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
      const stored = view.getUint32(8, true);
      if (maskedCrc32c(header.subarray(0, 8)) !== stored) {
        handleCorrupt(new DataError(file, index, offset, 'length CRC mismatch (header corrupt; rest of file unreadable)'), policy);
        return;
      }
      const length = view.getBigUint64(0, true);
      if (length > BigInt(MAX_RECORD_BYTES)) {
        handleCorrupt(new DataError(file, index, offset, `record length ${length} is over the ${MAX_RECORD_BYTES}-byte limit`), policy);
        return;
      }
      const n = Number(length);
      if (size - reader.position < n + FOOTER_BYTES) {
        handleCorrupt(
          new DataError(file, index, offset, `truncated: record needs ${n + FOOTER_BYTES} bytes after its header, ${size - reader.position} left`),
          policy,
        );
        return;
      }
      const body = await reader.take(n + FOOTER_BYTES);
      const data = body.subarray(0, n);
      const dataCrc = new DataView(body.buffer, body.byteOffset + n, FOOTER_BYTES).getUint32(0, true);
      if (maskedCrc32c(data) !== dataCrc) {
        handleCorrupt(new DataError(file, index, offset, 'data CRC mismatch'), policy);
      } else {
        yield { index, offset, data };
      }
      index++;
    }
  } finally {
    await fh.close();
  }
}

/** Sequential reads through a reusable chunk; `take` returns a fresh copy the caller may keep. */
class ChunkReader {
  private buf: Uint8Array;
  private start = 0; // file offset of buf[0]
  private filled = 0; // valid bytes in buf
  position = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    chunkBytes: number,
  ) {
    this.buf = new Uint8Array(chunkBytes);
  }

  async take(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const inBuf = this.start + this.filled - this.position;
      if (inBuf > 0) {
        const from = this.position - this.start;
        const k = Math.min(inBuf, n - got);
        out.set(this.buf.subarray(from, from + k), got);
        got += k;
        this.position += k;
        continue;
      }
      // Large remainders go straight into `out`; small ones refill the chunk.
      if (n - got >= this.buf.length) {
        const { bytesRead } = await this.fh.read(out, got, n - got, this.position);
        if (bytesRead === 0) throw new Error('unexpected end of file');
        got += bytesRead;
        this.position += bytesRead;
        continue;
      }
      this.start = this.position;
      const want = Math.min(this.buf.length, this.size - this.position);
      const { bytesRead } = await this.fh.read(this.buf, 0, want, this.position);
      if (bytesRead === 0) throw new Error('unexpected end of file');
      this.filled = bytesRead;
    }
    return out;
  }
}

/**
 * Writes records to `<path>.tmp-<pid>` and renames onto `path` on `commit`, so a reader (or a
 * rerun after a crash) never sees a half-written file under its final name. Keeps a running
 * SHA-256 of the bytes for the manifest.
 */
export class TFRecordFileWriter {
  readonly tmpPath: string;
  private hash: Hash = createHash('sha256');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  records = 0;
  bytes = 0;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    tmpPath: string,
  ) {
    this.tmpPath = tmpPath;
  }

  static async create(path: string): Promise<TFRecordFileWriter> {
    const tmpPath = `${path}.tmp-${process.pid}`;
    const fh = await open(tmpPath, 'w');
    return new TFRecordFileWriter(path, fh, tmpPath);
  }

  async write(data: Uint8Array): Promise<void> {
    const framed = frameRecord(data);
    this.hash.update(framed);
    this.pending.push(framed);
    this.pendingBytes += framed.length;
    this.records++;
    this.bytes += framed.length;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const all = Buffer.concat(this.pending);
    // write() may write less than asked (it does not for regular files in practice); loop anyway.
    for (let at = 0; at < all.length; ) {
      const { bytesWritten } = await this.fh.write(all, at, all.length - at);
      at += bytesWritten;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Flushes, syncs, closes and renames; returns the file's SHA-256 (hex). */
  async commit(): Promise<string> {
    await this.flush();
    await this.fh.sync();
    await this.fh.close();
    await rename(this.tmpPath, this.path);
    return this.hash.digest('hex');
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(this.tmpPath).catch(() => undefined);
  }
}
