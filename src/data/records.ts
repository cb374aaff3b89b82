/**
 * Scene records located in their files: parsing and JPEG decoding with errors that name the
 * file, record index and byte offset (DataError), used by the reader, verify and show.
 */
import { DataError, handleCorrupt, type CorruptPolicy } from './errors.js';
import { parseScene, type SceneRecord } from './example.js';
import { decodeJpeg, type RgbImage } from './jpeg.js';
import { readTFRecords } from './tfrecord.js';

export interface LocatedScene {
  file: string;
  /** Record index in the file (0-based). */
  index: number;
  /** Byte offset of the record in the file. */
  offset: number;
  record: SceneRecord;
}

/** Parsed scene records of one file, in order; bad records throw or are skipped per policy. */
export async function* readSceneRecords(file: string, policy: CorruptPolicy = {}): AsyncGenerator<LocatedScene> {
  for await (const raw of readTFRecords(file, policy)) {
    let record: SceneRecord;
    try {
      record = parseScene(raw.data);
    } catch (e) {
      handleCorrupt(new DataError(file, raw.index, raw.offset, (e as Error).message), policy);
      continue;
    }
    yield { file, index: raw.index, offset: raw.offset, record };
  }
}

export function viewCount(scene: LocatedScene): number {
  return scene.record.frames.length;
}

/** Decodes view k (throws a DataError for a JPEG that does not decode). */
export function decodeView(scene: LocatedScene, k: number): RgbImage {
  try {
    return decodeJpeg(scene.record.frames[k]);
  } catch (e) {
    throw new DataError(scene.file, scene.index, scene.offset, `frame ${k}: JPEG does not decode (${(e as Error).message})`);
  }
}

export function decodeMap(scene: LocatedScene): RgbImage | undefined {
  if (!scene.record.map) return undefined;
  try {
    return decodeJpeg(scene.record.map);
  } catch (e) {
    throw new DataError(scene.file, scene.index, scene.offset, `map: JPEG does not decode (${(e as Error).message})`);
  }
}

/** Camera row k as (x, y, z, yaw, pitch). */
export function cameraRow(scene: LocatedScene, k: number): [number, number, number, number, number] {
  const c = scene.record.cameras;
  return [c[5 * k], c[5 * k + 1], c[5 * k + 2], c[5 * k + 3], c[5 * k + 4]];
}
