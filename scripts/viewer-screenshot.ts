/**
 * The README's picture of the viewer, docs/images/viewer.png. Regenerate after models/default
 * changes (needs /usr/bin/chromium, or GQN_CHROMIUM; a minute or two on a slow machine):
 *
 *   npx tsx scripts/viewer-screenshot.ts
 *   npx tsx scripts/viewer-screenshot.ts --scene 3 --drag 120 --backend webgl --out x.png   # other choices
 *
 * What it does: builds the app into a temp folder (as the browser tests do), serves
 * models/default with startServer (src/web/server/server.ts), opens the page in headless
 * Chromium through playwright-core, loads test scene --scene of the model's own dataset (default:
 * FIXED_SCENE of the browser tests, chosen by rule in scripts/viewer-threshold.ts, not by looks),
 * drags the query camera --drag pixels to the side (an orbit along the training ring, away from
 * the held-out view), waits until prediction, truth, samples, uncertainty and surprise are drawn,
 * and writes a full-page screenshot. Backend wasm by default: in software-only Chromium it starts
 * in seconds where webgl on SwiftShader takes ten; the numbers are the same.
 *
 * The render grid next to it in the README is `gqn render`:
 *
 *   node bin/gqn.js render models/default --data data/heldout/rooms --scenes 5 --context 3 --samples 3 --zoom 4 --out docs/images/rooms-grid.png
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { startServer } from '../src/web/server/server.js';
import { buildApp, REPO } from '../test/web-app/app-build.js';
import { chromiumMissing, launchChromium } from '../test/web-app/chromium.js';
import { FIXED_SCENE, MODEL_RUN, requireModel } from '../test/web-app/model-fixture.js';

const { values } = parseArgs({
  options: {
    scene: { type: 'string', default: String(FIXED_SCENE) },
    drag: { type: 'string', default: '60' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string', default: join(REPO, 'docs', 'images', 'viewer.png') },
  },
});
const scene = Number(values.scene), drag = Number(values.drag);
const out = resolve(values.out!);
requireModel();
const missing = chromiumMissing();
if (missing) throw new Error(`viewer-screenshot: ${missing}`);

const appDir = await buildApp();
const server = await startServer({ runDir: MODEL_RUN, appDir });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 600 } /* fullPage: as tall as the content */ });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}?backend=${values.backend}&scene=${scene}`);
  await page.evaluate(() => window.gqnViewer!.ready);

  // Orbit by dragging on the prediction, as a person would.
  const box = (await page.locator('#prediction').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + drag, cy, { steps: 6 });
  await page.mouse.up();
  // Resolves once prediction, samples, uncertainty and surprise are drawn for the resting camera.
  await page.evaluate(() => window.gqnViewer!.settled());
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  const s = await page.evaluate(() => window.gqnViewer!.state());
  if (s.error || errors.length) throw new Error(`the page reported: ${s.error ?? errors.join('; ')}`);
  await mkdir(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`${out}: ${s.world} test scene ${s.scene}, step ${s.step}, ${s.backend}; camera ${s.camera!.map((x) => x.toFixed(2)).join(', ')} (on the training rig: ${s.onTrainingRig}); PSNR ${s.psnr!.toFixed(2)} dB, surprise ${s.surprise!.toFixed(1)} nats`);
} finally {
  await browser.close();
  await server.close();
  await rm(appDir, { recursive: true, force: true });
}
