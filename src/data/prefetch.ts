/**
 * The reader as training uses it: batches are made in a worker thread (prefetch-worker.ts) and
 * wait in a bounded queue, so JPEG decoding overlaps the training step. With `prefetch: 0` the
 * same pipeline runs on the calling thread.
 */
import type { Worker } from 'node:worker_threads';

import { DataError } from './errors.js';
import { batches, type Batch, type ReaderOptions, type ReaderState } from './reader.js';
import { MODULE_EXT } from './source.js';
import { spawnWorker } from './workers.js';

export interface OpenReaderOptions extends ReaderOptions {
  /** Batches made ahead in a worker thread (default 2); 0 makes them on demand on this thread. */
  prefetch?: number;
}

export type PrefetchRequest = { type: 'credit'; n: number } | { type: 'stop' };
export type PrefetchResponse =
  | { type: 'batch'; batch: Batch }
  | { type: 'corrupt'; file: string; record: number; offset: number; reason: string }
  | { type: 'error'; message: string; dataError?: { file: string; record: number; offset: number; reason: string } }
  | { type: 'end' };

export interface DatasetReader extends AsyncIterable<Batch> {
  next(): Promise<Batch | undefined>;
  /** The state after the last batch returned (the start state before any): save it in checkpoints. */
  state(): ReaderState;
  /** Corrupt records skipped so far (with skipCorrupt). */
  readonly corrupt: DataError[];
  close(): Promise<void>;
}

export function openReader(opts: OpenReaderOptions): DatasetReader {
  const prefetch = opts.prefetch ?? 2;
  const seed = opts.seed ?? 0;
  let state: ReaderState = opts.resume ?? { seed, epoch: 0, position: 0, batch: 0 };
  const corrupt: DataError[] = [];
  const onCorrupt = (e: DataError) => {
    corrupt.push(e);
    opts.onCorrupt?.(e);
  };
  const { prefetch: _p, onCorrupt: _c, ...plain } = opts;

  let next: () => Promise<Batch | undefined>;
  let close: () => Promise<void>;
  if (prefetch === 0) {
    const gen = batches({ ...plain, onCorrupt });
    next = async () => {
      const r = await gen.next();
      return r.done ? undefined : r.value;
    };
    close = async () => {
      await gen.return(undefined);
    };
  } else {
    const worker = spawnWorker(new URL(`./prefetch-worker${MODULE_EXT}`, import.meta.url), plain);
    const queue = new PrefetchQueue(worker, prefetch, onCorrupt);
    next = () => queue.next();
    close = () => queue.close();
  }

  const reader: DatasetReader = {
    corrupt,
    state: () => state,
    async next() {
      const b = await next();
      if (b) state = b.state;
      return b;
    },
    close,
    [Symbol.asyncIterator]() {
      return {
        next: async () => {
          const b = await reader.next();
          return b ? { done: false, value: b } : { done: true, value: undefined };
        },
        return: async () => {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
  return reader;
}

class PrefetchQueue {
  private ready: Batch[] = [];
  private ended = false;
  private error: Error | undefined;
  private waiting: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    prefetch: number,
    onCorrupt: (e: DataError) => void,
  ) {
    worker.on('message', (msg: PrefetchResponse) => {
      if (msg.type === 'batch') this.ready.push(msg.batch);
      else if (msg.type === 'corrupt') onCorrupt(new DataError(msg.file, msg.record, msg.offset, msg.reason));
      else if (msg.type === 'end') this.ended = true;
      else {
        const d = msg.dataError;
        this.error = d ? new DataError(d.file, d.record, d.offset, d.reason) : new Error(msg.message);
      }
      this.wake();
    });
    worker.on('error', (e) => {
      this.error = new Error(`reader worker crashed: ${e.message}`);
      this.wake();
    });
    worker.on('exit', () => {
      if (!this.ended && !this.error && !this.closed) this.error = new Error('reader worker exited early');
      this.wake();
    });
    worker.unref();
    worker.postMessage({ type: 'credit', n: prefetch } satisfies PrefetchRequest);
  }

  private wake(): void {
    this.waiting?.();
    this.waiting = undefined;
  }

  async next(): Promise<Batch | undefined> {
    for (;;) {
      const b = this.ready.shift();
      if (b) {
        if (!this.closed) this.worker.postMessage({ type: 'credit', n: 1 } satisfies PrefetchRequest);
        return b;
      }
      if (this.error) throw this.error;
      if (this.ended || this.closed) return undefined;
      // The worker keeps the process alive only while someone waits for it, so a reader that
      // is dropped without close() does not hang the process at exit.
      this.worker.ref();
      await new Promise<void>((r) => (this.waiting = r));
      this.worker.unref();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
