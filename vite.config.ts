/**
 * The browser viewer (src/web/app, docs/viewer.md): two pages, built to dist/web/ for `gqn serve`.
 * The guard plugin fails the build when any of our modules imports Node-only code, so a stray
 * import of the Node engine set-up, the torch addon or node:fs cannot slip into the bundle.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SRC = here('./src/');
// Our Node-only modules and packages (the union `@tensorflow/tfjs` is only there for Node's gradients).
const NODE_ONLY = [/\/src\/engine\/setup\.ts$/, /\/src\/engine\/wasm-node\.ts$/, /\/src\/engine\/torch\//, /\/src\/cli\//, /\/src\/train\/(checkpoint|safetensors|trainer)\.ts$/];
const NODE_PACKAGES = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-node', 'pngjs', 'commander', 'cli-progress']);
const BUILTINS = new Set(builtinModules);

function browserOnly(): Plugin {
  return {
    name: 'gqn-browser-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer == null || !importer.startsWith(SRC)) return null;
      const bare = source.startsWith('node:') ? source.slice(5) : source;
      if (source.startsWith('node:') || BUILTINS.has(bare) || NODE_PACKAGES.has(source)) {
        this.error(`${importer} imports the Node-only module '${source}', which must not reach the browser bundle`);
      }
      return null;
    },
    load(id) {
      if (NODE_ONLY.some((re) => re.test(id))) this.error(`${id} is Node-only and must not reach the browser bundle`);
      return null;
    },
  };
}

export default defineConfig({
  root: here('./src/web/app/'),
  base: '/',
  publicDir: false,
  plugins: [browserOnly()],
  build: {
    outDir: here('./dist/web/'),
    emptyOutDir: true,
    target: 'es2022',
    // The models and the ray tracer are ~1 MB before minification; that is expected here.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { index: here('./src/web/app/index.html'), curves: here('./src/web/app/curves.html') },
    },
  },
});
