/**
 * Builds the viewer with Vite when dist/web is missing or older than its sources, so that a fresh
 * clone's `npm start` works without a separate build step. Vite is a dev dependency, imported
 * only here and only when a build is needed: a server with a built app never loads it.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

import { PACKAGE_LOCK, REPO_ROOT, SOURCES, VITE_CONFIG } from './paths.js';

/** The newest file under `dir` that can reach the bundle (the CLI and this server cannot). */
async function newest(dir: string): Promise<{ path: string; mtimeMs: number } | null> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return null;
  }
  let best: { path: string; mtimeMs: number } | null = null;
  for (const e of entries) {
    const path = join(e.parentPath, e.name);
    if (!e.isFile() || path.startsWith(join(dir, 'cli', sep)) || path.startsWith(join(dir, 'web', 'server', sep))) continue;
    const { mtimeMs } = await stat(path);
    if (!best || mtimeMs > best.mtimeMs) best = { path, mtimeMs };
  }
  return best;
}

/** Why the app in `appDir` needs building (missing, or older than a source), or null when it is up to date. */
export async function buildReason(appDir: string): Promise<string | null> {
  const index = join(appDir, 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = (await stat(index)).mtimeMs;
  const candidates = [await newest(SOURCES)];
  for (const path of [VITE_CONFIG, PACKAGE_LOCK]) if (existsSync(path)) candidates.push({ path, mtimeMs: (await stat(path)).mtimeMs });
  const changed = candidates.find((c) => c != null && c.mtimeMs > built);
  return changed ? `${relative(REPO_ROOT, changed.path)} is newer than ${relative(REPO_ROOT, index)}` : null;
}

/**
 * Runs `vite build` with the repository's vite.config.ts into `appDir` (the config's own outDir
 * for the default app folder); `log` gets one line saying so.
 */
export async function buildApp(appDir: string, reason: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(VITE_CONFIG)) throw new Error(`${reason} and ${VITE_CONFIG} does not exist, so the viewer cannot be built`);
  log(`gqn serve: building the viewer with vite (${reason})`);
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (e) {
    throw new Error(`cannot load vite to build the viewer (${(e as Error).message}); run npm ci, or npm run build:web where vite is installed`, { cause: e });
  }
  // Vite's progress lines would break the one-line stdout contract: warnings and errors only.
  await vite.build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true } });
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new Error(`vite build finished but ${join(appDir, 'index.html')} is not there; check build.outDir in ${VITE_CONFIG}`);
  }
}
