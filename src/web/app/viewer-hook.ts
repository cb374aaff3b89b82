/**
 * `window.gqnViewer`: a small handle for browser tests and the viewer benchmark, so they ask the
 * page what it computed instead of scraping canvases. Values are plain JSON (Playwright copies
 * them out of the page).
 */
import type { Camera, WorldName } from '../../scenes/index.js';
import type { Viewer } from './viewer.js';

export interface ViewerState {
  backend: string;
  /** The GL implementation behind webgl (null on other backends). */
  renderer: string | null;
  /** The model in use (its folder name) and the models the server offers. */
  run: string;
  models: { name: string; world: string | null }[];
  step: number;
  world: WorldName | undefined;
  scene: number | undefined;
  /** The model's image side, and the side views are ray traced at before downscaling. */
  imageSize: number;
  renderSize: number | undefined;
  /** The scene's dataset cameras, rows of (x, y, z, yaw, pitch). */
  views: number[][];
  /** Which views are in r. */
  context: boolean[];
  /** The query camera of the shown prediction. */
  camera: number[] | null;
  onTrainingRig: boolean;
  psnr: number | null;
  /** KL of the true view in nats; null until computed for the current camera. */
  surprise: number | null;
  /** Predictions drawn so far. */
  predictions: number;
  /** performance.now() when the first prediction was drawn (ms since navigation). */
  firstPredictionMs: number | null;
  busy: boolean;
  /** Live tensors on the backend: flat while the camera moves, or the page leaks. */
  tensors: number;
  error: string | null;
}

export interface ViewerHook {
  /** Resolves when the model is loaded and the first view is fully drawn; rejects with the error shown. */
  ready: Promise<void>;
  state(): ViewerState;
  /** Each resolves once everything the change asked for is drawn; setScene loads the world's model first when it has one. */
  setCamera(camera: Camera): Promise<void>;
  setScene(world: WorldName, index: number): Promise<void>;
  setContext(chosen: boolean[]): Promise<void>;
  settled(): Promise<void>;
  /** HWC floats in [0, 1] of the shown prediction and truth. */
  predictionPixels(): number[];
  truthPixels(): number[];
  psnr(): number | null;
  bench(n: number): Promise<{ predictionsPerSecond: number; surprisesPerSecond: number }>;
}

declare global {
  interface Window {
    gqnViewer?: ViewerHook;
  }
}

export function installHook(viewer: Promise<Viewer>): void {
  const use = async <T>(f: (v: Viewer) => T | Promise<T>): Promise<T> => f(await viewer);
  let current: Viewer | null = null;
  void viewer.then((v) => { current = v; }, () => undefined);
  const now = () => {
    if (!current) throw new Error('gqnViewer: not ready yet (await gqnViewer.ready)');
    return current;
  };
  const ready = viewer.then(() => undefined);
  // The page shows the error itself; this only keeps the console free of a second report.
  ready.catch(() => undefined);
  window.gqnViewer = {
    ready,
    state: () => now().state(),
    setCamera: (camera) => use((v) => { v.setCamera(camera); return v.settled(); }),
    setScene: (world, index) => use(async (v) => { await v.show(world, index); return v.settled(); }),
    setContext: (chosen) => use((v) => { v.setContext(chosen); return v.settled(); }),
    settled: () => use((v) => v.settled()),
    predictionPixels: () => now().pixels('prediction'),
    truthPixels: () => now().pixels('truth'),
    psnr: () => now().state().psnr,
    bench: (n) => use((v) => v.bench(n)),
  };
}
