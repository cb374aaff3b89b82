/**
 * Prefetch worker entry: runs the batch pipeline (read, CRC, parse, JPEG decode, pack) off the
 * training thread. Flow control by credits: the main thread grants one credit per batch it is
 * willing to hold, so at most `prefetch` batches wait in the queue.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { DataError } from './errors.js';
import type { PrefetchRequest, PrefetchResponse } from './prefetch.js';
import { batches, type ReaderOptions } from './reader.js';

const port = parentPort!;
const opts = workerData as ReaderOptions;
let credits = 0;
let wake: (() => void) | undefined;
let stopped = false;

port.on('message', (msg: PrefetchRequest) => {
  if (msg.type === 'credit') credits += msg.n;
  else stopped = true;
  wake?.();
  wake = undefined;
});

const send = (msg: PrefetchResponse, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

async function run(): Promise<void> {
  const onCorrupt = (e: DataError) => send({ type: 'corrupt', file: e.file, record: e.record, offset: e.offset, reason: e.reason });
  try {
    for await (const batch of batches({ ...opts, onCorrupt })) {
      while (credits === 0 && !stopped) await new Promise<void>((r) => (wake = r));
      if (stopped) break;
      credits--;
      const transfer = [batch.contextImages, batch.contextViewpoints, batch.queryImages, batch.queryViewpoints].map((s) => s.data.buffer as ArrayBuffer);
      send({ type: 'batch', batch }, transfer);
    }
    send({ type: 'end' });
  } catch (e) {
    const err = e as Error & Partial<DataError>;
    send({ type: 'error', message: err.message, dataError: err.name === 'DataError' ? { file: err.file!, record: err.record!, offset: err.offset!, reason: err.reason! } : undefined });
  }
  port.close();
}

void run();
