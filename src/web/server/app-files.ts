/**
 * The built viewer (dist/web) as static files. A path is served only when it came through
 * requestPath (no dot segments, backslash or NUL), is made of plain file-name characters with no
 * dot-file segment, and resolves (symlinks followed) to a regular file inside the real app
 * folder; so a symlink in dist/web that leads out of it is a 404, never a file outside. Looked
 * up per request, so a rebuilt app is served without a restart.
 *
 * Not through sirv (a dependency meant for this): sirv 3.0.2 answers "Range: bytes=5-2" with a
 * 206 header and then throws, leaving the response hanging; answers "bytes=-3" with the first 4
 * bytes instead of the last 3; and pipes the file without an error listener, so a file removed
 * by a rebuild between its stat and open would crash the process. The few lines here reuse
 * sendFile, which the run files need anyway.
 */
import { open, realpath, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

import { sendFile } from './respond.js';

const SEGMENT = /^[A-Za-z0-9_@+=,~-][A-Za-z0-9._@+=,~-]*$/;

/** What `vite build` emits; anything else is sent as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.safetensors': 'application/octet-stream',
};

export interface AppFiles {
  /** Sends `path` (checked by requestPath) if it is a file of the app; false when it is not. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
}

export async function appFiles(dir: string): Promise<AppFiles> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (e) {
    throw new Error(`app folder ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message}`, { cause: e });
  }
  return {
    async serve(req, res, path) {
      const file = path === '/' ? '/index.html' : path;
      const segments = file.split('/').slice(1);
      if (!segments.every((s) => SEGMENT.test(s))) return false;
      let handle: FileHandle;
      let real: string;
      try {
        real = await realpath(join(root, ...segments));
        if (!real.startsWith(root + sep)) return false;
        handle = await open(real, 'r');
      } catch {
        return false;
      }
      const stats = await handle.stat().catch(() => null);
      if (!stats?.isFile()) {
        await handle.close();
        return false;
      }
      // Vite puts content hashes in the names under /assets/: those never change. Pages revalidate.
      await sendFile(req, res, handle, {
        contentType: CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
        cacheControl: file.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        etag: ({ size, mtimeMs }) => `"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`,
      }, stats);
      return true;
    },
  };
}
