/**
 * RUN/train.lock: one trainer per run folder. The file is created with O_EXCL (so of two
 * trainers starting together exactly one gets it) and holds the owner's pid and host. A lock
 * whose pid is not running on this host is stale (a trainer killed before it could remove it)
 * and is taken over with a note; any other lock refuses the second trainer. Used only by
 * run-folder.ts, which owns the run folder.
 */
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'train.lock';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to another user, so it is running.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(`${JSON.stringify(owner)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export class RunLock {
  private constructor(readonly path: string) {}

  /** Takes RUN/train.lock or throws a one-line error naming the lock and its owner. */
  static async acquire(runDir: string, onNote: (text: string) => void = () => undefined): Promise<RunLock> {
    const path = join(runDir, LOCK_FILE);
    const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    if (await createExclusive(path, me)) return new RunLock(path);
    const owner = await readOwner(path);
    if (owner == null) {
      throw new Error(`${path}: exists but is not a lock written by gqn train (expected {"pid", "host"}); remove it if no trainer uses ${runDir}`);
    }
    if (owner.host !== me.host) {
      throw new Error(`${path}: the run is locked by pid ${owner.pid} on host ${owner.host}, which cannot be checked from here; remove the lock if no trainer runs there`);
    }
    if (alive(owner.pid)) {
      throw new Error(`${path}: another trainer (pid ${owner.pid}, since ${owner.started}) is using this run; wait for it or stop it`);
    }
    // Stale. Move it aside rather than unlink it: if a racing trainer took over first, what we
    // moved is its live lock, which the check below detects and puts back.
    const aside = `${path}.stale-${process.pid}`;
    await rename(path, aside);
    const moved = await readOwner(aside);
    if (moved?.pid !== owner.pid || moved.started !== owner.started) {
      await link(aside, path).catch(() => undefined);
      await unlink(aside);
      throw new Error(`${path}: another trainer (pid ${moved?.pid}) took over the run's stale lock first`);
    }
    await unlink(aside);
    if (!(await createExclusive(path, me))) {
      throw new Error(`${path}: another trainer took the run's lock while a stale one (pid ${owner.pid}) was being removed`);
    }
    onNote(`${path}: took over a stale lock (pid ${owner.pid} on ${owner.host} is no longer running)`);
    return new RunLock(path);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    const owner = await readOwner(this.path);
    if (owner?.pid === process.pid && owner.host === hostname()) await unlink(this.path).catch(() => undefined);
  }
}
