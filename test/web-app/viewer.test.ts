/**
 * The viewer in headless Chromium (software WebGL): the built app, served with a copy of a
 * trained model, loads the model on webgl, follows the query camera (mouse drag, arrow keys,
 * wheel), agrees with the same computation in Node, and predicts the truth of a fixed scene
 * above a PSNR threshold; the curves page plots the run's metrics. Screenshots go to
 * out/test-screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { cameraRow } from '../../src/web/app/scene-views.js';
import { buildApp, REPO } from './app-build.js';
import { chromiumMissing, launchChromium } from './chromium.js';
import { copyModel, FIXED_SCENE, loadViewerModel, MODEL_RUN, PSNR_THRESHOLD, requireModel, viewerPrediction, viewerScene } from './model-fixture.js';
import { startServer, type RunningServer } from '../../src/web/server/server.js';

const SHOTS = join(REPO, 'out', 'test-screenshots');
const skip = chromiumMissing() ?? false;

test('the viewer\'s default model is committed (models/default)', () => {
  requireModel(MODEL_RUN);
});

describe('browser viewer', { skip }, () => {
  let appDir = '';
  let runDir = '';
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    [appDir, { runDir }] = await Promise.all([buildApp(), copyModel()]);
    await mkdir(SHOTS, { recursive: true });
    server = await startServer({ runDir, appDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await Promise.all([appDir, runDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
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
    assert.equal(s.imageSize, 32);
    assert.equal(s.renderSize, 64);
    assert.ok(s.predictions >= 1);
    assert.ok(s.surprise != null && s.surprise >= 0, `surprise ${s.surprise}`);
    assert.equal(s.context.filter(Boolean).length, s.views.length - 1);
    // RUN/dataset.json reaches the page through /api/run: it makes the dataset's own test scenes.
    const { seed } = JSON.parse(await readFile(join(runDir, 'dataset.json'), 'utf8')) as { seed: number };
    const datasetLine = (await page.locator('#dataset').textContent()) ?? '';
    assert.ok(datasetLine.includes(`like its dataset (seed ${seed})`), `the page's dataset line: ${datasetLine}`);
    assert.doesNotMatch(datasetLine, /assumed|not reported/);
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

  test('the curves page plots the run\'s metrics', async () => {
    await page.click('text=training curves');
    await page.waitForURL(/curves\.html$/);
    await page.evaluate(() => window.gqnCurves!.refreshed);
    const points = await page.evaluate(() => window.gqnCurves!.points());
    assert.ok(points > 0, 'some metric lines were plotted');
    assert.equal(await page.locator('.chart canvas').count() >= 4, true);
    await page.screenshot({ path: join(SHOTS, 'curves.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
