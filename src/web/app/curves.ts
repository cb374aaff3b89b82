/**
 * The curves page (curves.html): -ELBO, NLL, KL, sigma and the learning rate against the step,
 * from the run's metrics.jsonl, refreshed every few seconds while the run trains. The file only
 * grows (a resume truncates it to its checkpoint first), so each refresh asks for the bytes after
 * the ones already read; a shorter file starts the read over.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { fetchRun } from './run-info.js';

const REFRESH_MS = 5000;

/** One line of metrics.jsonl (the trainer's Metrics). */
interface MetricLine { step: number; elbo: number; nll: number; kl: number; sigma: number; lr: number }

const CHARTS: { title: string; series: { key: keyof MetricLine; label: string; colour: string }[]; exponent?: boolean }[] = [
  { title: '-ELBO and NLL (nats per image)', series: [{ key: 'elbo', label: '-ELBO', colour: '#2456a6' }, { key: 'nll', label: 'NLL', colour: '#d4782c' }] },
  { title: 'KL (nats per image)', series: [{ key: 'kl', label: 'KL', colour: '#7a3fa0' }] },
  { title: 'sigma (observation noise)', series: [{ key: 'sigma', label: 'sigma', colour: '#3a8a4f' }] },
  { title: 'learning rate', series: [{ key: 'lr', label: 'lr', colour: '#a3211b' }], exponent: true },
];

declare global {
  interface Window {
    /** For browser tests: the points plotted so far. */
    gqnCurves?: { points(): number; refreshed: Promise<void> };
  }
}

class MetricsFeed {
  private offset = 0;
  private partial = '';
  readonly lines: MetricLine[] = [];

  constructor(private readonly url: string) {}

  /** Reads what was appended since the last call; true when something changed. */
  async refresh(): Promise<boolean> {
    const res = await fetch(this.url, { cache: 'no-store', headers: this.offset > 0 ? { Range: `bytes=${this.offset}-` } : {} });
    if (res.status === 416) {
      // Nothing new, or the file got shorter (a resumed run): start over next time if so.
      const size = Number(/\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1]);
      if (Number.isFinite(size) && size < this.offset) this.reset();
      return false;
    }
    if (res.status === 404) return false;
    if (!res.ok) throw new Error(`${this.url}: HTTP ${res.status} ${res.statusText}`);
    if (res.status === 200) this.reset();
    const text = await res.text();
    this.offset += new TextEncoder().encode(text).length;
    const chunks = (this.partial + text).split('\n');
    this.partial = chunks.pop() ?? '';
    for (const line of chunks) {
      if (!line.trim()) continue;
      const m = JSON.parse(line) as Partial<MetricLine>;
      // Only training lines: they carry the step and the ELBO terms.
      if (typeof m.step === 'number' && typeof m.elbo === 'number') this.lines.push(m as MetricLine);
    }
    return chunks.length > 0 || res.status === 200;
  }

  private reset(): void {
    this.offset = 0;
    this.partial = '';
    this.lines.length = 0;
  }
}

function makeChart(box: HTMLElement, spec: (typeof CHARTS)[number]): uPlot {
  const div = document.createElement('div');
  div.className = 'chart';
  box.append(div);
  const width = Math.max(320, div.clientWidth - 16);
  return new uPlot({
    title: spec.title,
    width,
    height: 260,
    scales: { x: { time: false } },
    // Learning rates differ in the third digit: plain labels would all read 0.001.
    axes: [{ label: 'step' }, spec.exponent ? { size: 70, values: (_u: uPlot, ticks: number[]) => ticks.map((t) => t.toExponential(2)) } : { size: 60 }],
    series: [{ label: 'step' }, ...spec.series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5 }))],
  }, [[], ...spec.series.map(() => [])], div);
}

let feed: MetricsFeed | null = null;
let firstRefresh!: () => void;
// Set at once so a test can wait on it whatever happens next; it resolves after the first read (or error).
window.gqnCurves = { points: () => feed?.lines.length ?? 0, refreshed: new Promise<void>((resolve) => { firstRefresh = resolve; }) };

async function start(): Promise<void> {
  const status = document.getElementById('status')!;
  // ?model=NAME (the viewer links the model in use): that model's curve; else the default model's.
  const name = new URLSearchParams(location.search).get('model');
  const run = await fetchRun(name == null ? '/api/run' : `/api/models/${encodeURIComponent(name)}`);
  document.getElementById('run')!.textContent = `${run.name} · checkpoint step ${run.step}`;
  const metrics = new MetricsFeed(run.metrics);
  feed = metrics;
  const box = document.getElementById('charts')!;
  const charts = CHARTS.map((spec) => makeChart(box, spec));
  const update = async () => {
    if (!(await metrics.refresh())) return;
    const steps = metrics.lines.map((m) => m.step);
    CHARTS.forEach((spec, i) => charts[i].setData([steps, ...spec.series.map((s) => metrics.lines.map((m) => m[s.key]))]));
    const last = metrics.lines[metrics.lines.length - 1];
    status.textContent = last
      ? `${metrics.lines.length} points, last at step ${last.step}: -ELBO ${last.elbo.toFixed(1)}, KL ${last.kl.toFixed(2)}; refreshed every ${REFRESH_MS / 1000} s`
      : 'No metrics yet.';
  };
  const tick = async () => {
    try {
      await update();
    } catch (e) {
      status.textContent = `Error: ${(e as Error).message}`;
      status.className = 'status error';
    }
    firstRefresh();
    setTimeout(tick, REFRESH_MS);
  };
  await tick();
  window.addEventListener('resize', () => {
    for (const c of charts) c.setSize({ width: Math.max(320, (c.root.parentElement?.clientWidth ?? 336) - 16), height: 260 });
  });
}

start().catch((e: unknown) => {
  firstRefresh();
  const status = document.getElementById('status')!;
  status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
  status.className = 'status error';
});
