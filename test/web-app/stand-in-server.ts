/**
 * A stand-in for `gqn serve` (src/web/server/server.ts) with the same contract, for the browser
 * tests while that server is being written: the built app from appDir, /api/run, and the run's
 * weights and metrics (with byte ranges, which the curves page uses).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

import sirv from 'sirv';

export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: { runDir: string; appDir: string; port?: number; host?: string }): Promise<StartedServer> {
  const statics = sirv(opts.appDir, { dev: true, etag: true });
  const latest = async () => JSON.parse(await readFile(join(opts.runDir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number; dir: string };
  const sendFile = async (res: ServerResponse, path: string, type: string, range: string | undefined) => {
    const size = (await stat(path)).size;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m && Number(m[1]) >= size) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const start = m ? Number(m[1]) : 0;
    res.writeHead(m ? 206 : 200, { 'Content-Type': type, 'Content-Length': size - start, ...(m ? { 'Content-Range': `bytes ${start}-${size - 1}/${size}` } : {}) });
    createReadStream(path, { start }).pipe(res);
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (e: unknown) => {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: (e as Error).message }));
    };
    if (path === '/api/run') {
      void (async () => {
        const l = await latest();
        const config = JSON.parse(await readFile(join(opts.runDir, 'config.json'), 'utf8')) as unknown;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
          name: basename(opts.runDir), config, step: l.step, checkpoint: l.dir, weights: '/run/weights.safetensors', metrics: '/run/metrics.jsonl',
        }));
      })().catch(fail);
      return;
    }
    if (path === '/run/weights.safetensors') {
      void latest().then((l) => sendFile(res, join(opts.runDir, 'checkpoints', l.dir, 'model.safetensors'), 'application/octet-stream', undefined)).catch(fail);
      return;
    }
    if (path === '/run/metrics.jsonl') {
      void sendFile(res, join(opts.runDir, 'metrics.jsonl'), 'application/x-ndjson', req.headers.range).catch(fail);
      return;
    }
    statics(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: `no ${path}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
