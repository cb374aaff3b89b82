import { openReader } from '../work/main/src/data/prefetch.js';
const reader = openReader({ dir: '/work/data/heldout/rooms', split: 'test', batchSize: 16, contextViews: 9, queryViews: 1, seed: 3, shuffle: false, epochs: 1, imageSize: 32, prefetch: 1 });
let n = 0, dups = 0;
for (;;) {
  const b = await reader.next(); if (!b) break;
  const d = 32 * 32 * 3; const bs = b.queryImages.shape[0];
  for (let i = 0; i < bs; i++) {
    const q = b.queryImages.data.subarray(i * d, (i + 1) * d);
    for (let j = 0; j < 9; j++) {
      const c = b.contextImages.data.subarray((i * 9 + j) * d, (i * 9 + j + 1) * d);
      let se = 0; for (let p = 0; p < d; p++) se += (q[p] - c[p]) ** 2;
      if (se === 0) { dups++; const cv = b.contextViewpoints.data.subarray((i*9+j)*7,(i*9+j+1)*7); const qv = b.queryViewpoints.data.subarray(i*7,i*7+7); console.log('identical', n + i, j, [...qv].map(x=>x.toFixed(2)).join(','), '|', [...cv].map(x=>x.toFixed(2)).join(',')); }
    }
  }
  n += bs;
}
await reader.close();
console.log(n, 'scenes', dups, 'identical pairs');
