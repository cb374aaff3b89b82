/** The per-pixel spread of the model's prior samples: where it is unsure what the view holds. */

/** Standard deviation across the images at each pixel, averaged over the three channels. */
export function pixelStd(images: Float32Array[], side: number): Float32Array {
  const n = images.length;
  const out = new Float32Array(side * side);
  if (n < 2) return out;
  for (let p = 0; p < side * side; p++) {
    let sum = 0;
    for (let c = 0; c < 3; c++) {
      let mean = 0;
      for (const img of images) mean += img[p * 3 + c];
      mean /= n;
      let v = 0;
      for (const img of images) v += (img[p * 3 + c] - mean) ** 2;
      sum += Math.sqrt(v / (n - 1));
    }
    out[p] = sum / 3;
  }
  return out;
}
