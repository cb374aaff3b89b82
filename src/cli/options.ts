/**
 * Global options shared by every command, and the argument parsers that turn a bad value into
 * commander's one-line error naming the flag.
 */
import { InvalidArgumentError, type Command } from 'commander';

export interface GlobalOptions {
  backend?: string;
  threads?: number;
  /** torch backend: cpu, cuda, cuda:N. */
  device?: string;
  seed: number;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a non-negative integer.');
  }
  return n;
}

/** The global options as seen from any (sub)command. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}
