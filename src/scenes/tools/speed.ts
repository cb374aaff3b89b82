/**
 * Node-only: single-thread render speed, views per second, per world.
 *   npx tsx src/scenes/tools/speed.ts [seconds per case=2] [world...]
 */
import { Rng } from '../../random/rng.js';
import { getWorld, renderView, WORLD_NAMES, type Camera, type SceneGraph } from '../index.js';

function measure(world: string, antialias: boolean, seconds: number, size?: number): { viewsPerSec: number; viewsPerCpuSec: number; size: number } {
  const w = getWorld(world);
  const s = size ?? w.defaultSize;
  // 50 scenes x 10 views prepared up front, so the timing is rendering only.
  const jobs: { scene: SceneGraph; cam: Camera }[] = [];
  for (let i = 0; i < 50; i++) {
    const scene = w.generate(Rng.from('speed', world, i));
    const rng = Rng.from('speed', world, 'cam', i);
    for (let v = 0; v < 10; v++) jobs.push({ scene, cam: w.sampleCamera(scene, rng) });
  }
  for (let k = 0; k < 100; k++) renderView(jobs[k % jobs.length].scene, jobs[k % jobs.length].cam, s, { antialias }); // warm up the JIT
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < seconds * 1000) {
    const j = jobs[n % jobs.length];
    renderView(j.scene, j.cam, s, { antialias });
    n++;
  }
  const cpu = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  // Views per CPU-second too: on a shared machine the wall clock undercounts a core's speed.
  return { viewsPerSec: n / wall, viewsPerCpuSec: n / ((cpu.user + cpu.system) / 1e6), size: s };
}

const [secs = '2', ...worlds] = process.argv.slice(2);
for (const world of worlds.length > 0 ? worlds : WORLD_NAMES) {
  for (const aa of [false, true]) {
    const r = measure(world, aa, Number(secs));
    console.log(`${world.padEnd(22)} ${r.size}x${r.size} ${aa ? 'AA 2x2' : 'no AA '} ${r.viewsPerSec.toFixed(0).padStart(6)} views/s wall, ${r.viewsPerCpuSec.toFixed(0).padStart(6)} views per CPU-second`);
  }
}
