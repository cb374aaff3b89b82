/**
 * The Node cell of the viewer benchmark: the viewer's model work on wasm with a given thread
 * count, printing JSON (a fresh process per thread count). Child of bench/viewer.ts.
 *
 * Usage: tsx bench/viewer-node-run.ts <run folder> <threads> <predictions>
 */
import { setupEngine, shutdownEngine } from '../src/engine/index.js';
import { predictorFor } from '../src/web/app/model.js';
import { benchPredictor } from '../src/web/app/predictor.js';
import { queryCameraFor, stepsAround } from '../src/web/app/query-camera.js';
import { truthView, viewpointOf } from '../src/web/app/scene-views.js';
import { loadViewerModel, VIEWER_NOISE_SEED, viewerScene } from '../test/web-app/model-fixture.js';

const [runDir, threadsArg, countArg] = process.argv.slice(2);
const n = Number(countArg);
await setupEngine({ backend: 'wasm', threads: Number(threadsArg) });
// Model load -> first prediction: weights read, the scene's views made, r computed, one image.
// The scene is test scene 0 of the run's dataset (RUN/dataset.json), as the page shows it.
const t0 = performance.now();
const m = await loadViewerModel(runDir);
const views = viewerScene(m, 0);
const k = views.cameras.length;
const predictor = predictorFor(m.model, 4, VIEWER_NOISE_SEED);
predictor.setContext(views.images.slice(0, k - 1), views.viewpoints.slice(0, k - 1));
await predictor.predict(views.viewpoints[k - 1]);
const firstMs = performance.now() - t0;

// New cameras each time, as in the page's bench: orbit steps from the held-out view.
const cameras = stepsAround(queryCameraFor(views.scene, views.cameras[k - 1]), views.cameras[k - 1], n);
const speed = await benchPredictor(predictor, cameras.map(viewpointOf), truthView(views, cameras[0]));
predictor.dispose();
m.model.dispose();
await shutdownEngine();
console.log(JSON.stringify({ firstMs, ...speed }));
