/**
 * Render worker entry (started by RenderPool through spawnWorker). workerData carries the
 * source module and the render settings; each message asks for one scene and is answered with
 * the serialized record (its buffer transferred, not copied) or an error message.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { makeScene, type RenderSettings } from './scene-task.js';
import { loadSceneSource } from './source.js';
import type { RenderRequest, RenderResponse } from './render-pool.js';

const { sourceModule, settings } = workerData as { sourceModule: string; settings: RenderSettings };
const port = parentPort!;
const source = loadSceneSource(sourceModule, settings.world);

port.on('message', (req: RenderRequest) => {
  source
    .then((src) => {
      const result = makeScene(src, settings, req.split, req.index);
      const buffer = result.record.buffer as ArrayBuffer;
      const msg: RenderResponse = { id: req.id, ok: true, result };
      port.postMessage(msg, [buffer]);
    })
    .catch((e: unknown) => {
      const msg: RenderResponse = { id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      port.postMessage(msg);
    });
});
