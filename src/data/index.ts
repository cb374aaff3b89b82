/**
 * Datasets in DeepMind's gqn-datasets format (TFRecord files of tf.train.Example scenes):
 * generating them from gqn's worlds, reading them (ours or DeepMind's) as training batches,
 * verifying and viewing them. Node-only (files, worker threads). See docs/data-format.md.
 */
export { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from './crc32c.js';
export { DataError, type CorruptPolicy } from './errors.js';
export { decodeExample, encodeExample, encodeScene, parseScene, type Feature, type Features, type SceneRecord } from './example.js';
export { decodeJpeg, encodeJpeg, type RgbImage } from './jpeg.js';
export { frameRecord, frameRecords, readTFRecords, TFRecordFileWriter, type RawRecord } from './tfrecord.js';
export { findDatasets, listShards, shardFileName, SPLITS, type Split } from './layout.js';
export { readManifest, FORMAT_VERSION, type DatasetSettings, type Manifest, type ShardEntry } from './manifest.js';
export { readSceneRecords, decodeView, decodeMap, cameraRow, type LocatedScene } from './records.js';
export {
  generateDataset,
  splitCounts,
  DEFAULT_QUALITY,
  DEFAULT_RECORDS_PER_FILE,
  DEFAULT_TEST_FRACTION,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateSummary,
} from './generate.js';
export type { SceneSource, SceneSourceModule } from './source.js';
export { encodeViewpoint } from './viewpoint.js';
export { batches, type Batch, type ReaderOptions, type ReaderState, type Shaped } from './reader.js';
export { openReader, type DatasetReader, type OpenReaderOptions } from './prefetch.js';
export { verifyDataset, formatReport, type DatasetReport, type SplitReport } from './verify.js';
export { contactSheet, type ContactSheetOptions } from './contact-sheet.js';
