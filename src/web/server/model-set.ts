/**
 * The models one server shows: run folders by name. The name is the folder's base name and is
 * what the per-model routes take (/api/models/NAME, /models/NAME/...); a request's name is only
 * ever looked up in this fixed set, never joined into a path. The first model is the default,
 * the one /api/run and /run/* serve (the routes of a single-run server, kept for old links).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { ModelEntry } from '../app/run-info.js';
import { RunFileError, RunFiles } from './run-files.js';

/** Plain file-name characters, no leading dot: safe in a URL path segment as is. */
const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** One row of /api/models: the page's own type (src/web/app/run-info.ts), so both sides agree. */
export type { ModelEntry } from '../app/run-info.js';

export class ModelSet {
  private readonly byName: Map<string, RunFiles>;

  private constructor(readonly models: RunFiles[]) {
    this.byName = new Map(models.map((m) => [m.name, m]));
  }

  /** Opens every run folder (config.json checked); names must be distinct and URL-safe. */
  static async open(dirs: string[]): Promise<ModelSet> {
    if (dirs.length === 0) throw new Error('no run folder to serve: expected at least one');
    const models = await Promise.all(dirs.map((d) => RunFiles.open(d)));
    const seen = new Map<string, string>();
    models.forEach((m, i) => {
      if (!MODEL_NAME.test(m.name)) {
        throw new Error(`run folder ${dirs[i]}: its name ${JSON.stringify(m.name)} names the model in URLs; expected letters, digits, '.', '_' or '-' (not starting with '.' or '-')`);
      }
      const other = seen.get(m.name);
      if (other != null) throw new Error(`run folders ${other} and ${dirs[i]} have the same name ${m.name}; the viewer tells models apart by folder name`);
      seen.set(m.name, dirs[i]);
    });
    return new ModelSet(models);
  }

  get first(): RunFiles {
    return this.models[0];
  }

  /** The model named `name`, or null: the name is compared with the set, never used as a path. */
  get(name: string): RunFiles | null {
    return this.byName.get(name) ?? null;
  }

  async list(): Promise<ModelEntry[]> {
    return Promise.all(this.models.map(async (m, i): Promise<ModelEntry> => {
      const base = { name: m.name, world: await m.world(), default: i === 0, run: `/api/models/${m.name}` };
      try {
        const latest = await m.latest();
        return { ...base, step: latest?.step ?? null, checkpoint: latest?.checkpoint ?? null };
      } catch (e) {
        // One broken run folder must not hide the others from the page.
        if (e instanceof RunFileError) return { ...base, step: null, checkpoint: null, error: e.message };
        throw e;
      }
    }));
  }
}

/**
 * The model folders in `dir` (models/ of the checkout): every sub-folder, `default` first and
 * the rest by name. Files beside them (a README) are left out; a sub-folder that is not a run
 * folder is an error when ModelSet.open reads its config.json.
 */
export async function modelFolders(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch (e) {
    throw new Error(`model folder ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message}; pass run folders: gqn serve RUN [RUN...]`, { cause: e });
  }
  const folders: string[] = [];
  for (const n of names.sort()) if ((await stat(join(dir, n))).isDirectory()) folders.push(n);
  if (folders.length === 0) throw new Error(`model folder ${dir}: no model in it (expected run folders such as ${join(dir, 'default')}); pass run folders: gqn serve RUN [RUN...]`);
  folders.sort((a, b) => Number(b === 'default') - Number(a === 'default'));
  return folders.map((n) => join(dir, n));
}
