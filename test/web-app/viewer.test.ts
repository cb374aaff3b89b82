/**
 * The viewer in headless Chromium (software WebGL): the built app, served with a copy of the
 * default model and a tiny shepard-metzler-7 model trained on the spot (tiny-model.ts), loads
 * the default model on webgl, follows the query camera (mouse drag, arrow keys, wheel), agrees
 * with the same computation in Node, predicts the truth of a fixed scene above a PSNR threshold
 * and no worse at the true camera than at a turned one; choosing a world with its own model
 * loads that model; the curves page plots the model's metrics. Every committed model folder is
 * checked too. Screenshots go to out/test-screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { psnr } from '../../src/eval/image-metrics.js';
import { loadRun } from '../../src/train/load-run.js';
import { isWorldName } from '../../src/scenes/index.js';
import { cameraRow } from '../../src/web/app/scene-views.js';
import { modelFolders } from '../../src/web/server/model-set.js';
import { MODELS_DIR } from '../../src/web/server/paths.js';
import { buildApp, REPO } from './app-build.js';
import { chromiumMissing, launchChromium } from './chromium.js';
import {
  copyModel, FIXED_SCENE, loadViewerModel, MODEL_RUN, PSNR_THRESHOLD, requireModel, turnedCamera, VIEWPOINT_TURN_STEPS, viewerPrediction,
  viewerScene, viewpointFloor,
} from './model-fixture.js';
import { makeTinyModel, TINY_DATASET, TINY_JUMP_WORLD, TINY_WORLD } from './tiny-model.js';
import { startServer, type RunningServer } from '../../src/web/server/server.js';

const SHOTS = join(REPO, 'out', 'test-screenshots');
const skip = chromiumMissing() ?? false;

// Every model folder in models/ (models/default now; models/shepard-metzler-7 once it lands) is
// checked, not a fixed list: a model committed later is covered without touching this file.
const committed = await modelFolders(MODELS_DIR);

test('models/default is committed and is the first model gqn serve offers', () => {
  assert.equal(committed[0], MODEL_RUN);
});

for (const dir of committed) {
  test(`models/${basename(dir)}: a run folder whose dataset.json names its world and seed, with weights that fit its config`, async () => {
    requireModel(dir);
    const dataset = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as { world?: unknown; seed?: unknown };
    assert.ok(typeof dataset.world === 'string' && isWorldName(dataset.world), `${dir}/dataset.json: field world: expected a world name, got ${JSON.stringify(dataset.world)}`);
    assert.ok(Number.isSafeInteger(dataset.seed), `${dir}/dataset.json: field seed: expected an integer, got ${JSON.stringify(dataset.seed)}`);
    await setupEngine({ backend: 'wasm', threads: 1 });
    try {
      const { model, step } = await loadRun(dir); // throws naming the tensor when a weight does not fit
      model.dispose();
      assert.ok(step > 0, `${dir}: latest checkpoint at step ${step}`);
    } finally {
      await shutdownEngine();
    }
  });
}

test('the committed models are trained on different worlds (the page offers one model per world)', async () => {
  const worlds = await Promise.all(committed.map(async (d) => (JSON.parse(await readFile(join(d, 'dataset.json'), 'utf8')) as { world: string }).world));
  const twice = worlds.filter((w, i) => worlds.indexOf(w) !== i);
  assert.deepEqual(twice, [], `more than one model in ${MODELS_DIR} for ${twice.join(', ')}: the viewer would only ever offer the first`);
});

describe('browser viewer', { skip }, () => {
  let appDir = '';
  let modelsDir = '';
  let runDir = '';
  let tinyDir = '';
  let jumpDir = '';
  let roomsTensors = 0;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'gqn-viewer-models-'));
    [appDir, { runDir }] = await Promise.all([buildApp(), copyModel(MODEL_RUN, modelsDir)]);
    tinyDir = await makeTinyModel(join(modelsDir, TINY_WORLD));
    jumpDir = await makeTinyModel(join(modelsDir, TINY_JUMP_WORLD), 'jump');
    await mkdir(SHOTS, { recursive: true });
    server = await startServer({ runDirs: [runDir, tinyDir, jumpDir], appDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([appDir, modelsDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
  });

  const state = () => page.evaluate(() => window.gqnViewer!.state());
  const prediction = () => page.evaluate(() => window.gqnViewer!.predictionPixels());
  const settled = () => page.evaluate(() => window.gqnViewer!.settled());
  const meanAbsDiff = (a: number[], b: number[]) => a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0) / a.length;
  // "The prediction changed": recomputed for the new camera at all. Not more: models/default at
  // step 3000 barely uses the query viewpoint (scripts/viewer-threshold.ts: its prediction for the
  // camera turned 180 degrees scores within 0.01 dB of the right one; an arrow-key step moves it
  // by ~5e-4 mean |diff| where the truth moves by ~3e-2), so a size check would test the model.
  const CHANGED = 1e-5;

  test('loads the model and draws a first prediction on webgl', async () => {
    await page.goto(server.url);
    await page.evaluate(() => window.gqnViewer!.ready);
    const s = await state();
    assert.equal(s.error, null);
    assert.equal(s.backend, 'webgl');
    console.log(`viewer: webgl renderer ${s.renderer}`);
    assert.equal(s.world, 'rooms');
    assert.equal(s.run, 'default', 'without ?world= the default model');
    assert.deepEqual(s.models, [{ name: 'default', world: 'rooms' }, { name: TINY_WORLD, world: TINY_WORLD }, { name: TINY_JUMP_WORLD, world: TINY_JUMP_WORLD }]);
    assert.equal(s.imageSize, 32);
    // Views are rendered at the dataset's own size (dataset.json), then fitted to the model's.
    const { size } = JSON.parse(await readFile(join(runDir, 'dataset.json'), 'utf8')) as { size: number };
    assert.equal(s.renderSize, size);
    assert.ok(s.predictions >= 1);
    assert.ok(s.surprise != null && s.surprise >= 0, `surprise ${s.surprise}`);
    assert.equal(s.context.filter(Boolean).length, s.views.length - 1);
    // RUN/dataset.json reaches the page through /api/run: it makes the dataset's own test scenes.
    const { seed } = JSON.parse(await readFile(join(runDir, 'dataset.json'), 'utf8')) as { seed: number };
    const datasetLine = (await page.locator('#dataset').textContent()) ?? '';
    assert.ok(datasetLine.includes(`like its dataset (seed ${seed})`), `the page's dataset line: ${datasetLine}`);
    assert.doesNotMatch(datasetLine, /assumed|not reported/);
    assert.match((await page.locator('#run').textContent()) ?? '', /^model default · step \d+ · webgl/);
    roomsTensors = s.tensors;
    await page.screenshot({ path: join(SHOTS, 'viewer-loaded.png'), fullPage: true });
  });

  test('the query camera follows drag, arrow keys and wheel, and the prediction with it', async () => {
    const box = (await page.locator('#prediction').boundingBox())!;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    const s0 = await state();
    const p0 = await prediction();

    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 90, cy + 10, { steps: 6 });
    await page.mouse.up();
    await settled();
    const s1 = await state();
    const p1 = await prediction();
    assert.notDeepEqual(s1.camera, s0.camera, 'drag moved the camera');
    assert.ok(s1.predictions > s0.predictions);
    assert.ok(meanAbsDiff(p0, p1) > CHANGED, `prediction changed with the drag (mean |diff| ${meanAbsDiff(p0, p1)})`);
    await page.screenshot({ path: join(SHOTS, 'viewer-dragged.png'), fullPage: true });

    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await settled();
    const s2 = await state();
    assert.notDeepEqual(s2.camera, s1.camera, 'arrow keys moved the camera');
    const p2 = await prediction();
    assert.ok(s2.predictions > s1.predictions);
    assert.ok(meanAbsDiff(p1, p2) > CHANGED, `prediction changed with the arrow keys (mean |diff| ${meanAbsDiff(p1, p2)})`);

    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -300);
    await settled();
    const s3 = await state();
    const dist = (c: number[]) => Math.hypot(c[0], c[1] - 0.4, c[2]);
    assert.ok(dist(s3.camera!) < dist(s2.camera!) - 0.05, `wheel moved the camera nearer (${dist(s2.camera!)} -> ${dist(s3.camera!)})`);
    assert.equal(s3.onTrainingRig, false, 'nearer than the ring is off the training rig');
    await page.screenshot({ path: join(SHOTS, 'viewer-keys-wheel.png'), fullPage: true });
    assert.equal(s3.tensors, s0.tensors, 'no tensors leak per camera change');
  });

  test('on a fixed scene the prediction matches Node and the truth', async () => {
    const s = await page.evaluate(async (scene) => {
      const v = window.gqnViewer!;
      await v.setScene('rooms', scene);
      const views = v.state().views;
      const [x, y, z, yaw, pitch] = views[views.length - 1];
      await v.setCamera({ position: [x, y, z], yaw, pitch });
      return v.state();
    }, FIXED_SCENE);
    const browserPixels = await prediction();
    await page.screenshot({ path: join(SHOTS, 'viewer-fixed-scene.png'), fullPage: true });

    // The same computation in Node on wasm (model-fixture.ts): same scene pipeline, dataset
    // settings (RUN/dataset.json), weights and noise.
    await setupEngine({ backend: 'wasm', threads: 1 });
    const m = await loadViewerModel(runDir);
    const views = viewerScene(m, FIXED_SCENE);
    const node = await viewerPrediction(m, views, views);
    m.model.dispose();
    await shutdownEngine();
    // Same cameras from dataset.json; the page's V8 and Node's may differ in the last bit of a
    // trigonometric result (seen: a yaw 3e-16 apart), hence the tolerance.
    const rows = views.cameras.map(cameraRow);
    assert.equal(s.views.length, rows.length);
    const camDiff = Math.max(...s.views.flatMap((r, i) => r.map((x, j) => Math.abs(x - rows[i][j]))));
    assert.ok(camDiff < 1e-12, `the page's scene cameras differ from Node's by up to ${camDiff}`);
    const nodePixels = node.pixels;
    const maxDiff = Math.max(...browserPixels.map((x, i) => Math.abs(x - nodePixels[i])));
    assert.ok(maxDiff < 5e-3, `webgl and Node wasm predictions differ by up to ${maxDiff}`);

    // FIXED_SCENE and PSNR_THRESHOLD come from scripts/viewer-threshold.ts: see model-fixture.ts.
    assert.ok(s.psnr! > PSNR_THRESHOLD, `PSNR ${s.psnr!.toFixed(2)} dB <= ${PSNR_THRESHOLD} dB`);
    console.log(`viewer: scene ${FIXED_SCENE}: webgl vs Node wasm max |diff| ${maxDiff.toExponential(2)}, PSNR ${s.psnr!.toFixed(2)} dB (Node ${node.psnr.toFixed(2)}), surprise ${s.surprise!.toFixed(2)} nats, step ${s.step}`);
  });

  test('on the fixed scene, turning the query camera changes the prediction, and the true camera scores no worse than a turned one', async () => {
    // Where the previous test left the page: FIXED_SCENE, its 9 views, the held-out camera.
    const atTrue = await state();
    const [trueRow, truePixels, trueTruth] = [atTrue.camera!, await prediction(), await page.evaluate(() => window.gqnViewer!.truthPixels())];
    await page.locator('#prediction').focus();
    for (let i = 0; i < VIEWPOINT_TURN_STEPS; i++) await page.keyboard.press('ArrowLeft');
    await settled();
    const turned = await state();
    const wrongPixels = await prediction();
    await page.screenshot({ path: join(SHOTS, 'viewer-fixed-scene-turned.png'), fullPage: true });
    assert.equal(turned.error, null);
    // The page's camera is the script's wrong camera (scripts/viewer-threshold.ts derives the margin with it).
    const m = await loadViewerModelOnWasm(runDir);
    const views = viewerScene(m.model, FIXED_SCENE);
    const expected = cameraRow(turnedCamera(views, views.cameras[views.cameras.length - 1]));
    await m.close();
    const camDiff = Math.max(...turned.camera!.map((x, i) => Math.abs(x - expected[i])));
    assert.ok(camDiff < 1e-9, `the page turned to ${turned.camera}, Node to ${expected}`);
    const angle = Math.abs(Math.atan2(trueRow[2], trueRow[0]) - Math.atan2(turned.camera![2], turned.camera![0]));
    assert.ok(Math.abs(Math.min(angle, 2 * Math.PI - angle) - (VIEWPOINT_TURN_STEPS * 0.12)) < 1e-6, `turned by ${angle} rad`);

    const maxDiff = Math.max(...wrongPixels.map((x, i) => Math.abs(x - truePixels[i])));
    assert.ok(maxDiff > CHANGED, `the prediction did not change with the camera (max |diff| ${maxDiff})`);
    const psnrTrue = atTrue.psnr!;
    const psnrWrong = psnr(Float32Array.from(wrongPixels), Float32Array.from(trueTruth));
    // VIEWPOINT_MARGIN (model-fixture.ts) is 0 for today's camera-blind models/default: then the
    // floor is -VIEWPOINT_TOLERANCE; re-derived by the script when a model that uses the camera lands.
    const floor = viewpointFloor();
    console.log(`viewer: scene ${FIXED_SCENE}: PSNR at the true camera ${psnrTrue.toFixed(3)} dB, turned ${VIEWPOINT_TURN_STEPS} keys ${psnrWrong.toFixed(3)} dB (gap ${(psnrTrue - psnrWrong).toFixed(3)}, floor ${floor}), max |diff| ${maxDiff.toExponential(2)}`);
    assert.ok(psnrTrue - psnrWrong >= floor, `PSNR at the true camera ${psnrTrue.toFixed(3)} dB minus at the turned one ${psnrWrong.toFixed(3)} dB is below ${floor} dB`);

    // Back to the true camera for the next test.
    await page.evaluate(async ([x, y, z, yaw, pitch]) => window.gqnViewer!.setCamera({ position: [x, y, z], yaw, pitch }), trueRow);
    assert.equal((await state()).psnr, psnrTrue);
  });

  test('context views toggle by click, and the scene\'s views are what bring the prediction near the truth', async () => {
    const before = await state();
    const p0 = await prediction();
    await page.locator('#contexts canvas').first().click();
    await settled();
    const s1 = await state();
    assert.deepEqual(s1.context, [false, ...before.context.slice(1)]);
    assert.ok(meanAbsDiff(p0, await prediction()) > 1e-4, 'prediction changed without view 1');
    const none = await page.evaluate(async (k) => {
      await window.gqnViewer!.setContext(Array.from({ length: k }, () => false));
      return window.gqnViewer!.state();
    }, before.context.length);
    await page.screenshot({ path: join(SHOTS, 'viewer-no-context.png'), fullPage: true });
    assert.ok(none.psnr! < before.psnr!, `without context PSNR ${none.psnr!.toFixed(2)} dB, with ${before.psnr!.toFixed(2)} dB`);
    // The threshold is chosen clear of the no-context level on this scene, so it fails here.
    assert.ok(none.psnr! < PSNR_THRESHOLD, `without context PSNR ${none.psnr!.toFixed(2)} dB >= ${PSNR_THRESHOLD} dB: the threshold does not tell context from none`);
  });

  test('choosing a world that has its own model loads that model; a world without one keeps the model in use', async () => {
    const pick = async (world: string) => {
      await page.selectOption('#world', world);
      await settled();
      return state();
    };
    const sm7 = await pick(TINY_WORLD);
    assert.equal(sm7.error, null);
    assert.equal(sm7.run, TINY_WORLD);
    assert.equal(sm7.world, TINY_WORLD);
    // The tiny model's own size and its dataset's settings (tiny-model.ts), not the default model's.
    assert.equal(sm7.imageSize, 16);
    assert.equal(sm7.renderSize, TINY_DATASET.size);
    assert.equal(sm7.views.length, TINY_DATASET.views);
    const line = (await page.locator('#dataset').textContent()) ?? '';
    assert.ok(line.includes(`model ${TINY_WORLD}:`) && line.includes(`like its dataset (seed ${TINY_DATASET.seed})`), `the page's dataset line: ${line}`);
    assert.doesNotMatch(line, /not what the model was trained on/);
    assert.match((await page.locator('#run').textContent()) ?? '', new RegExp(`^model ${TINY_WORLD} · step 3 `));
    await page.screenshot({ path: join(SHOTS, 'viewer-shepard-metzler-7.png'), fullPage: true });

    // The prediction is the tiny model's on its own dataset's scene, as Node computes it.
    const shown = await page.evaluate(async () => {
      const v = window.gqnViewer!;
      await v.setScene('shepard-metzler-7', 0);
      const views = v.state().views;
      const [x, y, z, yaw, pitch] = views[views.length - 1];
      await v.setCamera({ position: [x, y, z], yaw, pitch });
      return v.predictionPixels();
    });
    const m = await loadViewerModelOnWasm(tinyDir);
    const views = viewerScene(m.model, 0);
    const node = await viewerPrediction(m.model, views, views);
    await m.close();
    const maxDiff = Math.max(...shown.map((x, i) => Math.abs(x - node.pixels[i])));
    assert.ok(maxDiff < 5e-3, `the page's shepard-metzler-7 prediction differs from the tiny model's in Node by up to ${maxDiff}`);

    const mazes = await pick('mazes');
    assert.equal(mazes.run, TINY_WORLD, 'mazes has no model: the model in use stays');
    assert.equal(mazes.world, 'mazes');
    assert.match((await page.locator('#dataset').textContent()) ?? '', /a mazes scene: not what the model was trained on/);

    const rooms = await pick('rooms');
    assert.equal(rooms.run, 'default');
    assert.equal(rooms.imageSize, 32);
    assert.equal(rooms.error, null);
    // The tiny model and its Predictor were disposed: the same tensors as at the first load.
    assert.equal(rooms.tensors, roomsTensors, 'tensors leaked across model switches');
  });

  test('a jump model holds one sampled scene while the camera moves, as Node draws it', async () => {
    await page.selectOption('#world', TINY_JUMP_WORLD);
    await settled();
    const s = await state();
    assert.equal(s.error, null);
    assert.equal(s.run, TINY_JUMP_WORLD);
    assert.match((await page.locator('#run').textContent()) ?? '', /· jump: one sampled scene, held while the camera moves$/);
    const at = async (row: number[]) => {
      await page.evaluate(async (r) => {
        const [x, y, z, yaw, pitch] = r;
        await window.gqnViewer!.setCamera({ position: [x, y, z], yaw, pitch });
      }, row);
      return prediction();
    };
    const [a, b] = [s.views[0], s.views[1]];
    const first = await at(a);
    const other = await at(b);
    assert.ok(meanAbsDiff(first, other) > CHANGED, 'another camera, another view');
    assert.deepEqual(await at(a), first, 'back at the first camera: the same view of the held sample');
    await page.screenshot({ path: join(SHOTS, 'viewer-jump.png'), fullPage: true });
    // Node: the JUMP predictor with the page's noise and context renders the same held latent.
    const m = await loadViewerModelOnWasm(jumpDir);
    const views = viewerScene(m.model, s.scene!);
    const camera = { position: [a[0], a[1], a[2]] as [number, number, number], yaw: a[3], pitch: a[4] };
    const node = await viewerPrediction(m.model, views, views, camera);
    await m.close();
    const maxDiff = Math.max(...first.map((x, i) => Math.abs(x - node.pixels[i])));
    assert.ok(maxDiff < 5e-3, `the page's jump prediction differs from Node's by up to ${maxDiff}`);
    // Back to rooms for the tests that follow.
    await page.selectOption('#world', 'rooms');
    await settled();
    assert.equal((await state()).tensors, roomsTensors, 'tensors leaked across model switches');
  });

  test('?world= picks that world\'s model at load; the curves link follows the model in use', async () => {
    await page.goto(new URL(`/?world=${TINY_WORLD}&scene=2`, server.url).href);
    await page.evaluate(() => window.gqnViewer!.ready);
    const s = await state();
    assert.equal(s.error, null);
    assert.equal(s.run, TINY_WORLD);
    assert.equal(s.world, TINY_WORLD);
    assert.equal(s.scene, 2);
    assert.equal(await page.locator('#curves-link').getAttribute('href'), `./curves.html?model=${TINY_WORLD}`);
  });

  test('the curves page plots the model\'s metrics', async () => {
    await page.click('text=training curves');
    await page.waitForURL(/curves\.html\?model=/);
    await page.evaluate(() => window.gqnCurves!.refreshed);
    const points = await page.evaluate(() => window.gqnCurves!.points());
    assert.ok(points > 0, 'some metric lines were plotted');
    // The tiny model's curve (logged every step of 3), not the default model's.
    assert.equal(points, (await readFile(join(tinyDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').length);
    assert.match((await page.locator('#run').textContent()) ?? '', new RegExp(`^${TINY_WORLD} `));
    assert.equal(await page.locator('.chart canvas').count() >= 4, true);
    await page.screenshot({ path: join(SHOTS, 'curves.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});

/** A run loaded in Node on wasm as the page loads it; close() frees it and stops the engine. */
async function loadViewerModelOnWasm(dir: string) {
  await setupEngine({ backend: 'wasm', threads: 1 });
  const model = await loadViewerModel(dir);
  return {
    model,
    async close() {
      model.model.dispose();
      await shutdownEngine();
    },
  };
}
