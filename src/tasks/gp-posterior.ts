/**
 * The exact GP posterior predictive with the true kernel: what an oracle that knows l, sigma_f
 * and the noise predicts at targets given the context. Its log-likelihood is the ceiling that the
 * Neural Processes are measured against (on average no model of the data can beat it).
 *
 *   mean = K_tc A^-1 y_c,  cov = K_tt + s^2 I - K_tc A^-1 K_ct,  A = K_cc + s^2 I
 */
import { normalLogDensity } from '../models/np/normal.js';
import { cholesky, gaussianLogDensity, solveLower } from './cholesky.js';
import { seKernel, type GpKernel } from './gp-regression.js';

export interface GpPredictive {
  /** Predictive mean at each target. */
  mean: Float64Array;
  /** Predictive covariance of y at the targets (noise included), row-major T x T. */
  cov: Float64Array;
}

export function gpPredictive(xc: Float64Array, yc: Float64Array, xt: Float64Array, k: GpKernel): GpPredictive {
  const c = xc.length;
  const t = xt.length;
  const a = seKernel(xc, xc, k);
  for (let i = 0; i < c; i++) a[i * c + i] += k.noise * k.noise;
  const l = cholesky(a, c);
  // With L L^T = A: mean = (L^-1 K_ct)^T (L^-1 y_c), cov = K_tt + s^2 I - (L^-1 K_ct)^T (L^-1 K_ct).
  const v = solveLower(l, c, seKernel(xc, xt, k), t); // (C, T)
  const w = solveLower(l, c, yc); // (C)
  const mean = new Float64Array(t);
  const cov = seKernel(xt, xt, k);
  for (let i = 0; i < t; i++) {
    let m = 0;
    for (let j = 0; j < c; j++) m += v[j * t + i] * w[j];
    mean[i] = m;
    cov[i * t + i] += k.noise * k.noise;
    for (let i2 = 0; i2 <= i; i2++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += v[j * t + i] * v[j * t + i2];
      cov[i * t + i2] -= s;
      if (i2 !== i) cov[i2 * t + i] -= s;
    }
  }
  return { mean, cov };
}

/** log p(y_t | context) under the oracle, nats summed over the targets: jointly and as a product of marginals. */
export function gpLogLikelihood(p: GpPredictive, yt: Float64Array): { joint: number; marginals: number } {
  const t = yt.length;
  const joint = gaussianLogDensity(yt, p.mean, cholesky(p.cov, t), t);
  let marginals = 0;
  for (let i = 0; i < t; i++) marginals += normalLogDensity(yt[i], p.mean[i], Math.sqrt(p.cov[i * t + i]));
  return { joint, marginals };
}
