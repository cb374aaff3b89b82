/** `gqn serve`: the browser viewer for the given runs (or every committed model in models/) over HTTP. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { modelFolders } from '../web/server/model-set.js';
import { MODELS_DIR } from '../web/server/paths.js';
import { startServer } from '../web/server/server.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535 (0 picks a free port).');
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the browser viewer for run folders (default: every committed model in models/, models/default/ first)')
    .argument('[runs...]', 'run folders written by gqn train or gqn export, each named by its folder name; the first is the default model (default: the folders of models/)')
    .option('--port <n>', 'port; 0 picks a free one', port, 8080)
    .option('--host <address>', 'address to listen on; 0.0.0.0 makes the viewer reachable from other machines', '127.0.0.1')
    .option('--app-dir <dir>', 'serve an already built viewer from this folder (default dist/web, built with vite when missing or stale)')
    .action(async (runs: string[], opts: { port: number; host: string; appDir?: string }) => {
      if (opts.appDir != null && !existsSync(join(opts.appDir, 'index.html'))) {
        throw new Error(`--app-dir ${opts.appDir}: no index.html there; expected a folder written by npm run build:web`);
      }
      const runDirs = runs.length > 0 ? runs : await modelFolders(MODELS_DIR);
      const server = await startServer({ runDirs, port: opts.port, host: opts.host, appDir: opts.appDir });
      process.stdout.write(`gqn serve: ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
