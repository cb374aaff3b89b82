/**
 * Node-only: single-thread render speed per world, as CPU milliseconds per view (the figure to
 * compare: on a shared machine the wall clock counts time the thread spent waiting for a core).
 *
 *   npx tsx src/scenes/tools/speed.ts [seconds per case=2] [world...] [--aa | --no-aa]
 *
 * Each case renders a fixed set of views (50 scenes x 10 cameras, prepared up front so only
 * rendering is timed) over and over in batches; a batch's CPU time is process.cpuUsage() (user +
 * system) around it. Reports the fastest batch (least disturbed by other processes) and the
 * median, plus wall-clock views/s for reference. Without a flag both no-AA and 2x2 AA run.
 */
import { Rng } from '../../random/rng.js';
import { getWorld, renderView, WORLD_NAMES, type Camera, type SceneGraph } from '../index.js';

interface Result { size: number; views: number; cpuMsMin: number; cpuMsMedian: number; viewsPerSecWall: number }

function measure(world: string, antialias: boolean, seconds: number): Result {
  const w = getWorld(world);
  const s = w.defaultSize;
  const jobs: { scene: SceneGraph; cam: Camera }[] = [];
  for (let i = 0; i < 50; i++) {
    const scene = w.generate(Rng.from('speed', world, i));
    const rng = Rng.from('speed', world, 'cam', i);
    for (let v = 0; v < 10; v++) jobs.push({ scene, cam: w.sampleCamera(scene, rng) });
  }
  // Warm up the JIT (and compile every scene) before timing.
  for (let k = 0; k < jobs.length; k++) renderView(jobs[k].scene, jobs[k].cam, s, { antialias });
  // Batches of about 1/8 of the budget (at least 20 views) so there are several to compare.
  const t = performance.now();
  for (let k = 0; k < 20; k++) renderView(jobs[k].scene, jobs[k].cam, s, { antialias });
  const perView = Math.max(1e-3, (performance.now() - t) / 20);
  const batch = Math.max(20, Math.min(jobs.length, Math.round((seconds * 1000) / 8 / perView)));
  const perViewCpu: number[] = [];
  let views = 0, k = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || perViewCpu.length < 3) {
    const c0 = process.cpuUsage();
    for (let n = 0; n < batch; n++, k++) {
      const j = jobs[k % jobs.length];
      renderView(j.scene, j.cam, s, { antialias });
    }
    const cpu = process.cpuUsage(c0);
    perViewCpu.push((cpu.user + cpu.system) / 1000 / batch);
    views += batch;
  }
  const wall = (performance.now() - t0) / 1000;
  perViewCpu.sort((a, b) => a - b);
  return {
    size: s, views, cpuMsMin: perViewCpu[0], cpuMsMedian: perViewCpu[perViewCpu.length >> 1], viewsPerSecWall: views / wall,
  };
}

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const rest = args.filter((a) => !a.startsWith('--'));
const secs = rest.length > 0 && !Number.isNaN(Number(rest[0])) ? Number(rest.shift()) : 2;
const aaCases = flags.includes('--aa') ? [true] : flags.includes('--no-aa') ? [false] : [false, true];
console.log('world                  size   mode     CPU ms/view (min / median)   views/s wall');
for (const world of rest.length > 0 ? rest : WORLD_NAMES) {
  for (const aa of aaCases) {
    const r = measure(world, aa, secs);
    console.log(
      `${world.padEnd(22)} ${`${r.size}x${r.size}`.padEnd(6)} ${aa ? 'AA 2x2' : 'no AA '}   ${r.cpuMsMin.toFixed(3).padStart(7)} / ${r.cpuMsMedian.toFixed(3).padStart(7)}` +
      `              ${r.viewsPerSecWall.toFixed(0).padStart(6)}`,
    );
  }
}
