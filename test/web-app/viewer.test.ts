/**
 * The viewer in headless Chromium (software WebGL): the built app, served with a copy of a
 * trained model, loads the model on webgl, follows the query camera (mouse drag, arrow keys,
 * wheel), agrees with the same computation in Node, and predicts the truth of a fixed scene
 * above a PSNR threshold; the curves page plots the run's metrics. Screenshots go to
 * out/test-screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { loadRun } from '../../src/models/gqn/load-run.js';
import { datasetOf } from '../../src/web/app/dataset-info.js';
import { Predictor } from '../../src/web/app/predictor.js';
import type { RunInfo } from '../../src/web/app/run-info.js';
import { makeSceneViews, viewpointOf } from '../../src/web/app/scene-views.js';
import { buildApp, REPO } from './app-build.js';
import { chromiumMissing, launchChromium } from './chromium.js';
import { copyModel, modelMissing, PSNR_THRESHOLD } from './model-fixture.js';
import { startServer, type RunningServer } from '../../src/web/server/server.js';

const SHOTS = join(REPO, 'out', 'test-screenshots');
const skip = chromiumMissing() ?? modelMissing() ?? false;

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
    assert.ok(meanAbsDiff(p0, p1) > 1e-3, `prediction changed with the drag (mean |diff| ${meanAbsDiff(p0, p1)})`);
    await page.screenshot({ path: join(SHOTS, 'viewer-dragged.png'), fullPage: true });

    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await settled();
    const s2 = await state();
    assert.notDeepEqual(s2.camera, s1.camera, 'arrow keys moved the camera');
    assert.ok(meanAbsDiff(p1, await prediction()) > 1e-3, 'prediction changed with the arrow keys');

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
    const s = await page.evaluate(async () => {
      const v = window.gqnViewer!;
      await v.setScene('rooms', 0);
      const views = v.state().views;
      const [x, y, z, yaw, pitch] = views[views.length - 1];
      await v.setCamera({ position: [x, y, z], yaw, pitch });
      return v.state();
    });
    const browserPixels = await prediction();
    await page.screenshot({ path: join(SHOTS, 'viewer-fixed-scene.png'), fullPage: true });

    // The same computation in Node on wasm: same scene pipeline, weights and noise.
    await setupEngine({ backend: 'wasm', threads: 1 });
    const { model, config, step } = await loadRun(runDir);
    const run = { name: 'x', config, step, checkpoint: '', weights: '', metrics: '' } satisfies RunInfo;
    const views = makeSceneViews(datasetOf(run).dataset, 'rooms', 0, config.model.imageSize);
    const predictor = new Predictor(model, 4, 0);
    const k = views.cameras.length;
    predictor.setContext(views.images.slice(0, k - 1), views.viewpoints.slice(0, k - 1));
    const nodePixels = await predictor.predict(viewpointOf(views.cameras[k - 1]));
    predictor.dispose();
    model.dispose();
    await shutdownEngine();
    const maxDiff = Math.max(...browserPixels.map((x, i) => Math.abs(x - nodePixels[i])));
    assert.ok(maxDiff < 5e-3, `webgl and Node wasm predictions differ by up to ${maxDiff}`);

    // PSNR_THRESHOLD (model-fixture.ts) is justified from `gqn eval` of the model: see there.
    assert.ok(s.psnr! > PSNR_THRESHOLD, `PSNR ${s.psnr!.toFixed(2)} dB <= ${PSNR_THRESHOLD} dB`);
    console.log(`viewer: webgl vs Node wasm max |diff| ${maxDiff.toExponential(2)}, PSNR ${s.psnr!.toFixed(2)} dB, surprise ${s.surprise!.toFixed(2)} nats, step ${s.step}`);
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
