/** Diagonal Gaussians parameterised by mean and standard deviation, as the Neural Processes output them. */
import * as tf from '@tensorflow/tfjs-core';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log N(y | mu, sigma^2) per element: -(y - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2. */
export function normalLogProb(y: tf.Tensor, mu: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(y, mu), sigma);
    return tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), tf.log(sigma))), HALF_LOG_2PI);
  });
}

/** The same for plain numbers: log N(y | mu, sigma^2) (the baselines and oracles beside the models). */
export function normalLogDensity(y: number, mu: number, sigma: number): number {
  return -0.5 * ((y - mu) / sigma) ** 2 - Math.log(sigma) - HALF_LOG_2PI;
}

/** KL(N(mu_q, sigma_q^2) || N(mu_p, sigma_p^2)) per element: log(sigma_p / sigma_q) + (sigma_q^2 + (mu_q - mu_p)^2) / (2 sigma_p^2) - 1/2. */
export function normalKl(muQ: tf.Tensor, sigmaQ: tf.Tensor, muP: tf.Tensor, sigmaP: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.square(sigmaQ), tf.square(tf.sub(muQ, muP))), tf.mul(2, tf.square(sigmaP)));
    return tf.sub(tf.add(tf.sub(tf.log(sigmaP), tf.log(sigmaQ)), ratio), 0.5);
  });
}

/** The decoders' smallest sigma (Le et al. 2018; Kim et al. 2019). */
export const SIGMA_FLOOR = 0.1;

/** sigma = floor + (1 - floor) * squash(raw): bounded below so that no point's likelihood can collapse onto it. */
export function boundedSigma(raw: tf.Tensor, squash: 'softplus' | 'sigmoid', floor = SIGMA_FLOOR): tf.Tensor {
  return tf.tidy(() => tf.add(floor, tf.mul(1 - floor, squash === 'softplus' ? tf.softplus(raw) : tf.sigmoid(raw))));
}
