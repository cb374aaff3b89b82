/** `gqn serve`'s server in-process: every route, several models, live checkpoints, and what it must refuse. */
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { startServer, type RunningServer } from '../../src/web/server/server.js';
import { CONFIG, DATASET, INDEX_HTML, METRICS, OTHER_DATASET, OTHER_METRICS, OTHER_STEP, SECRET, makeFixture, type Fixture } from './fixture.js';
import { rawGet, rawRequest } from './http.js';

let fx: Fixture;
let server: RunningServer;
let packageJson = '';

before(async () => {
  fx = await makeFixture();
  server = await startServer({ runDirs: [fx.run, fx.other], appDir: fx.app, port: 0 });
  packageJson = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
});
after(async () => {
  await server.close();
  await fx.cleanup();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

describe('routes', () => {
  test('binds 127.0.0.1 by default and reports the real port', () => {
    assert.equal(server.address.address, '127.0.0.1');
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
  });

  test('/ and the app files', async () => {
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await index.text(), INDEX_HTML);
    // Cross-origin isolated (threaded wasm in the viewer), and nothing embeddable by other sites.
    assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(index.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(index.headers.get('cross-origin-resource-policy'), 'same-origin');
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    const curves = await get('/curves.html');
    assert.equal(curves.status, 200);
    assert.match(await curves.text(), /curves/);
    const js = await get('/assets/index-abc123.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await js.text(), 'console.log("viewer");\n');
    const again = await get('/', { headers: { 'if-none-match': index.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  test('/api/run describes the latest checkpoint, no-store', async () => {
    const r = await get('/api/run');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await r.json(), {
      name: 'my-run', config: CONFIG, dataset: DATASET, step: 10, checkpoint: '000000010', weights: '/run/weights.safetensors', metrics: '/run/metrics.jsonl',
    });
  });

  test('/run/weights.safetensors, /run/metrics.jsonl, /run/config.json', async () => {
    const w = await get('/run/weights.safetensors');
    assert.equal(w.status, 200);
    assert.equal(w.headers.get('content-type'), 'application/octet-stream');
    assert.equal(w.headers.get('x-gqn-step'), '10');
    assert.deepEqual(new Uint8Array(await w.arrayBuffer()), new Uint8Array(await readFile(join(fx.run, 'checkpoints', '000000010', 'model.safetensors'))));
    const m = await get('/run/metrics.jsonl');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type')!, /^application\/x-ndjson/);
    assert.equal(m.headers.get('cache-control'), 'no-store');
    assert.equal(await m.text(), METRICS);
    const c = await get('/run/config.json');
    assert.equal(c.status, 200);
    assert.match(c.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(await c.json(), CONFIG);
  });

  test('metrics by byte range (what a poller asks for)', async () => {
    const tail = await get('/run/metrics.jsonl', { headers: { range: 'bytes=5-' } });
    assert.equal(tail.status, 206);
    assert.equal(await tail.text(), METRICS.slice(5));
    assert.equal(tail.headers.get('content-range'), `bytes 5-${METRICS.length - 1}/${METRICS.length}`);
    const past = await get('/run/metrics.jsonl', { headers: { range: `bytes=${METRICS.length}-` } });
    assert.equal(past.status, 416);
    await past.arrayBuffer();
    const last = await get('/run/metrics.jsonl', { headers: { range: 'bytes=-3' } });
    assert.equal(await last.text(), METRICS.slice(-3));
    const empty = await get('/run/metrics.jsonl', { headers: { range: 'bytes=-0' } });
    assert.equal(empty.status, 416);
    await empty.arrayBuffer();
    const backwards = await get('/run/metrics.jsonl', { headers: { range: 'bytes=5-2' } });
    assert.equal(backwards.status, 200);
    assert.equal(await backwards.text(), METRICS);
  });

  test('HEAD sends the headers only', async () => {
    const r = await get('/run/weights.safetensors', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.ok(Number(r.headers.get('content-length')) > 8);
    assert.equal((await r.arrayBuffer()).byteLength, 0);
    const api = await get('/api/run', { method: 'HEAD' });
    assert.equal(api.status, 200);
    assert.equal((await api.arrayBuffer()).byteLength, 0);
  });

  test('anything else is a 404 with a JSON error', async () => {
    for (const path of ['/nope', '/api/', '/api/run/x', '/run/', '/run/optimizer.safetensors', '/run/state.json', '/run/checkpoints/latest.json', '/index.htm', '/assets/']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(((await r.json()) as { error: string }).error, /not found/, path);
    }
  });
});

describe('several models', () => {
  test('/api/models lists every model with its world and checkpoint; the first is the default', async () => {
    const r = await get('/api/models');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await r.json(), [
      { name: 'my-run', world: 'rooms', step: 10, checkpoint: '000000010', default: true, run: '/api/models/my-run' },
      { name: 'sm7-run', world: 'shepard-metzler-7', step: OTHER_STEP, checkpoint: '000000005', default: false, run: '/api/models/sm7-run' },
    ]);
  });

  test('/api/models/NAME describes that model, with its files under /models/NAME/', async () => {
    const mine = await (await get('/api/models/my-run')).json();
    assert.deepEqual(mine, {
      name: 'my-run', config: CONFIG, dataset: DATASET, step: 10, checkpoint: '000000010', weights: '/models/my-run/weights.safetensors', metrics: '/models/my-run/metrics.jsonl',
    });
    const other = await (await get('/api/models/sm7-run')).json();
    assert.deepEqual(other, {
      name: 'sm7-run', config: CONFIG, dataset: OTHER_DATASET, step: OTHER_STEP, checkpoint: '000000005', weights: '/models/sm7-run/weights.safetensors', metrics: '/models/sm7-run/metrics.jsonl',
    });
  });

  test('/models/NAME/{weights.safetensors,metrics.jsonl,config.json} are that model\'s files; /run/* stays the first model\'s', async () => {
    for (const [name, dir, step, metrics] of [['my-run', fx.run, 10, METRICS], ['sm7-run', fx.other, OTHER_STEP, OTHER_METRICS]] as const) {
      const w = await get(`/models/${name}/weights.safetensors`);
      assert.equal(w.status, 200, name);
      assert.equal(w.headers.get('x-gqn-step'), String(step));
      const checkpoint = String(step).padStart(9, '0');
      assert.deepEqual(new Uint8Array(await w.arrayBuffer()), new Uint8Array(await readFile(join(dir, 'checkpoints', checkpoint, 'model.safetensors'))));
      assert.equal(await (await get(`/models/${name}/metrics.jsonl`)).text(), metrics);
      assert.deepEqual(await (await get(`/models/${name}/config.json`)).json(), CONFIG);
    }
    const first = await get('/run/weights.safetensors');
    assert.equal(first.headers.get('x-gqn-step'), '10');
    await first.arrayBuffer();
  });

  test('an unknown model or file is a 404 naming what is served', async () => {
    for (const path of ['/api/models/nope', '/models/nope/config.json', '/api/models/secret.txt', '/models/app/config.json']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(((await r.json()) as { error: string }).error, /no model named .*\/api\/models lists/, path);
    }
    for (const path of ['/models/', '/models/my-run', '/models/my-run/', '/models/my-run/dataset.json', '/models/sm7-run/optimizer.safetensors', '/models/my-run/checkpoints/latest.json', '/api/models/my-run/config.json', '/models/app/index.html']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(((await r.json()) as { error: string }).error, /not found/, path);
    }
  });

  test('a broken model folder shows in the list with its error; the others still load', async () => {
    const latest = join(fx.other, 'checkpoints', 'latest.json');
    const good = await readFile(latest, 'utf8');
    try {
      await writeFile(latest, JSON.stringify({ step: 5, dir: '../../x' }));
      const list = (await (await get('/api/models')).json()) as { name: string; step: number | null; error?: string }[];
      assert.equal(list[0].step, 10);
      assert.equal(list[1].step, null);
      assert.match(list[1].error ?? '', /field dir/);
      assert.equal((await get('/models/sm7-run/weights.safetensors')).status, 500);
    } finally {
      await writeFile(latest, good);
    }
  });

  test('model names must be distinct and URL-safe; the error names the folders', async () => {
    const twin = join(fx.root, 'elsewhere', 'my-run');
    const odd = join(fx.root, 'my run');
    await mkdir(join(fx.root, 'elsewhere'));
    await cp(fx.run, twin, { recursive: true });
    await cp(fx.run, odd, { recursive: true });
    await assert.rejects(startServer({ runDirs: [fx.run, twin], appDir: fx.app }), (e: Error) => e.message.includes(fx.run) && e.message.includes(twin) && /same name my-run/.test(e.message));
    await assert.rejects(startServer({ runDirs: [fx.run, odd], appDir: fx.app }), (e: Error) => e.message.includes(odd) && /expected letters, digits/.test(e.message));
    await assert.rejects(startServer({ runDirs: [], appDir: fx.app }), /at least one/);
  });
});

describe('a run being trained', () => {
  test('a new latest.json shows up on the next request; an unchanged checkpoint is a 304', async () => {
    const first = await get('/run/weights.safetensors');
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const same = await get('/run/weights.safetensors', { headers: { 'if-none-match': etag } });
    assert.equal(same.status, 304);
    const bytes = await fx.checkpoint(20);
    const info = (await (await get('/api/run')).json()) as { step: number; checkpoint: string };
    assert.equal(info.step, 20);
    assert.equal(info.checkpoint, '000000020');
    const w = await get('/run/weights.safetensors', { headers: { 'if-none-match': etag } });
    assert.equal(w.status, 200);
    assert.equal(w.headers.get('x-gqn-checkpoint'), '000000020');
    assert.deepEqual(new Uint8Array(await w.arrayBuffer()), bytes);
  });

  test('a latest.json naming anything but a 9-digit folder is refused before it reaches the disk', async () => {
    const latest = join(fx.run, 'checkpoints', 'latest.json');
    const good = await readFile(latest, 'utf8');
    try {
      for (const dir of ['../../secret.txt', '../..', '/etc', '00000002', 'abcdefghi', 20]) {
        await writeFile(latest, JSON.stringify({ step: 20, dir }));
        for (const path of ['/api/run', '/run/weights.safetensors']) {
          const r = await get(path);
          assert.equal(r.status, 500, `${path} with dir ${dir}`);
          const body = await r.text();
          assert.match(body, /field dir/);
          assert.ok(!body.includes(SECRET));
        }
      }
      await writeFile(latest, '{"step": 2');
      assert.equal((await get('/api/run')).status, 500);
    } finally {
      await writeFile(latest, good);
    }
  });

  test('no checkpoint yet: /api/run and the weights are 503; no metrics yet: an empty body', async () => {
    const f = await makeFixture({ checkpoint: false });
    const s = await startServer({ runDir: f.run, appDir: f.app, port: 0 });
    try {
      await rm(join(f.run, 'metrics.jsonl'));
      for (const path of ['/api/run', '/run/weights.safetensors']) {
        const r = await fetch(new URL(path, s.url));
        assert.equal(r.status, 503, path);
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.match(((await r.json()) as { error: string }).error, /no checkpoint yet/);
      }
      const m = await fetch(new URL('/run/metrics.jsonl', s.url));
      assert.equal(m.status, 200);
      assert.equal(await m.text(), '');
    } finally {
      await s.close();
      await f.cleanup();
    }
  });
});

describe('safety', () => {
  const attempts = [
    '/../package.json', '/%2e%2e/package.json', '/%2E%2E/%2E%2E/package.json', '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/run/../../etc/passwd', '/run/..%2f..%2fsecret.txt', '/./index.html',
    '/\\..\\package.json', '/..\\..\\package.json', '/%5c..%5cpackage.json', '/index.html%00.js', '/assets/%00',
    '//etc/passwd', '/%', '/%zz', '/%c0%ae%c0%ae/package.json', '/%ff', 'http://evil/', 'http://127.0.0.1/../package.json', '*',
    'package.json', `/${'a'.repeat(3000)}`, '/up/secret.txt', '/up/my-run/config.json', '/assets/leak.txt', '/.hidden', '/%2ehidden',
    // The per-model routes: a model name is looked up among the served ones, never joined into a path.
    '/models/../secret.txt', '/models/%2e%2e/secret.txt', '/models/my-run/../../secret.txt', '/models/my-run/..%2f..%2fsecret.txt',
    '/models/..%2fsecret.txt/config.json', '/models/secret.txt/config.json', '/models/my-run%2f..%2f..%2fsecret.txt/config.json',
    '/api/models/..', '/api/models/%2e%2e', '/api/models/../../secret.txt', '/api/models/my-run%2f..', '/api/models/.', '/api/models//my-run',
    '/models/my-run/checkpoints/000000010/optimizer.safetensors', '/models/sm7-run/checkpoints/000000005/optimizer.safetensors',
    '/models/sm7-run/..\\secret.txt', '/models/%00/config.json', '/models/.hidden/config.json', '/models/up/secret.txt',
  ];
  for (const target of attempts) {
    test(`GET ${JSON.stringify(target.slice(0, 50))} is a 4xx and leaks nothing`, async () => {
      const r = await rawGet(server.port, target);
      assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
      assert.ok(!r.body.includes(SECRET), 'leaked the secret file');
      assert.ok(!r.body.includes('"name": "gqn"') && !r.body.includes(packageJson.slice(0, 60)), 'leaked package.json');
      assert.ok(!r.body.includes('root:'), 'leaked /etc/passwd');
    });
  }

  test('a raw NUL byte in the target is a 400', async () => {
    const r = await rawRequest(server.port, Buffer.from(`GET /index.html\0/../../package.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'latin1'));
    assert.equal(r.status, 400);
  });

  test('only GET and HEAD: every other method is a 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await rawGet(server.port, '/run/metrics.jsonl', method);
      assert.equal(r.status, 405, method);
      assert.match(r.headers, /Allow: GET, HEAD/);
    }
    const before = await readFile(join(fx.run, 'metrics.jsonl'), 'utf8');
    const put = await fetch(new URL('/run/metrics.jsonl', server.url), { method: 'PUT', body: 'overwritten' });
    assert.equal(put.status, 405);
    assert.equal(await readFile(join(fx.run, 'metrics.jsonl'), 'utf8'), before);
  });

  test('malformed requests are a 400 and the server answers the next one', async () => {
    for (const garbage of ['garbage\r\n\r\n', 'GET\r\n\r\n', 'FROB / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03']) {
      const r = await rawRequest(server.port, Buffer.from(garbage, 'latin1'));
      assert.equal(r.status, 400, JSON.stringify(garbage));
      const next = await get('/api/run');
      assert.equal(next.status, 200);
      await next.arrayBuffer();
    }
  });

  test('two Host headers, or none in HTTP/1.1, are a 400 (RFC 9112 3.2)', async () => {
    for (const hosts of ['Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n', 'Host: 127.0.0.1\r\nHost: evil.example\r\n', 'host: 127.0.0.1\r\nHOST: 127.0.0.1\r\n', '']) {
      const r = await rawRequest(server.port, `GET /api/run HTTP/1.1\r\n${hosts}Connection: close\r\n\r\n`);
      assert.equal(r.status, 400, JSON.stringify(hosts));
      assert.ok(!r.body.includes('"config"'));
    }
    // HTTP/1.0 has no Host requirement.
    const old = await rawRequest(server.port, 'GET /api/run HTTP/1.0\r\n\r\n');
    assert.equal(old.status, 200);
  });

  test('oversized headers are a 431', async () => {
    const r = await rawRequest(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    assert.equal(r.status, 431);
  });

  test('a loopback server refuses other Host names (DNS rebinding)', async () => {
    const evil = await rawRequest(server.port, 'GET /api/run HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n');
    assert.equal(evil.status, 403);
    assert.ok(!evil.body.includes('"config"'));
    for (const host of ['localhost', `localhost:${server.port}`, `127.0.0.1:${server.port}`, '[::1]:1']) {
      const ok = await rawRequest(server.port, `GET /api/run HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.equal(ok.status, 200, host);
    }
  });
});
