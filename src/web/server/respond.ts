/** Response helpers shared by the routes: JSON bodies, errors, and files streamed from an open handle. */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Every error is `{"error": "..."}`: the viewer shows the message as is. */
export function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(req, res, status, { error: message }, headers);
}

export interface FileResponse {
  contentType: string;
  cacheControl: string;
  /** Strong validator from the opened file's stats; a matching If-None-Match gets 304. */
  etag?: (stats: Stats) => string;
  headers?: Record<string, string>;
}

/** A single "bytes=a-b" / "bytes=a-" / "bytes=-n" range; anything else is ignored (the whole file is sent). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    if (Number(m[2]) === 0 || size === 0) return 'unsatisfiable';
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    if (m[2] !== '' && Number(m[2]) < start) return null; // invalid: ignored
    if (start >= size) return 'unsatisfiable';
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return { start, end };
}

/**
 * Sends an already opened file (the caller opened it from a fixed name) and closes it. The size
 * is taken once, so a file that grows while it is sent (metrics.jsonl during training) is sent as
 * it was at that moment, matching Content-Length. `stats`: the handle's, when the caller has them already.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileHandle, how: FileResponse, stats?: Stats): Promise<void> {
  let streaming = false;
  try {
    stats ??= await file.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    const { size } = stats;
    const headers: Record<string, string | number> = { 'Content-Type': how.contentType, 'Cache-Control': how.cacheControl, 'Accept-Ranges': 'bytes', ...how.headers };
    if (how.etag) {
      headers.ETag = how.etag(stats);
      if (req.headers['if-none-match'] === headers.ETag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    headers['Content-Length'] = end - start + 1;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    streaming = true;
    await pipeline(file.createReadStream({ start, end, autoClose: true }), res).catch((e: NodeJS.ErrnoException) => {
      // A client that goes away mid-download is not an error of the server.
      if (e.code !== 'ERR_STREAM_PREMATURE_CLOSE') res.destroy(e);
    });
  } finally {
    if (!streaming) await file.close();
  }
}
