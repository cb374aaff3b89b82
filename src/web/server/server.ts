/**
 * The viewer's HTTP server: the built app (dist/web) and the files of one or more runs (the
 * models), read-only.
 *
 *   /                              dist/web/index.html; other files of dist/web by their path
 *   /api/models                    [{name, world, step, checkpoint, default, run}] of every model
 *   /api/models/NAME               {name, config, dataset, step, checkpoint, weights, metrics} of model NAME
 *   /models/NAME/weights.safetensors   its latest checkpoint's model.safetensors
 *   /models/NAME/metrics.jsonl     its metrics (empty while there are none)
 *   /models/NAME/config.json       its config
 *   /api/run, /run/*               the same for the first (default) model
 *
 * GET and HEAD only. Every request target goes through requestPath first; run files come from
 * fixed names (run-files.ts), app files from a realpath-confined lookup (app-files.ts). Documented
 * in docs/viewer.md, section Server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { appFiles, type AppFiles } from './app-files.js';
import { buildApp, buildReason } from './app-build.js';
import { DEFAULT_APP_DIR } from './paths.js';
import { requestPath } from './request-path.js';
import { sendError, sendFile, sendJson } from './respond.js';
import { ModelSet } from './model-set.js';
import { RunFileError, type RunFiles } from './run-files.js';

export interface ServerOptions {
  /** One run folder (config.json, metrics.jsonl, checkpoints/): the same as `runDirs: [runDir]`. */
  runDir?: string;
  /** Run folders to serve, each named by its folder name; the first is the default model. */
  runDirs?: string[];
  /** Default 0: a free port (in-process users, tests and benchmarks, never collide); `gqn serve` passes 8080. */
  port?: number;
  /** Default 127.0.0.1; anything else (0.0.0.0: every interface) only when asked for. */
  host?: string;
  /** The built app; default dist/web, built with Vite first when missing or stale. */
  appDir?: string;
  /** Where the one "building" line goes (default stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** http://HOST:PORT/ with the real port. */
  url: string;
  host: string;
  port: number;
  /** What the socket is bound to (server.address()). */
  address: AddressInfo;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header ("a:80" -> "a", "[::1]:80" -> "[::1]"), lower case. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  return h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
}

/**
 * On every response. The Cross-Origin trio makes the pages cross-origin isolated (so the browser
 * allows SharedArrayBuffer, which threaded wasm needs) and keeps other sites from embedding the
 * run's files; everything the viewer loads comes from this server, so nothing of its own is blocked.
 */
const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const RUN_FILES = ['weights.safetensors', 'metrics.jsonl', 'config.json'] as const;
type RunFileName = (typeof RUN_FILES)[number];
const isRunFile = (name: string): name is RunFileName => (RUN_FILES as readonly string[]).includes(name);

/** Model NAME or a 404 that says where the names are. */
function model(models: ModelSet, name: string): RunFiles {
  const run = models.get(name);
  if (!run) throw new RunFileError(404, `no model named ${JSON.stringify(name.slice(0, 100))}; /api/models lists the models served`);
  return run;
}

async function sendRunFile(req: IncomingMessage, res: ServerResponse, run: RunFiles, name: RunFileName): Promise<void> {
  if (name === 'weights.safetensors') {
    const { file, latest } = await run.openWeights();
    await sendFile(req, res, file, {
      contentType: 'application/octet-stream',
      // Revalidated each time: the ETag changes with the checkpoint, so an unchanged one is a 304.
      cacheControl: 'no-cache',
      etag: ({ size, mtimeMs }) => `"${latest.checkpoint}-${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}"`,
      headers: { 'X-Gqn-Step': String(latest.step), 'X-Gqn-Checkpoint': latest.checkpoint },
    });
    return;
  }
  const file = await run.openFile(name);
  if (file) {
    await sendFile(req, res, file, { contentType: name === 'config.json' ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8', cacheControl: 'no-store' });
  } else if (name === 'metrics.jsonl') {
    // No metrics yet is the normal state of a new run: an empty file, not an error.
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Length': 0, 'Cache-Control': 'no-store' });
    res.end();
  } else {
    sendError(req, res, 404, `run ${run.name} has no config.json`);
  }
}

async function route(req: IncomingMessage, res: ServerResponse, models: ModelSet, app: AppFiles, bound: string): Promise<void> {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(req, res, 405, `method ${req.method} not allowed: this server only reads (GET, HEAD)`, { Allow: 'GET, HEAD', Connection: 'close' });
    return;
  }
  // RFC 9112 section 3.2: an HTTP/1.1 request with no Host, or more than one, is a 400. Two
  // would also let a second name slip past the loopback check below (Node keeps the first).
  const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'host').length;
  if (hosts > 1 || (hosts === 0 && req.httpVersion === '1.1')) {
    sendError(req, res, 400, hosts > 1 ? `${hosts} Host headers: a request has exactly one` : 'no Host header: an HTTP/1.1 request has exactly one', { Connection: 'close' });
    return;
  }
  const target = requestPath(req.url);
  if (!target.ok) {
    sendError(req, res, target.status, target.reason, { Connection: 'close' });
    return;
  }
  // A server bound to loopback answers only to loopback names: a web page cannot reach it by
  // pointing its own domain at 127.0.0.1 (DNS rebinding) and reading the run.
  const host = req.headers.host;
  if (isLoopback(bound) && host != null && !isLoopback(hostName(host))) {
    sendError(req, res, 403, `host ${JSON.stringify(host.slice(0, 100))} refused: the server is bound to ${bound}; use http://${bound.includes(':') ? `[${bound}]` : bound}:PORT/`);
    return;
  }
  const path = target.path;
  if (path === '/api/models') {
    sendJson(req, res, 200, await models.list());
    return;
  }
  if (path === '/api/run') {
    sendJson(req, res, 200, await models.first.info('/run'));
    return;
  }
  // Segments never hold '/' here (requestPath refuses %2F), so [^/]+ is one whole segment.
  const api = /^\/api\/models\/([^/]+)$/.exec(path);
  if (api) {
    sendJson(req, res, 200, await model(models, api[1]).info(`/models/${api[1]}`));
    return;
  }
  const file = /^\/(?:run|models\/([^/]+))\/([^/]+)$/.exec(path);
  if (file && isRunFile(file[2])) {
    await sendRunFile(req, res, file[1] == null ? models.first : model(models, file[1]), file[2]);
    return;
  }
  if (path.startsWith('/api/') || path.startsWith('/run/') || path.startsWith('/models/') || !(await app.serve(req, res, path))) {
    sendError(req, res, 404, `not found: ${path.slice(0, 200)}`);
  }
}

function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const [status, text] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout']
      : [400, 'Bad Request'];
  return `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  if ((opts.runDir == null) === (opts.runDirs == null)) throw new Error('startServer: pass either runDir or runDirs');
  const models = await ModelSet.open(opts.runDirs ?? [opts.runDir!]);
  const appDir = opts.appDir ?? DEFAULT_APP_DIR;
  // Only the default app folder can be (re)built: it is the one vite.config.ts writes.
  if (opts.appDir == null) {
    const reason = await buildReason(appDir);
    if (reason) await buildApp(appDir, reason, opts.log ?? ((line) => process.stderr.write(`${line}\n`)));
  }
  const app = await appFiles(appDir);
  const host = opts.host ?? '127.0.0.1';

  const server = createServer((req, res) => {
    route(req, res, models, app, host).catch((e: unknown) => {
      const status = e instanceof RunFileError ? e.status : 500;
      if (!res.headersSent) sendError(req, res, status, (e as Error).message);
      else res.destroy();
    });
  });
  // Malformed requests (bad request line, unknown method, oversized headers) never reach route:
  // answer them with a status and close that connection; the server carries on.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      const port = opts.port ?? 0;
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is in use; pass --port N (0 picks a free one)`, { cause: e })
        : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' ? new Error(`--host ${host}: not an address of this machine`, { cause: e })
          : e);
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    address,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Idle keep-alive connections would hold close() open; requests in flight are cut too.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
