/**
 * The viewer page (index.html): a served model's GQN in the browser. Context views of a scene go
 * into r; a query camera the user steers gets the model's prediction beside the ray-traced truth,
 * more prior samples, their per-pixel spread, PSNR and the Bayesian surprise of the true view.
 * The server may offer several models (/api/models), one per world: choosing a world that has a
 * model loads that model (its weights and its dataset's settings); a world without one is shown
 * to the model in use, with a note that it was not trained on it.
 *
 * Work per camera change runs in a latest-wins loop: while the user drags, only the prediction
 * is computed for the newest camera; samples, uncertainty and surprise follow once the camera
 * rests. The truth is ray traced on the main thread: at 64x64 that is about a millisecond (the
 * timing line shows it), so a worker would cost more in copying than it saves.
 */
import * as tf from '@tensorflow/tfjs-core';

import { BROWSER_BACKENDS, type EngineInfo } from '../../engine/engine-options.js';
import { setupBrowserEngine } from '../../engine/setup-browser.js';
import { psnr } from '../../eval/image-metrics.js';
import { WORLD_NAMES, isWorldName, type Camera, type WorldName } from '../../scenes/index.js';
import { isSoftwareGl, webglRenderer } from './gl-renderer.js';
import { drawHeat, drawHeatLegend, drawRgb } from './image-canvas.js';
import { fetchModel, predictorFor, type PageModel } from './model.js';
import { benchPredictor, type ScenePredictor } from './predictor.js';
import { queryCameraFor, stepsAround, type ArrowKey, type QueryCamera } from './query-camera.js';
import { fetchModels, type ModelEntry } from './run-info.js';
import { cameraRow, makeSceneViews, truthView, viewpointOf, type SceneViews } from './scene-views.js';
import { pixelStd } from './uncertainty.js';
import { installHook, type ViewerState } from './viewer-hook.js';
import { WASM_PATHS } from './wasm-files.js';

/** Prior samples besides the prediction. */
const SAMPLES = 4;
/** The heat map's top: a std of 0.25 is already a pixel the samples disagree about wholesale. */
const STD_MAX = 0.25;
/** Noise seed of every draw the viewer makes (fixed, so the same camera gives the same images). */
const NOISE_SEED = 0;

const ORBIT_HELP = 'Drag a view to turn the scene, wheel to move nearer or back, arrow keys to step around.';
const WALK_HELP = 'Drag a view to look around, up/down arrows or the wheel to walk, left/right arrows to turn.';
const HELP = { ring: ORBIT_HELP, sphere: ORBIT_HELP, free: WALK_HELP, maze: WALK_HELP };

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viewer: no #${id} in the page`);
  return el as T;
};

/** A loaded model and the Predictor the viewer runs it through. */
interface InUse extends PageModel {
  predictor: ScenePredictor;
}

function use(loaded: PageModel): InUse {
  return { ...loaded, predictor: predictorFor(loaded.model, SAMPLES, NOISE_SEED) };
}

class Viewer {
  private views!: SceneViews;
  /** The model shown; replaced only between runs of the loop (see show). */
  private current: InUse;
  /** The model of each world that has one (the first listed, when two share a world). */
  private readonly worldModels = new Map<string, ModelEntry>();
  /** World changes run one after another: each may fetch a model. */
  private showing: Promise<void> | null = null;
  /** Keeps the loop from starting while the model is being swapped. */
  private holdLoop = false;
  private chosen: boolean[] = [];
  private query!: QueryCamera;
  private contextChanged = true;
  private dirty = false;
  private running = false;
  private waiters: (() => void)[] = [];
  private predictions = 0;
  private firstPredictionMs: number | null = null;
  private last: { camera: Camera; prediction: Float32Array; truth: Float32Array; psnr: number; surprise: number | null; truthMs: number; predictMs: number; samplesMs: number | null } | null = null;
  private error: string | null = null;
  private readonly sampleCanvases: HTMLCanvasElement[] = [];

  constructor(
    first: PageModel,
    readonly models: ModelEntry[],
    readonly engine: EngineInfo,
    readonly renderer: string | null,
  ) {
    this.current = use(first);
    for (const m of models) if (m.world != null && !this.worldModels.has(m.world)) this.worldModels.set(m.world, m);
    // A run without dataset.json (world null in the list) still offers the world its data folder names.
    const own = models.find((m) => m.name === first.run.name);
    if (own && !this.worldModels.has(first.dataset.world)) this.worldModels.set(first.dataset.world, own);
    this.drawModel();
  }

  get run() { return this.current.run; }
  get dataset() { return this.current.dataset; }
  get predictor() { return this.current.predictor; }
  get imageSize(): number {
    return this.current.model.config.imageSize;
  }

  /** The model offered for `world`, if any. */
  modelFor(world: string): ModelEntry | undefined {
    return this.worldModels.get(world);
  }

  /**
   * Shows scene `index` of `world`, first loading the world's own model when it has one and it is
   * not the model in use. Resolves once the switch is done (the scene's update then runs in the loop).
   */
  show(world: WorldName, index: number): Promise<void> {
    const next = (this.showing ?? Promise.resolve()).then(() => this.switchTo(world, index));
    this.showing = next;
    void next.finally(() => { if (this.showing === next) this.showing = null; });
    return next;
  }

  private async switchTo(world: WorldName, index: number): Promise<void> {
    const entry = this.modelFor(world);
    if (entry && entry.name !== this.run.name) {
      const status = $('status');
      status.className = 'status';
      status.textContent = `Loading model ${entry.name} (trained on ${world}, step ${entry.step ?? '?'})…`;
      let loaded: PageModel;
      try {
        loaded = await fetchModel(entry.run);
      } catch (e) {
        // Keep the model in use and its scene; the select goes back to the shown world.
        this.fail(e);
        if (this.views) ($('world') as HTMLSelectElement).value = this.views.world;
        return;
      }
      // The loop is the only user of the predictor: swap only while it is not running.
      this.holdLoop = true;
      try {
        while (this.running) await new Promise<void>((resolve) => this.waiters.push(resolve));
        const old = this.current;
        this.current = use(loaded);
        old.predictor.dispose();
        old.model.dispose();
        this.contextChanged = true;
      } finally {
        this.holdLoop = false;
      }
      this.drawModel();
      // A failed earlier switch is over once another model loads.
      this.error = null;
      status.textContent = '';
    }
    this.loadScene(world, index);
  }

  /** Header and curves link for the model in use; the world menu says which worlds have a model. */
  private drawModel(): void {
    const run = this.run;
    const soft = isSoftwareGl(this.renderer) ? ' (software GL: ?backend=wasm is faster here)' : '';
    // JUMP's predictor holds one sampled scene per context: say so, since that is what to look for.
    const jump = this.current.model.kind === 'jump';
    const held = jump ? ' · jump: one sampled scene, held while the camera moves' : '';
    $('run').textContent = `model ${run.name} · step ${run.step} · ${this.engine.backend}${soft}${held}`;
    $('surprise').title = jump
      ? 'KL[q(z | r_C, r_C + f(x, v)) || π(z | r_C)] of the scene latent: what seeing this view would tell the model about the scene'
      : 'KL[q(z | x, v, r) || π(z | v, r)] summed over the generation steps: what seeing this view would tell the model';
    $('run').title = this.renderer ?? '';
    ($('curves-link') as HTMLAnchorElement).href = `./curves.html?model=${encodeURIComponent(run.name)}`;
    const select = $('world') as HTMLSelectElement;
    const shown = select.value || this.dataset.world;
    select.replaceChildren(...WORLD_NAMES.map((w) => {
      const m = this.modelFor(w);
      return new Option(m ? `${w} · model ${m.name}` : w, w, w === shown, w === shown);
    }));
  }

  /** Builds a scene's context views; the query camera starts at its last view (held out of r). */
  loadScene(world: WorldName, index: number): void {
    this.views = makeSceneViews(this.dataset, world, index, this.imageSize);
    const k = this.views.cameras.length;
    this.chosen = this.views.cameras.map((_, i) => i < k - 1);
    this.query = queryCameraFor(this.views.scene, this.views.cameras[k - 1]);
    ($('world') as HTMLSelectElement).value = world;
    ($('scene') as HTMLInputElement).value = String(index);
    $('help').textContent = HELP[this.views.scene.camera.kind];
    const size = this.views.settings.size;
    $('dataset').textContent = `model ${this.run.name}: ${this.imageSize}x${this.imageSize}, trained on ${this.dataset.world}; views rendered at ${size}x${size}` +
      (world === this.dataset.world ? '' : ` (a ${world} scene: not what the model was trained on)`) +
      (this.current.guessed ? `; dataset settings not reported by the server: assumed ${this.dataset.world} defaults, seed ${this.dataset.seed}` : `, like its dataset (seed ${this.dataset.seed})`);
    this.drawContexts();
    this.contextChanged = true;
    this.request();
  }

  setContext(chosen: boolean[]): void {
    if (chosen.length !== this.chosen.length) throw new Error(`setContext: ${chosen.length} flags for ${this.chosen.length} views`);
    this.chosen = chosen.slice();
    this.drawContexts();
    this.contextChanged = true;
    this.request();
  }

  setCamera(camera: Camera): void {
    this.query.set(camera);
    this.request();
  }

  moved(): void {
    this.request();
  }

  get camera(): QueryCamera {
    return this.query;
  }

  /** Resolves when every requested update (a model switch included) has been drawn. */
  async settled(): Promise<void> {
    while (this.showing) await this.showing;
    if (!this.running && !this.dirty) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private request(): void {
    this.dirty = true;
    if (!this.running && !this.holdLoop) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        if (this.contextChanged) {
          this.contextChanged = false;
          const pick = <T>(xs: T[]) => xs.filter((_, i) => this.chosen[i]);
          this.predictor.setContext(pick(this.views.images), pick(this.views.viewpoints));
        }
        const camera = this.query.camera();
        const v = viewpointOf(camera);
        const t0 = performance.now();
        const truth = truthView(this.views, camera);
        const t1 = performance.now();
        const prediction = await this.predictor.predict(v);
        const t2 = performance.now();
        this.predictions++;
        this.last = { camera, prediction, truth, psnr: psnr(prediction, truth), surprise: null, truthMs: t1 - t0, predictMs: t2 - t1, samplesMs: null };
        this.drawQuery();
        if (this.firstPredictionMs == null) this.firstPredictionMs = performance.now();
        // Still moving: skip the slower half for a camera that is already stale.
        if (this.dirty) continue;
        const samples = await this.predictor.sample(v);
        const surprise = await this.predictor.surprise(v, truth);
        this.last.surprise = surprise;
        this.last.samplesMs = performance.now() - t2;
        this.drawSamples(samples, pixelStd([prediction, ...samples], this.imageSize));
        this.drawQuery();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.running = false;
      for (const w of this.waiters.splice(0)) w();
    }
  }

  fail(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    console.error(e);
    const status = $('status');
    status.textContent = `Error: ${this.error}`;
    status.className = 'status error';
  }

  private drawContexts(): void {
    const box = $('contexts');
    box.replaceChildren(...this.views.images.map((img, i) => {
      const c = document.createElement('canvas');
      drawRgb(c, img, this.imageSize);
      c.className = this.chosen[i] ? '' : 'off';
      c.title = `view ${i + 1}: ${this.chosen[i] ? 'in' : 'not in'} the context (click to toggle)`;
      c.dataset.view = String(i);
      c.addEventListener('click', () => {
        const next = this.chosen.slice();
        next[i] = !next[i];
        this.setContext(next);
      });
      return c;
    }));
  }

  private drawQuery(): void {
    const l = this.last!;
    const s = this.imageSize;
    drawRgb($('prediction'), l.prediction, s);
    drawRgb($('truth'), l.truth, s);
    $('psnr').textContent = `${l.psnr.toFixed(2)} dB`;
    $('surprise').textContent = l.surprise == null ? '…' : `${l.surprise.toFixed(2)} nats`;
    const [x, y, z, yaw, pitch] = cameraRow(l.camera);
    const deg = (a: number) => `${((a * 180) / Math.PI).toFixed(0)}°`;
    $('camera').textContent = `(${x.toFixed(2)}, ${y.toFixed(2)}, ${z.toFixed(2)}), yaw ${deg(yaw)}, pitch ${deg(pitch)}`;
    $('on-rig').textContent = this.query.inTraining() ? 'yes' : 'no (the model never saw such a camera)';
    $('timing').textContent = `truth ${l.truthMs.toFixed(1)} ms, prediction ${l.predictMs.toFixed(0)} ms${l.samplesMs == null ? '' : `, ${SAMPLES} samples + surprise ${l.samplesMs.toFixed(0)} ms`}`;
  }

  private drawSamples(samples: Float32Array[], std: Float32Array): void {
    const box = $('samples');
    while (this.sampleCanvases.length < samples.length) {
      const fig = document.createElement('figure');
      const c = document.createElement('canvas');
      c.className = 'view';
      const cap = document.createElement('figcaption');
      cap.textContent = `sample ${this.sampleCanvases.length + 1}`;
      fig.append(c, cap);
      box.append(fig);
      this.sampleCanvases.push(c);
    }
    samples.forEach((img, i) => drawRgb(this.sampleCanvases[i], img, this.imageSize));
    drawHeat($('uncertainty'), std, this.imageSize, STD_MAX);
  }

  state(): ViewerState {
    const l = this.last;
    return {
      backend: this.engine.backend,
      renderer: this.renderer,
      run: this.run.name,
      models: this.models.map((m) => ({ name: m.name, world: m.world })),
      step: this.run.step,
      world: this.views?.world,
      scene: this.views?.index,
      imageSize: this.imageSize,
      renderSize: this.views?.settings.size,
      views: this.views?.cameras.map(cameraRow) ?? [],
      context: this.chosen.slice(),
      camera: l ? cameraRow(l.camera) : null,
      onTrainingRig: this.query?.inTraining() ?? false,
      psnr: l?.psnr ?? null,
      surprise: l?.surprise ?? null,
      predictions: this.predictions,
      firstPredictionMs: this.firstPredictionMs,
      busy: this.running,
      tensors: tf.memory().numTensors,
      error: this.error,
    };
  }

  pixels(which: 'prediction' | 'truth'): number[] {
    const l = this.last;
    if (!l) throw new Error('no prediction yet');
    return Array.from(which === 'prediction' ? l.prediction : l.truth);
  }

  /** Times n predictions (and n surprise computations) at new cameras orbiting the current one. */
  async bench(n: number): Promise<{ predictionsPerSecond: number; surprisesPerSecond: number }> {
    await this.settled();
    const cameras = stepsAround(this.query, this.query.camera(), n);
    return benchPredictor(this.predictor, cameras.map(viewpointOf), this.last!.truth);
  }
}

/** `?backend=` of the URL, checked by the engine. */
function requestedBackend(): string | undefined {
  return new URLSearchParams(location.search).get('backend') ?? undefined;
}

function fillSelect(select: HTMLSelectElement, values: readonly string[], current: string): void {
  select.replaceChildren(...values.map((v) => new Option(v, v, v === current, v === current)));
}

function wireControls(viewer: Viewer): void {
  const world = $('world') as HTMLSelectElement;
  const scene = $('scene') as HTMLInputElement;
  const sceneIndex = () => Math.max(0, Math.floor(Number(scene.value) || 0));
  world.addEventListener('change', () => void viewer.show(world.value as WorldName, sceneIndex()));
  scene.addEventListener('change', () => void viewer.show(world.value as WorldName, sceneIndex()));
  $('new-scene').addEventListener('click', () => void viewer.show(world.value as WorldName, sceneIndex() + 1));

  // Drag either view; pointer capture keeps the drag alive outside the canvas.
  for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas.drag')) {
    let last: { x: number; y: number } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      last = { x: e.clientX, y: e.clientY };
      canvas.setPointerCapture(e.pointerId);
      $('prediction').focus();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!last) return;
      viewer.camera.drag(e.clientX - last.x, e.clientY - last.y);
      last = { x: e.clientX, y: e.clientY };
      viewer.moved();
    });
    const end = () => { last = null; };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      viewer.camera.wheel(Math.sign(e.deltaY));
      viewer.moved();
    }, { passive: false });
  }
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea')) return;
    if (!['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(e.key)) return;
    e.preventDefault();
    viewer.camera.key(e.key as ArrowKey);
    viewer.moved();
  });
}

async function start(): Promise<Viewer> {
  const status = $('status');
  const backend = requestedBackend();
  const backendSelect = $('backend') as HTMLSelectElement;
  fillSelect(backendSelect, BROWSER_BACKENDS, backend ?? '');
  backendSelect.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('backend', backendSelect.value);
    location.assign(url.href);
  });
  const [engine, models] = await Promise.all([setupBrowserEngine({ backend, wasmPaths: WASM_PATHS }), fetchModels()]);
  fillSelect(backendSelect, BROWSER_BACKENDS, engine.backend);
  const renderer = engine.backend === 'webgl' ? webglRenderer() : null;
  const params = new URLSearchParams(location.search);
  const asked = params.get('world');
  if (asked != null && !isWorldName(asked)) throw new Error(`?world=${asked}: expected one of ${WORLD_NAMES.join(', ')}`);
  // ?world= picks that world's model; otherwise (or when it has none) the default model.
  const entry = models.find((m) => asked != null && m.world === asked) ?? models.find((m) => m.default) ?? models[0];
  status.textContent = `Loading model ${entry.name} (step ${entry.step ?? '?'})…`;
  const viewer = new Viewer(await fetchModel(entry.run), models, engine, renderer);
  wireControls(viewer);
  drawHeatLegend($('legend'));
  $('legend-max').textContent = `0 – ${STD_MAX}`;
  viewer.loadScene(asked ?? viewer.dataset.world, Math.max(0, Math.floor(Number(params.get('scene') ?? 0) || 0)));
  await viewer.settled();
  status.textContent = '';
  return viewer;
}

const ready = start();
installHook(ready);
ready.catch((e: unknown) => {
  const status = document.getElementById('status');
  if (status) {
    status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
    status.className = 'status error';
  }
  console.error(e);
});

export type { Viewer };
