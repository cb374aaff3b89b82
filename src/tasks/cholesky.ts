/**
 * Dense symmetric positive-definite algebra in float64 for the Gaussian-process task: the
 * Cholesky factor, triangular solves and Gaussian log-densities. Matrices are row-major
 * Float64Arrays of n x n. Sizes here are a few hundred, so the plain O(n^3) loops are enough.
 */

/** L with A = L L^T (lower triangle; the upper is zero). Throws when A is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(sum > 0)) throw new Error(`cholesky: matrix is not positive definite (pivot ${i} is ${sum})`);
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  return l;
}

/** x with L x = b (forward substitution), L lower triangular n x n; b has n rows of `cols` columns. */
export function solveLower(l: Float64Array, n: number, b: Float64Array, cols = 1): Float64Array {
  const x = new Float64Array(b);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let sum = x[i * cols + c];
      for (let k = 0; k < i; k++) sum -= l[i * n + k] * x[k * cols + c];
      x[i * cols + c] = sum / l[i * n + i];
    }
  }
  return x;
}

/** log N(y | mean, S) for S = L L^T: -0.5 |L^-1 (y - mean)|^2 - sum log L_ii - n/2 log 2 pi. */
export function gaussianLogDensity(y: Float64Array, mean: Float64Array, l: Float64Array, n: number): number {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = y[i] - mean[i];
  const w = solveLower(l, n, d);
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    quad += w[i] * w[i];
    logDet += Math.log(l[i * n + i]);
  }
  return -0.5 * quad - logDet - 0.5 * n * Math.log(2 * Math.PI);
}
