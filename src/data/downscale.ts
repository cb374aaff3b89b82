/**
 * Box-filter downscaling of square RGB frames by an integer factor: how the reader turns a
 * dataset's frames into the model's image size (browser-safe, so the viewer feeds the model the
 * same pixels training saw).
 */

/** Whether a side x side frame can be box-filtered to target x target. */
export function canDownscale(side: number, target: number): boolean {
  return target >= 1 && target <= side && side % target === 0;
}

/** Mean of each f x f block (f = side / target), rounded to bytes; the input itself when target = side. */
export function boxDownscale(rgb: Uint8Array, side: number, target: number): Uint8Array {
  if (target === side) return rgb;
  if (!canDownscale(side, target)) throw new Error(`cannot box-filter a ${side}x${side} frame to ${target}x${target} (the side must divide it)`);
  const f = side / target;
  const out = new Uint8Array(target * target * 3);
  const n = f * f;
  for (let y = 0; y < target; y++) {
    for (let x = 0; x < target; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += rgb[((y * f + dy) * side + x * f + dx) * 3 + c];
        out[(y * target + x) * 3 + c] = Math.round(s / n);
      }
    }
  }
  return out;
}
