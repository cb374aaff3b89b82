/**
 * tf.train.Example: round trip, and decoding bytes assembled by hand from the protobuf wire
 * format spec (so this checks compatibility with what TensorFlow writes, not only that our
 * encoder and decoder agree).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decodeExample, encodeExample, encodeScene, parseScene, type Features } from '../../src/data/example.js';
import { encodeJpeg } from '../../src/data/jpeg.js';

// --- protobuf wire format, by hand (https://protobuf.dev/programming-guides/encoding/) ---
function varint(n: number): number[] {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
/** Length-delimited field (wire type 2). */
const ld = (field: number, payload: number[]) => [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
const f32 = (xs: number[]) => [...new Uint8Array(Float32Array.from(xs).buffer)];
const str = (s: string) => [...new TextEncoder().encode(s)];

/** Features map entry: key = 1, value = 2. */
const entry = (key: string, feature: number[]) => ld(1, [...ld(1, str(key)), ...ld(2, feature)]);
const bytesFeature = (values: number[][]) => ld(1, values.flatMap((v) => ld(1, v)));
const packedFloatFeature = (xs: number[]) => ld(2, ld(1, f32(xs)));
/** Unpacked repeated float: one fixed32 field (wire type 5) per value, as proto2 writers may emit. */
const unpackedFloatFeature = (xs: number[]) => ld(2, xs.flatMap((x) => [(1 << 3) | 5, ...f32([x])]));
const int64Feature = (xs: number[]) => ld(3, ld(1, xs.flatMap(varint)));
const example = (entries: number[][]) => Uint8Array.from(ld(1, entries.flat()));

test('decodes a hand-assembled Example with bytes, packed float, unpacked float and int64 lists', () => {
  const bytes = example([
    entry('frames', bytesFeature([[1, 2, 3], [], [255]])),
    entry('cameras', packedFloatFeature([1.5, -2, 0.25, 3, 4])),
    entry('loose', unpackedFloatFeature([7, 8])),
    entry('ids', int64Feature([0, 1, 300, 2 ** 40])),
  ]);
  const f = decodeExample(bytes);
  assert.deepEqual([...f.keys()].sort(), ['cameras', 'frames', 'ids', 'loose']);
  assert.deepEqual(f.get('frames'), { kind: 'bytes', value: [Uint8Array.from([1, 2, 3]), new Uint8Array(0), Uint8Array.from([255])] });
  assert.deepEqual(f.get('cameras'), { kind: 'float', value: Float32Array.from([1.5, -2, 0.25, 3, 4]) });
  assert.deepEqual(f.get('loose'), { kind: 'float', value: Float32Array.from([7, 8]) });
  assert.deepEqual(f.get('ids'), { kind: 'int64', value: [0n, 1n, 300n, 2n ** 40n] });
});

test('our encoding is the canonical wire format (sorted keys, packed floats)', () => {
  const features: Features = new Map([
    ['frames', { kind: 'bytes', value: [Uint8Array.from([1, 2]), Uint8Array.from([3])] }],
    ['cameras', { kind: 'float', value: Float32Array.from([0.5, 1, 2, 3, 4]) }],
  ]);
  const expected = example([entry('cameras', packedFloatFeature([0.5, 1, 2, 3, 4])), entry('frames', bytesFeature([[1, 2], [3]]))]);
  assert.deepEqual(encodeExample(features), expected);
});

test('round trip of all three list kinds', () => {
  const features: Features = new Map<string, Features extends Map<string, infer F> ? F : never>([
    ['b', { kind: 'bytes', value: [Uint8Array.from([0, 255, 7])] }],
    ['f', { kind: 'float', value: Float32Array.from([Math.PI, -0, 1e-30, 3.4e38]) }],
    ['i', { kind: 'int64', value: [-1n, 0n, 2n ** 62n] }],
  ]);
  assert.deepEqual(decodeExample(encodeExample(features)), features);
});

const jpeg = () => encodeJpeg(new Uint8Array(8 * 8 * 3).fill(128), 8, 8, 90);

test('scene records: frames and cameras (and the mazes map) survive a round trip', () => {
  const frames = [jpeg(), jpeg()];
  const cameras = Float32Array.from([1, 2, 3, 0.5, -0.25, 4, 5, 6, -1, 0.1]);
  const back = parseScene(encodeScene({ frames, cameras, map: frames[0] }));
  assert.deepEqual(back.frames, frames);
  assert.deepEqual(back.cameras, cameras);
  assert.deepEqual(back.map, frames[0]);
});

test('a record shaped like DeepMind\'s (only frames and cameras, packed floats) parses', () => {
  const j = [...jpeg()];
  const bytes = example([entry('frames', bytesFeature([j, j, j])), entry('cameras', packedFloatFeature(Array.from({ length: 15 }, (_, i) => i / 10)))]);
  const scene = parseScene(bytes);
  assert.equal(scene.frames.length, 3);
  assert.equal(scene.cameras.length, 15);
  assert.equal(scene.map, undefined);
});

test('parseScene names what is wrong', () => {
  const j = [...jpeg()];
  const cases: [number[][], RegExp][] = [
    [[entry('cameras', packedFloatFeature([1, 2, 3, 4, 5]))], /no 'frames'/],
    [[entry('frames', bytesFeature([j]))], /no 'cameras'/],
    [[entry('frames', bytesFeature([j, j])), entry('cameras', packedFloatFeature([1, 2, 3, 4, 5]))], /5 camera floats for 2 frames/],
    [[entry('frames', bytesFeature([[0x89, 0x50, 0x4e, 0x47]])), entry('cameras', packedFloatFeature([1, 2, 3, 4, 5]))], /frame 0 is not a JPEG \(starts 89 50 4e 47\)/],
    [[entry('frames', packedFloatFeature([1])), entry('cameras', packedFloatFeature([1, 2, 3, 4, 5]))], /'frames' is a float list/],
  ];
  for (const [entries, re] of cases) assert.throws(() => parseScene(example(entries)), re);
  assert.throws(() => parseScene(Uint8Array.from([0x0a, 0xff, 0x01])), /not a tf.train.Example/);
});
