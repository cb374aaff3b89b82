/**
 * tf.train.Example, the record payload of gqn-datasets, built with protobufjs's reflection API
 * from TensorFlow's tensorflow/core/example/{example,feature}.proto (proto3):
 *
 *   message BytesList { repeated bytes value = 1; }
 *   message FloatList { repeated float value = 1 [packed = true]; }
 *   message Int64List { repeated int64 value = 1 [packed = true]; }
 *   message Feature   { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                                    Int64List int64_list = 3; } }
 *   message Features  { map<string, Feature> feature = 1; }
 *   message Example   { Features features = 1; }
 *
 * A scene record has `frames` (K JPEG byte strings) and `cameras` (K*5 floats, rows of
 * x, y, z, yaw, pitch; radians). Our mazes records add `map` (one JPEG: the top-down map),
 * which readers of DeepMind's schema ignore.
 */
import protobuf from 'protobufjs';

const root = new protobuf.Root();
const pkg = root.define('tensorflow');
pkg.add(new protobuf.Type('BytesList').add(new protobuf.Field('value', 1, 'bytes', 'repeated')));
pkg.add(new protobuf.Type('FloatList').add(new protobuf.Field('value', 1, 'float', 'repeated', undefined, { packed: true })));
pkg.add(new protobuf.Type('Int64List').add(new protobuf.Field('value', 1, 'int64', 'repeated', undefined, { packed: true })));
pkg.add(
  new protobuf.Type('Feature')
    .add(new protobuf.Field('bytesList', 1, 'BytesList'))
    .add(new protobuf.Field('floatList', 2, 'FloatList'))
    .add(new protobuf.Field('int64List', 3, 'Int64List'))
    .add(new protobuf.OneOf('kind', ['bytesList', 'floatList', 'int64List'])),
);
pkg.add(new protobuf.Type('Features').add(new protobuf.MapField('feature', 1, 'string', 'Feature')));
pkg.add(new protobuf.Type('Example').add(new protobuf.Field('features', 1, 'Features')));
root.resolveAll();

const ExampleType = root.lookupType('tensorflow.Example');

/** One feature: exactly one of the three lists. */
export type Feature =
  | { kind: 'bytes'; value: Uint8Array[] }
  | { kind: 'float'; value: Float32Array }
  | { kind: 'int64'; value: bigint[] };

export type Features = Map<string, Feature>;

interface WireFeature {
  bytesList?: { value?: Uint8Array[] };
  floatList?: { value?: number[] };
  int64List?: { value?: (number | bigint | string | { toString(): string })[] };
}

/** Serializes features; keys are written in sorted order so equal inputs give equal bytes. */
export function encodeExample(features: Features): Uint8Array {
  const feature: Record<string, WireFeature> = {};
  for (const key of [...features.keys()].sort()) {
    const f = features.get(key)!;
    if (f.kind === 'bytes') feature[key] = { bytesList: { value: f.value } };
    else if (f.kind === 'float') feature[key] = { floatList: { value: Array.from(f.value) } };
    else feature[key] = { int64List: { value: f.value.map((v) => v.toString()) } };
  }
  const out = ExampleType.encode(ExampleType.fromObject({ features: { feature } })).finish();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // a plain view, not a Node Buffer
}

/** Parses a serialized Example (throws protobufjs's error on malformed bytes). */
export function decodeExample(bytes: Uint8Array): Features {
  const msg = ExampleType.decode(bytes);
  const obj = ExampleType.toObject(msg, { longs: String, oneofs: false }) as { features?: { feature?: Record<string, WireFeature> } };
  const out: Features = new Map();
  for (const [key, f] of Object.entries(obj.features?.feature ?? {})) {
    if (f.bytesList) out.set(key, { kind: 'bytes', value: (f.bytesList.value ?? []).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) });
    else if (f.floatList) out.set(key, { kind: 'float', value: Float32Array.from(f.floatList.value ?? []) });
    else if (f.int64List) out.set(key, { kind: 'int64', value: (f.int64List.value ?? []).map((v) => BigInt(String(v))) });
    // A Feature with no list set is legal protobuf; it carries nothing, so it is left out.
  }
  return out;
}

/** One scene as stored: K JPEG frames and K*5 camera floats, plus our optional extras. */
export interface SceneRecord {
  frames: Uint8Array[];
  /** K rows of (x, y, z, yaw, pitch), radians. */
  cameras: Float32Array;
  /** mazes only: the top-down map as one JPEG. */
  map?: Uint8Array;
}

export function encodeScene(scene: SceneRecord): Uint8Array {
  const features: Features = new Map();
  features.set('frames', { kind: 'bytes', value: scene.frames });
  features.set('cameras', { kind: 'float', value: scene.cameras });
  if (scene.map) features.set('map', { kind: 'bytes', value: [scene.map] });
  return encodeExample(features);
}

/** JPEG files start with SOI (FF D8) followed by another marker (FF xx). */
export function looksLikeJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Parses and checks a scene record. Throws a plain Error whose message is the reason; callers
 * that know the file and offset wrap it in a DataError.
 */
export function parseScene(bytes: Uint8Array): SceneRecord {
  let features: Features;
  try {
    features = decodeExample(bytes);
  } catch (e) {
    throw new Error(`not a tf.train.Example (${(e as Error).message})`, { cause: e });
  }
  const frames = features.get('frames');
  const cameras = features.get('cameras');
  if (!frames) throw new Error(`no 'frames' feature (has: ${[...features.keys()].join(', ') || 'none'})`);
  if (!cameras) throw new Error(`no 'cameras' feature (has: ${[...features.keys()].join(', ') || 'none'})`);
  if (frames.kind !== 'bytes') throw new Error(`'frames' is a ${frames.kind} list, expected bytes`);
  if (cameras.kind !== 'float') throw new Error(`'cameras' is a ${cameras.kind} list, expected float`);
  if (frames.value.length === 0) throw new Error(`'frames' is empty`);
  if (cameras.value.length !== 5 * frames.value.length) {
    throw new Error(`inconsistent counts: ${cameras.value.length} camera floats for ${frames.value.length} frames (expected ${5 * frames.value.length})`);
  }
  frames.value.forEach((f, k) => {
    if (!looksLikeJpeg(f)) throw new Error(`frame ${k} is not a JPEG (starts ${hexStart(f)})`);
  });
  const record: SceneRecord = { frames: frames.value, cameras: cameras.value };
  const map = features.get('map');
  if (map?.kind === 'bytes' && map.value.length === 1) {
    if (!looksLikeJpeg(map.value[0])) throw new Error(`map is not a JPEG (starts ${hexStart(map.value[0])})`);
    record.map = map.value[0];
  }
  return record;
}

function hexStart(b: Uint8Array): string {
  return b.length === 0 ? '(empty)' : Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
}
