/** Atomic file writes: write a temp file beside the target, sync it, rename it over the target. */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * An error naming the target, not the temp file Node's message would show (`open 'x.tmp-123'`
 * with ENOENT reads as if x were missing when its folder is).
 */
function writeError(e: unknown, path: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const folder = dirname(path);
  const reason = code === 'ENOENT' ? `the folder ${folder} does not exist`
    : code === 'EACCES' || code === 'EPERM' ? `permission denied for ${folder}`
      : code === 'EROFS' ? `${folder} is on a read-only file system`
        : code === 'ENOTDIR' ? `${folder} is not a folder`
          : code === 'EISDIR' ? `${path} is a folder`
            : code === 'ENOSPC' ? 'no space left on the device'
              : (e as Error).message;
  return new Error(`${path}: cannot write: ${reason}`, { cause: e });
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w').catch((e: unknown) => {
    throw writeError(e, path);
  });
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw writeError(e, path);
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw writeError(e, path);
  }
}
