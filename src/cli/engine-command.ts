/**
 * The one way a command runs on a tensor engine. The wasm backend's worker threads keep Node
 * alive after a command is done, so every command that sets up an engine goes through
 * `runEngineCommand`, which shuts the engine down on success, on error, and on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';

import { setupEngine, shutdownEngine, type EngineInfo } from '../engine/index.js';
import { globalOptions, type GlobalOptions } from './options.js';

export interface EngineCommandOptions {
  /**
   * Called on the first SIGINT/SIGTERM instead of stopping at once, for a command that stops
   * gracefully (train checkpoints first); a second signal stops the process at once.
   */
  onInterrupt?: (signal: NodeJS.Signals) => void;
}

/** The exit status of a process killed by `signal`, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/**
 * Sets up the engine from the global flags, runs `body`, and always shuts the engine down.
 * Errors propagate (main.ts prints them in one line); once the engine is down nothing of it
 * holds the process open.
 */
export async function runEngineCommand<T>(
  command: Command,
  body: (info: EngineInfo, g: GlobalOptions) => Promise<T>,
  opts: EngineCommandOptions = {},
): Promise<T> {
  const g = globalOptions(command);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (opts.onInterrupt && !interrupted) {
      interrupted = true;
      opts.onInterrupt(signal);
      return;
    }
    process.stderr.write(`\ngqn: ${signal}: stopping\n`);
    // Leave even if the command is stuck (a hung await never reaches the finally below).
    void shutdownEngine().finally(() => process.exit(signalExitCode(signal)));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const info = await setupEngine({ backend: g.backend, threads: g.threads, device: g.device });
    return await body(info, g);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await shutdownEngine();
  }
}
