/**
 * TensorBoard scalar event files (events.out.tfevents.<time>.<host>): TFRecord-framed
 * tensorflow.Event protos, the first one carrying file_version "brain.Event:2", each of the
 * others one step's scalars as Summary values (tag, simple_value). Readable by `tensorboard
 * --logdir RUN/tensorboard` and by tbparse-like tools.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

import protobuf from 'protobufjs';

import { frameRecord } from '../data/tfrecord.js';

// tensorflow/core/util/event.proto and framework/summary.proto, the fields used here.
const root = new protobuf.Root();
const pkg = root.define('tensorflow');
pkg.add(new protobuf.Type('SummaryValue')
  .add(new protobuf.Field('tag', 1, 'string'))
  .add(new protobuf.Field('simpleValue', 2, 'float')));
pkg.add(new protobuf.Type('Summary').add(new protobuf.Field('value', 1, 'SummaryValue', 'repeated')));
pkg.add(new protobuf.Type('Event')
  .add(new protobuf.Field('wallTime', 1, 'double'))
  .add(new protobuf.Field('step', 2, 'int64'))
  .add(new protobuf.Field('fileVersion', 3, 'string'))
  .add(new protobuf.Field('summary', 5, 'Summary')));
root.resolveAll();
const EventType = root.lookupType('tensorflow.Event');

export function encodeEvent(event: { wallTime: number; step?: number; fileVersion?: string; scalars?: Record<string, number> }): Uint8Array {
  const message: Record<string, unknown> = { wallTime: event.wallTime, step: event.step ?? 0 };
  if (event.fileVersion) message.fileVersion = event.fileVersion;
  if (event.scalars) {
    message.summary = { value: Object.entries(event.scalars).map(([tag, simpleValue]) => ({ tag, simpleValue })) };
  }
  return EventType.encode(EventType.fromObject(message)).finish();
}

export function decodeEvent(bytes: Uint8Array): { wallTime: number; step: number; fileVersion?: string; scalars: Record<string, number> } {
  const e = EventType.toObject(EventType.decode(bytes), { longs: Number }) as {
    wallTime: number; step?: number; fileVersion?: string; summary?: { value?: { tag: string; simpleValue: number }[] };
  };
  const scalars: Record<string, number> = {};
  for (const v of e.summary?.value ?? []) scalars[v.tag] = v.simpleValue;
  return { wallTime: e.wallTime, step: e.step ?? 0, fileVersion: e.fileVersion, scalars };
}

/** Appends scalar events to a new event file in `dir` (one file per writer, as TensorFlow does). */
export class EventWriter {
  private constructor(readonly path: string) {}

  static async create(dir: string): Promise<EventWriter> {
    await mkdir(dir, { recursive: true });
    const now = Date.now() / 1000;
    const path = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}`);
    await writeFile(path, frameRecord(encodeEvent({ wallTime: now, fileVersion: 'brain.Event:2' })));
    return new EventWriter(path);
  }

  async scalars(step: number, values: Record<string, number>): Promise<void> {
    await appendFile(this.path, frameRecord(encodeEvent({ wallTime: Date.now() / 1000, step, scalars: values })));
  }
}
