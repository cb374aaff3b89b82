// Every world generates, renders without NaN, is deterministic in its seed, and survives JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/random/rng.js';
import { getWorld, renderMap, renderView, renderViewLinear, WORLD_NAMES, type SceneGraph } from '../../src/scenes/index.js';
import { selfAvoidingWalk } from '../../src/scenes/worlds/shepard-metzler.js';
import { generateMazeLayout } from '../../src/scenes/worlds/mazes.js';
import { embeddedDigitPool } from '../../src/scenes/worlds/mnist-digits.js';

function distinctColours(img: Uint8Array): number {
  const seen = new Set<number>();
  for (let i = 0; i < img.length; i += 3) seen.add((img[i] << 16) | (img[i + 1] << 8) | img[i + 2]);
  return seen.size;
}

function allFinite(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(allFinite);
  if (x && typeof x === 'object') return Object.values(x).every(allFinite);
  return true;
}

for (const name of WORLD_NAMES) {
  test(`${name}: generates, renders 64x64 views with no NaN and several colours`, () => {
    const world = getWorld(name);
    assert.equal(world.name, name);
    for (let s = 0; s < 3; s++) {
      const scene = world.generate(Rng.from('test', name, s));
      assert.ok(allFinite(scene), 'scene graph numbers are finite');
      assert.deepEqual(JSON.parse(JSON.stringify(scene)), scene, 'scene graph is plain JSON');
      const camRng = Rng.from('test', name, 'cam', s);
      for (let v = 0; v < 3; v++) {
        const cam = world.sampleCamera(scene, camRng);
        assert.ok(allFinite(cam));
        const linear = renderViewLinear(scene, cam, 64);
        assert.ok(linear.every(Number.isFinite), 'no NaN pixels');
        const img = renderView(scene, cam, 64);
        assert.equal(img.length, 64 * 64 * 3);
        assert.ok(distinctColours(img) > 3, `view ${v} of scene ${s} has ${distinctColours(img)} colours`);
      }
    }
  });

  test(`${name}: same seed, same scene and pixels; other seed, other scene`, () => {
    const world = getWorld(name);
    const a = world.generate(Rng.from(7, name));
    const b = world.generate(Rng.from(7, name));
    assert.deepEqual(a, b);
    const ca = world.sampleCamera(a, Rng.from(7, name, 'cam'));
    const cb = world.sampleCamera(b, Rng.from(7, name, 'cam'));
    assert.deepEqual(ca, cb);
    assert.deepEqual(renderView(a, ca, 32), renderView(b, cb, 32));
    // A JSON round trip (what a worker receives) renders the same bytes.
    const copy = JSON.parse(JSON.stringify(a)) as SceneGraph;
    assert.deepEqual(renderView(copy, ca, 32), renderView(a, ca, 32));
    const c = world.generate(Rng.from(8, name));
    assert.notDeepEqual(a, c);
  });
}

test('antialias averages four samples and changes edge pixels only a little', () => {
  const world = getWorld('rooms');
  const scene = world.generate(Rng.from('aa'));
  const cam = world.sampleCamera(scene, Rng.from('aa', 'cam'));
  const plain = renderView(scene, cam, 48);
  const aa = renderView(scene, cam, 48, { antialias: true });
  let diff = 0;
  for (let i = 0; i < plain.length; i++) diff += Math.abs(plain[i] - aa[i]);
  assert.ok(diff > 0, 'antialiasing changes something');
  assert.ok(diff / plain.length < 20, `mean change ${diff / plain.length}`);
});

test('getWorld rejects unknown names, listing the valid ones', () => {
  assert.throws(() => getWorld('room'), (e: Error) => e.message.includes('unknown world "room"') && WORLD_NAMES.every((n) => e.message.includes(n)));
});

test('mazes: layout is a 7x7 block maze with closed border, connected free cells, and a map', () => {
  for (let s = 0; s < 20; s++) {
    const { size, cells, rooms } = generateMazeLayout(7, Rng.from('maze', s));
    assert.equal(size, 7);
    assert.ok(rooms.length >= 1 && rooms.length <= 2);
    for (let i = 0; i < 7; i++) {
      for (const k of [i, 42 + i, i * 7, i * 7 + 6]) assert.notEqual(cells[k], 0, 'border is wall');
    }
    const free = cells.map((c, i) => (c === 0 ? i : -1)).filter((i) => i >= 0);
    const seen = new Set([free[0]]);
    const queue = [free[0]];
    while (queue.length) {
      const i = queue.pop()!;
      for (const j of [i - 1, i + 1, i - 7, i + 7]) {
        if (cells[j] === 0 && !seen.has(j)) { seen.add(j); queue.push(j); }
      }
    }
    assert.equal(seen.size, free.length, 'every free cell is reachable');
  }
  const world = getWorld('mazes');
  const scene = world.generate(Rng.from('map'));
  const map = renderMap(scene, 42);
  assert.equal(map.length, 42 * 42 * 3);
  assert.ok(distinctColours(map) > 4);
  // Cameras stand in free cells at eye height.
  const grid = scene.objects.find((o) => o.shape === 'grid')!;
  assert.equal(grid.shape, 'grid');
  if (grid.shape !== 'grid') return;
  const rng = Rng.from('map', 'cam');
  for (let k = 0; k < 50; k++) {
    const cam = world.sampleCamera(scene, rng);
    const c = Math.floor(cam.position[0] - grid.position[0]), r = Math.floor(cam.position[2] - grid.position[2]);
    assert.equal(grid.cells[r * grid.cols + c], 0);
  }
  assert.throws(() => renderMap(getWorld('shepard-metzler-5').generate(Rng.from(1)), 16), /no map/);
});

test('shepard-metzler: self-avoiding walk of face-adjacent unit cubes, centred', () => {
  for (let s = 0; s < 20; s++) {
    const cells = selfAvoidingWalk(7, Rng.from('walk', s));
    assert.equal(new Set(cells.map((c) => c.join(','))).size, 7);
    for (let i = 1; i < 7; i++) {
      const d = Math.abs(cells[i][0] - cells[i - 1][0]) + Math.abs(cells[i][1] - cells[i - 1][1]) + Math.abs(cells[i][2] - cells[i - 1][2]);
      assert.equal(d, 1);
    }
  }
  const scene = getWorld('shepard-metzler-7').generate(Rng.from('sm'));
  assert.equal(scene.objects.length, 7);
  for (let k = 0; k < 3; k++) {
    const mean = scene.objects.reduce((a, o) => a + o.position[k], 0) / 7;
    assert.ok(Math.abs(mean) < 1e-9);
  }
  const colours = new Set(scene.objects.map((o) => o.texture.color.join(',')));
  assert.equal(colours.size, 7, 'each cube its own colour');
});

test('rooms: 1-3 objects resting on the floor, walls and floor from the fixed palettes', () => {
  const world = getWorld('rooms');
  for (let s = 0; s < 30; s++) {
    const scene = world.generate(Rng.from('rooms', s));
    const objects = scene.objects.filter((o) => o.shape !== 'plane');
    assert.ok(objects.length >= 1 && objects.length <= 3);
    const walls = new Set(scene.objects.filter((o) => o.label?.endsWith('wall')).map((o) => o.label));
    assert.equal(walls.size, 1);
    assert.match([...walls][0]!, /^(red|green|cerise|orange|yellow) wall$/);
    assert.match(scene.objects[0].label!, /^(yellow|white|blue) floor$/);
  }
  const rot = getWorld('rooms-free-rotations').generate(Rng.from('rot', 1));
  assert.ok(rot.objects.some((o) => o.rotation && o.rotation[1] !== 0));
});

test('mnist-dice: six different digit classes from the embedded pool', () => {
  const pool = embeddedDigitPool();
  assert.ok(pool.perClass >= 10);
  const img = pool.get(3, 0);
  assert.equal(img.length, 784);
  assert.ok(img.some((v) => v > 200) && img.some((v) => v === 0));
  const scene = getWorld('mnist-dice').generate(Rng.from('dice'));
  const tex = scene.objects[0].texture;
  assert.equal(tex.kind, 'digits');
  assert.equal(tex.digits!.length, 6);
  const classes = scene.objects[0].label!.match(/:(\d)/g)!.map((m) => m.slice(1));
  assert.equal(new Set(classes).size, 6);
});
