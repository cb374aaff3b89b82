/**
 * Creating output folders with errors that say what went wrong and where. Node's recursive
 * mkdir retries forever when the file system answers ENOENT for a parent that exists (/proc,
 * /sys), and its EACCES/EROFS messages do not say which flag the path came from.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** One line: `label` (the flag and its value, e.g. `--out DIR`), then what failed where. */
export function fsError(e: unknown, label: string): Error {
  const err = e as NodeJS.ErrnoException;
  const at = err.path ?? '';
  const reason = err.code === 'EACCES' || err.code === 'EPERM' ? `permission denied for ${at}`
    : err.code === 'EROFS' ? `${at} is on a read-only file system`
      : err.code === 'ENOTDIR' ? `${at}: a file is in the way of a folder`
        : err.code === 'ENOSPC' ? `no space left on the device of ${at}`
          : err.message;
  return new Error(`${label}: ${reason}`, { cause: e });
}

/**
 * Creates `dir` and its missing parents one by one, refusing (never looping) when it cannot.
 * `label` names where the path came from in every message: `--out DIR`.
 */
export async function ensureDir(dir: string, label: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if (!(await stat(at)).isDirectory()) throw new Error(`${label}: ${at} is a file, not a folder`);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file further up; walking on finds it and names it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw code ? fsError(e, label) : e;
      if (dirname(at) === at) break;
      missing.push(at);
    }
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // ENOENT although the parent exists: a pseudo file system (/proc) that takes no folders.
      if (code === 'ENOENT') throw new Error(`${label}: cannot create ${d}: ${dirname(d)} does not accept new folders`, { cause: e });
      throw fsError(e, label);
    }
  }
}
