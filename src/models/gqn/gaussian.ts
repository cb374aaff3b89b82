/** Diagonal Gaussians parameterised by mean and log-variance. */
import * as tf from '@tensorflow/tfjs-core';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * KL(q || p) per element:
 * 0.5 * (logvar_p - logvar_q + (exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p) - 1)
 */
export function klDivergence(muQ: tf.Tensor, logVarQ: tf.Tensor, muP: tf.Tensor, logVarP: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(logVarQ), tf.square(tf.sub(muQ, muP))), tf.exp(logVarP));
    return tf.mul(0.5, tf.sub(tf.add(tf.sub(logVarP, logVarQ), ratio), 1));
  });
}

/** Reparameterised sample mu + exp(logvar / 2) * eps. */
export function sample(mu: tf.Tensor, logVar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  return tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps));
}

/**
 * Negative log-likelihood of x under N(mean, sigma^2 I), summed over all but the batch axis:
 * 0.5 * |x - mean|^2 / sigma^2 + D * (log sigma + 0.5 log 2 pi).
 */
export function gaussianNll(x: tf.Tensor4D, mean: tf.Tensor4D, sigma: number): tf.Tensor1D {
  return tf.tidy(() => {
    const d = x.shape[1] * x.shape[2] * x.shape[3];
    const sq = tf.sum(tf.square(tf.sub(x, mean)), [1, 2, 3]);
    return tf.add(tf.mul(0.5 / (sigma * sigma), sq), d * (Math.log(sigma) + 0.5 * LOG_2PI)) as tf.Tensor1D;
  });
}

/** The NLL floor: what a perfect mean costs at this sigma, per image of D values. */
export function nllFloor(d: number, sigma: number): number {
  return d * (Math.log(sigma) + 0.5 * LOG_2PI);
}
