/**
 * The query frame (config.contextFrame 'query'): the query camera ends up looking along +x, the
 * cameras' relative placement is kept, turning the whole scene about the vertical axis changes
 * nothing the networks see, and a query-frame GQN's r depends on the query camera.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import { encodeViewpoint } from '../../src/data/viewpoint.js';
import { setupEngine, shutdownEngine } from '../../src/engine/index.js';
import { GQN } from '../../src/models/gqn/gqn.js';
import { toQueryFrame } from '../../src/models/gqn/query-frame.js';
import { lookAt } from '../../src/scenes/camera.js';
import { TINY } from './tiny-config.js';

before(async () => {
  await setupEngine({ backend: 'cpu' });
});
after(shutdownEngine);

/** A camera on a ring of radius 3 at heading `a` (radians), looking at the centre. */
function ring(a: number, height = 1.2): Float32Array {
  const c = lookAt([3 * Math.cos(a), height, 3 * Math.sin(a)], [0, 0.4, 0]);
  return encodeViewpoint([...c.position, c.yaw, c.pitch]);
}

function framed(context: Float32Array[], query: Float32Array): { context: number[][]; query: number[] } {
  return tf.tidy(() => {
    const f = toQueryFrame(tf.tensor3d([context.map((v) => [...v])]), tf.tensor2d([[...query]]));
    return { context: (f.context.arraySync() as number[][][])[0], query: (f.query.arraySync() as number[][])[0] };
  });
}

const close = (a: number[], b: number[], what: string) =>
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-5, `${what}[${i}]: ${x} vs ${b[i]}`));

test('the query camera is turned to look along +x, its height and pitch kept', () => {
  const q = ring(2.1);
  const { query } = framed([ring(0.3)], q);
  assert.ok(Math.abs(query[3] - 1) < 1e-6 && Math.abs(query[4]) < 1e-6, `cos/sin yaw ${query[3]}, ${query[4]}`);
  close([query[1], query[5], query[6]], [q[1], q[5], q[6]], 'height and pitch');
  // A ring camera looking at the centre sits on the -x side once it looks along +x.
  close([query[0], query[2]], [-3, 0], 'position');
});

test('turning the whole scene about the vertical axis changes nothing the networks see', () => {
  const headings = [0.4, 1.9, -2.5];
  const a = framed(headings.map((h) => ring(h)), ring(1.0));
  const b = framed(headings.map((h) => ring(h + 0.77)), ring(1.0 + 0.77));
  close(a.query, b.query, 'query');
  a.context.forEach((v, i) => close(v, b.context[i], `context ${i}`));
  // The context camera at the query's own heading arrives as the query camera itself.
  const same = framed([ring(1.0)], ring(1.0));
  close(same.context[0], same.query, 'own heading');
});

test('a query-frame GQN builds r per query camera; a world-frame one does not', () => {
  for (const contextFrame of ['world', 'query'] as const) {
    const model = new GQN({ ...TINY, contextFrame }, 3);
    tf.tidy(() => {
      const images = tf.randomUniform([1, 2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
      const views = tf.tensor3d([[[...ring(0.2)], [...ring(2.0)]]]);
      const r1 = model.condition(images, views, tf.tensor2d([[...ring(0.5)]])).r;
      const r2 = model.condition(images, views, tf.tensor2d([[...ring(2.5)]])).r;
      const differ = tf.max(tf.abs(tf.sub(r1, r2))).dataSync()[0];
      if (contextFrame === 'world') assert.equal(differ, 0);
      else assert.ok(differ > 1e-6, `r did not change with the query camera (${differ})`);
    });
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0);
});
