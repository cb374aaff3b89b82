/** Finds a Python that can import torch (the PATH's python3, then Debian's), or null. */
import { spawnSync } from 'node:child_process';

export function pythonWithTorch(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return python;
  }
  return null;
}
