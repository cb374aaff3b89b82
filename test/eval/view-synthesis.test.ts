/**
 * The view-synthesis scores on hand-made scenes: baselines checked against values computed by
 * hand, a camera-blind predictor's viewpoint gap is 0, and a predictor that renders the asked-for
 * camera gets a positive gap and beats the oracle.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { encodeViewpoint } from '../../src/data/viewpoint.js';
import { meanImage, nearestView, viewAngle } from '../../src/eval/view-baselines.js';
import { ViewScoreSums, type SceneViews } from '../../src/eval/view-synthesis.js';

/** A 1x1 image of grey level g (3 channels). */
const grey = (g: number) => new Float32Array([g, g, g]);
/** A ring camera at heading `deg` degrees. */
const cam = (deg: number) => encodeViewpoint([0, 1, 0, (deg * Math.PI) / 180, 0]);

test('viewAngle and nearestView use the viewing direction', () => {
  assert.ok(Math.abs(viewAngle(cam(10), cam(100)) - Math.PI / 2) < 1e-6);
  assert.ok(Math.abs(viewAngle(cam(-170), cam(170)) - (20 * Math.PI) / 180) < 1e-6, 'the angle wraps around');
  assert.deepEqual(nearestView([cam(0), cam(200), cam(90)], cam(170)).index, 1);
});

test('oracle, context mean and nearest view match hand-computed PSNRs', () => {
  // Views at 0, 90, 180 degrees with grey levels 0.2, 0.5, 0.8; query = the 180-degree view.
  const scene: SceneViews = {
    context: [grey(0.2), grey(0.5)], contextViewpoints: [cam(0), cam(90)],
    allViews: [grey(0.2), grey(0.5), grey(0.8)], query: grey(0.8), queryViewpoint: cam(180),
  };
  assert.deepEqual([...meanImage(scene.allViews)].map((x) => +x.toFixed(6)), [0.5, 0.5, 0.5]);
  const sums = new ViewScoreSums(1);
  sums.add(scene, { priorMean: grey(0.7), priorSample: grey(0.6), wrongCamera: grey(0.4) });
  const r = sums.result();
  const db = (err: number) => -10 * Math.log10(err * err);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-4, `${a} vs ${b}`);
  close(r.psnrSceneMean, db(0.3)); // oracle 0.5 vs 0.8
  close(r.psnrContextMean, db(0.45)); // (0.2 + 0.5) / 2 = 0.35 vs 0.8
  close(r.psnrNearestView, db(0.3)); // the 90-degree view (0.5) is closest to 180
  close(r.psnrPriorMean, db(0.1));
  close(r.psnrPriorSample, db(0.2));
  close(r.psnrWrongCamera, db(0.4));
  close(r.viewpointGap, db(0.1) - db(0.4));
  close(r.marginOverOracle, db(0.1) - db(0.3));
  // 90 degrees to the nearest context camera: the 60-90 bin.
  assert.deepEqual(r.byAngle.map((b) => b.scenes), [0, 0, 0, 1, 0]);
});

/** Scenes whose views at heading h have grey level (h mod 360) / 400, plus a per-scene offset. */
function ringScenes(n: number): { scene: SceneViews; heading: number; wrongHeading: number; level: (h: number) => Float32Array }[] {
  return Array.from({ length: n }, (_, i) => {
    const level = (h: number) => grey((((h % 360) + 360) % 360) / 400 + 0.05 * (i % 3));
    const headings = [i * 37, i * 37 + 100, i * 37 + 200, i * 37 + 290];
    const [q, ...ctx] = headings;
    return {
      scene: {
        context: ctx.map(level), contextViewpoints: ctx.map(cam), allViews: headings.map(level),
        query: level(q), queryViewpoint: cam(q),
      },
      heading: q, wrongHeading: ctx[ctx.length - 1], level,
    };
  });
}

test('a predictor that ignores the camera has a viewpoint gap of 0 and does not beat the oracle', () => {
  const sums = new ViewScoreSums(1);
  for (const { scene } of ringScenes(12)) {
    // Camera-blind: the same image whatever the camera (the context mean).
    const blind = meanImage(scene.context);
    sums.add(scene, { priorMean: blind, priorSample: blind, wrongCamera: blind });
  }
  const r = sums.result();
  assert.equal(r.viewpointGap, 0);
  assert.ok(r.marginOverOracle < 0, `camera-blind margin ${r.marginOverOracle}`);
});

test('a predictor that renders the asked-for camera has a positive gap and beats the oracle', () => {
  const sums = new ViewScoreSums(1);
  for (const { scene, heading, wrongHeading, level } of ringScenes(12)) {
    // Renders the camera it is asked for, with a small error.
    const render = (h: number) => level(h).map((x) => x + 0.01);
    sums.add(scene, { priorMean: render(heading), priorSample: render(heading), wrongCamera: render(wrongHeading) });
  }
  const r = sums.result();
  assert.ok(r.viewpointGap > 10, `gap ${r.viewpointGap}`);
  assert.ok(r.marginOverOracle > 10, `margin ${r.marginOverOracle}`);
});
