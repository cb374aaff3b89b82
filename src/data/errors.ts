/**
 * The one error type for bad dataset files. Its message always names the file, the record index
 * (0-based, counting every record the framing found, good or bad) and the byte offset of the
 * record's start, so a user can find the spot with `xxd -s OFFSET`.
 */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly record: number,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file}: record ${record} at byte ${offset}: ${reason}`);
    this.name = 'DataError';
  }
}

/**
 * What to do with corrupt records: throw the DataError (the default), or, with `skipCorrupt`,
 * pass it to `onCorrupt` (for counting/logging) and carry on with the next readable record.
 */
export interface CorruptPolicy {
  skipCorrupt?: boolean;
  onCorrupt?: (error: DataError) => void;
}

/** Throws `error` unless the policy skips corrupt records, in which case it is reported. */
export function handleCorrupt(error: DataError, policy: CorruptPolicy): void {
  if (!policy.skipCorrupt) throw error;
  policy.onCorrupt?.(error);
}
