/** Fixed places in the checkout that `gqn serve` uses: the built viewer, its Vite config, the committed models. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where `vite build` (vite.config.ts) writes the viewer. */
export const DEFAULT_APP_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
export const VITE_CONFIG = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url));
/** The viewer's sources (the app imports models, scenes and engine code from all of src/). */
export const SOURCES = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGE_LOCK = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));
/** The committed models: `gqn serve` without a run folder serves every folder in it. */
export const MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));
/** The committed default model, served first (same layout as a run). */
export const DEFAULT_RUN_DIR = fileURLToPath(new URL('../../../models/default/', import.meta.url));
