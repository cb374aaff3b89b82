/**
 * A pool of render workers. `run` hands one scene to an idle worker (or queues it); results
 * come back in whatever order workers finish, and the caller puts them back in scene order.
 * With 0 workers scenes are made on the calling thread (for debugging and tiny runs).
 */
import type { Worker } from 'node:worker_threads';

import type { Split } from './layout.js';
import { makeScene, type RenderSettings, type SceneResult } from './scene-task.js';
import { loadSceneSource, MODULE_EXT, type SceneSource } from './source.js';
import { spawnWorker } from './workers.js';

export interface RenderRequest {
  id: number;
  split: Split;
  index: number;
}

export type RenderResponse = { id: number; ok: true; result: SceneResult } | { id: number; ok: false; error: string };

interface Pending {
  req: RenderRequest;
  resolve: (r: SceneResult) => void;
  reject: (e: Error) => void;
}

export class RenderPool {
  private idle: Worker[] = [];
  private queue: Pending[] = [];
  private active = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | undefined;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    private readonly local: SceneSource | undefined,
    private readonly settings: RenderSettings,
  ) {
    this.idle = [...workers];
    for (const w of workers) {
      w.on('message', (msg: RenderResponse) => this.onMessage(w, msg));
      w.on('error', (e) => this.fail(new Error(`render worker crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`render worker exited with code ${code}`));
      });
    }
  }

  static async create(workers: number, sourceModule: string, settings: RenderSettings): Promise<RenderPool> {
    if (workers === 0) return new RenderPool([], await loadSceneSource(sourceModule, settings.world), settings);
    const entry = new URL(`./render-worker${MODULE_EXT}`, import.meta.url);
    const ws = Array.from({ length: workers }, () => spawnWorker(entry, { sourceModule, settings }));
    return new RenderPool(ws, undefined, settings);
  }

  get size(): number {
    return this.workers.length;
  }

  run(split: Split, index: number): Promise<SceneResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.local) {
      try {
        return Promise.resolve(makeScene(this.local, this.settings, split, index));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, split, index }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const p = this.queue.shift()!;
      this.active.set(p.req.id, p);
      w.postMessage(p.req);
    }
  }

  private onMessage(w: Worker, msg: RenderResponse): void {
    const p = this.active.get(msg.id);
    if (!p) return;
    this.active.delete(msg.id);
    this.idle.push(w);
    if (msg.ok) {
      // The record's buffer was transferred; rebuild the view on this side.
      const r = msg.result;
      r.record = new Uint8Array(r.record.buffer, r.record.byteOffset, r.record.byteLength);
      p.resolve(r);
    } else {
      p.reject(new Error(`rendering ${p.req.split} scene ${p.req.index} failed: ${msg.error}`));
    }
    this.dispatch();
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    for (const p of [...this.active.values(), ...this.queue]) p.reject(e);
    this.active.clear();
    this.queue = [];
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
