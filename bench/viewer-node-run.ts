/**
 * The Node cell of the viewer benchmark: the viewer's model work on wasm with a given thread
 * count, printing JSON (a fresh process per thread count). Child of bench/viewer.ts.
 *
 * Usage: tsx bench/viewer-node-run.ts <run folder> <threads> <predictions>
 */
import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { loadRun } from '../src/models/gqn/load-run.js';
import { datasetOf } from '../src/web/app/dataset-info.js';
import { Predictor } from '../src/web/app/predictor.js';
import { queryCameraFor } from '../src/web/app/query-camera.js';
import type { RunInfo } from '../src/web/app/run-info.js';
import { makeSceneViews, truthView, viewpointOf } from '../src/web/app/scene-views.js';

const [runDir, threadsArg, countArg] = process.argv.slice(2);
const n = Number(countArg);
await setupEngine({ backend: 'wasm', threads: Number(threadsArg) });
// Model load -> first prediction: weights read, the scene's views made, r computed, one image.
const t0 = performance.now();
const { model, config, step } = await loadRun(runDir);
const run = { name: '', config, step, checkpoint: '', weights: '', metrics: '' } satisfies RunInfo;
const { dataset } = datasetOf(run);
const views = makeSceneViews(dataset, dataset.world, 0, config.model.imageSize);
const k = views.cameras.length;
const predictor = new Predictor(model, 4, 0);
predictor.setContext(views.images.slice(0, k - 1), views.viewpoints.slice(0, k - 1));
await predictor.predict(views.viewpoints[k - 1]);
const firstMs = performance.now() - t0;

// New cameras each time, as in the page's bench: orbit steps from the held-out view.
const query = queryCameraFor(views.scene, views.cameras[k - 1]);
const cameras = Array.from({ length: n }, (_, i) => {
  query.set(views.cameras[k - 1]);
  query.key(i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight');
  return query.camera();
});
let t = performance.now();
for (const c of cameras) await predictor.predict(viewpointOf(c));
const predictionsPerSecond = n / ((performance.now() - t) / 1000);
const truth = truthView(views, cameras[0]);
t = performance.now();
for (const c of cameras) await predictor.surprise(viewpointOf(c), truth);
const surprisesPerSecond = n / ((performance.now() - t) / 1000);
predictor.dispose();
model.dispose();
await shutdownEngine();
console.log(JSON.stringify({ firstMs, predictionsPerSecond, surprisesPerSecond }));
