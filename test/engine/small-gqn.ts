/**
 * A small GQN-shaped training step for engine checks (tensor hygiene, backend smoke tests):
 * ConvLSTM gates with 5x5 convolutions, 4x4/4 down and up convolutions, a tiled viewpoint,
 * Gaussian KL terms and Adam, on a 2x16x16 image.
 */
import * as tf from '@tensorflow/tfjs-core';

export function smallGqn(seed: number) {
  const init = (shape: number[], i: number) => {
    const value = tf.randomNormal(shape, 0, 0.1, 'float32', seed + i);
    const variable = tf.variable(value);
    value.dispose();
    return variable;
  };
  const wDown = init([4, 4, 3, 8], 1);
  const wGate = init([5, 5, 8 + 7 + 8, 4 * 8], 2);
  const wPrior = init([5, 5, 8, 2 * 2], 3);
  const wUp = init([4, 4, 8, 8], 4);
  const wObs = init([1, 1, 8, 3], 5);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
  const v = tf.randomNormal([2, 1, 1, 7], 0, 1, 'float32', seed + 9) as tf.Tensor4D;

  const loss = () => tf.tidy(() => {
    const xd = tf.relu(tf.conv2d(x, wDown as tf.Tensor4D, 4, 'valid'));
    let h: tf.Tensor4D = tf.zerosLike(xd);
    let c: tf.Tensor4D = tf.zerosLike(xd);
    let u: tf.Tensor4D = tf.zeros([2, 16, 16, 8]);
    let kl = tf.scalar(0);
    for (let l = 0; l < 3; l++) {
      const gates = tf.conv2d(tf.concat([xd, tf.tile(v, [1, 4, 4, 1]), h], 3), wGate as tf.Tensor4D, 1, 'same');
      const [i, f, o, g] = tf.split(gates, 4, 3);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      const [mu, logVar] = tf.split(tf.conv2d(h, wPrior as tf.Tensor4D, 1, 'same'), 2, 3);
      kl = tf.add(kl, tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), tf.add(1, logVar)))));
      u = tf.add(u, tf.conv2dTranspose(h, wUp as tf.Tensor4D, [2, 16, 16, 8], 4, 'valid'));
    }
    const mean = tf.sigmoid(tf.conv2d(u, wObs as tf.Tensor4D, 1, 'valid'));
    const nll = tf.mean(tf.sum(tf.square(tf.sub(mean, x)), [1, 2, 3]));
    return tf.add(nll, tf.add(kl, tf.mean(tf.softplus(tf.log(tf.add(mean, 1)))))) as tf.Scalar;
  });
  const step = () => {
    const value = optimizer.minimize(loss, true) as tf.Scalar;
    const n = value.dataSync()[0];
    value.dispose();
    return n;
  };
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([wDown, wGate, wPrior, wUp, wObs, x, v]);
  };
  return { step, dispose };
}
