/**
 * The variational autoencoder (Kingma and Welling 2014) and its conditional form (Sohn et al.
 * 2015) on MNIST digits x (784 grey levels in [0, 1]) with label y (one-hot, the CVAE only):
 *
 *   encoder   q(z | x, y) = N(mu, diag exp(logVar)),  [x, y] -> ReLU(hidden) -> mu, logVar
 *   decoder   p(x | z, y) = prod_i Bernoulli(x_i | sigmoid(logits_i)),  [z, y] -> ReLU(hidden) -> logits
 *   prior     p(z) = N(0, I) (VAE);  p(z | y) = N(mu_y, diag exp(logVar_y)), learned (CVAE)
 *   z = mu + exp(logVar / 2) * eps, eps ~ N(0, I)   (the reparameterisation)
 *
 *   log p(x | y) >= E_q[log p(x | z, y)] - KL[q(z | x, y) || p(z | y)]   (the ELBO)
 *
 * The likelihood is the Bernoulli cross-entropy with the grey levels as targets (the usual
 * practice on non-binarised MNIST): for a grey x_i it is not a normalised density, so NLLs
 * compare only with figures computed the same way (docs/models.md).
 */
import * as tf from '@tensorflow/tfjs-core';

import { klDivergence } from '../gqn/gaussian.js';
import { Linear } from '../layers/linear.js';
import { ParamStore } from '../layers/params.js';
import type { Draw, Model } from '../model.js';
import type { VaeConfig } from './config.js';
import { VaeObjective } from './objective.js';

/** A batch of digits: images [B, 784] in [0, 1], row-major, and their labels one-hot [B, 10]. */
export interface DigitBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** A diagonal Gaussian over z: mean and log-variance [B, zSize]. */
export interface Gaussian {
  mu: tf.Tensor2D;
  logVar: tf.Tensor2D;
}

export interface Elbo {
  /** -ELBO averaged over the batch: the training loss. */
  loss: tf.Scalar;
  /** Per-digit NLL [B] and KL [B] (nats). */
  nll: tf.Tensor1D;
  kl: tf.Tensor1D;
  /** The decoder's logits for the posterior sample [B, 784]. */
  logits: tf.Tensor2D;
  /** The posterior sample z [B, zSize]. */
  z: tf.Tensor2D;
}

/**
 * -log Bernoulli(x | sigmoid(l)) summed over pixels [B]: max(l, 0) - x l + log(1 + exp(-|l|)),
 * the cross-entropy with logits in the form that neither overflows nor loses the small terms.
 */
export function bernoulliNll(x: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(x, logits)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1) as tf.Tensor1D);
}

export class VAE implements Model<DigitBatch> {
  readonly store: ParamStore;
  /** q(z | x, y). */
  readonly encoder: { hidden: Linear; mean: Linear; logVar: Linear };
  /** p(x | z, y). */
  readonly decoder: { hidden: Linear; logits: Linear };
  /** p(z | y), the CVAE's learned prior (null: the VAE's N(0, I)). */
  readonly prior: { mean: Linear; logVar: Linear } | null;

  constructor(readonly config: VaeConfig, seed: number) {
    const d = config.imageSize * config.imageSize;
    const { hidden, zSize, classes } = config;
    this.store = new ParamStore(seed);
    this.encoder = {
      hidden: new Linear(this.store, 'encoder.hidden', d + classes, hidden),
      mean: new Linear(this.store, 'encoder.mean', hidden, zSize),
      logVar: new Linear(this.store, 'encoder.log_var', hidden, zSize),
    };
    this.decoder = {
      hidden: new Linear(this.store, 'decoder.hidden', zSize + classes, hidden),
      logits: new Linear(this.store, 'decoder.logits', hidden, d),
    };
    this.prior = classes > 0 ? {
      mean: new Linear(this.store, 'prior.mean', classes, zSize),
      logVar: new Linear(this.store, 'prior.log_var', classes, zSize),
    } : null;
  }

  get kind(): 'vae' | 'cvae' {
    return this.conditional ? 'cvae' : 'vae';
  }

  get conditional(): boolean {
    return this.config.classes > 0;
  }

  /** [a, y] for the CVAE, a for the VAE (which never sees the label). */
  private withLabel(a: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return this.conditional ? tf.concat([a, y], 1) : a;
  }

  /** q(z | x, y). */
  encode(x: tf.Tensor2D, y: tf.Tensor2D): Gaussian {
    return tf.tidy(() => {
      const h = tf.relu(this.encoder.hidden.apply(this.withLabel(x, y)));
      return { mu: this.encoder.mean.apply(h), logVar: this.encoder.logVar.apply(h) };
    });
  }

  /** The logits of p(x | z, y) [B, 784]. */
  decode(z: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.decoder.logits.apply(tf.relu(this.decoder.hidden.apply(this.withLabel(z, y)))));
  }

  /** p(z | y): N(0, I) for the VAE, the learned per-class Gaussian for the CVAE. */
  priorOf(y: tf.Tensor2D): Gaussian {
    return tf.tidy(() => {
      if (this.prior == null) {
        const zeros = tf.zeros([y.shape[0], this.config.zSize]) as tf.Tensor2D;
        return { mu: zeros, logVar: tf.zerosLike(zeros) };
      }
      return { mu: this.prior.mean.apply(y), logVar: this.prior.logVar.apply(y) };
    });
  }

  /** z = mu + exp(logVar / 2) * eps: a draw of N(mu, diag exp(logVar)) that gradients pass through to mu and logVar (the reparameterisation). */
  reparameterise(g: Gaussian, eps: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(g.mu, tf.mul(tf.exp(tf.mul(0.5, g.logVar)), eps)));
  }

  /** Standard normal noise eps [B, zSize], seeded. */
  noise(batch: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([batch, this.config.zSize], 0, 1, 'float32', seed) as tf.Tensor2D;
  }

  /** -ELBO of the batch with the posterior sample z = mu + exp(logVar / 2) * eps. */
  elbo(batch: DigitBatch, eps: tf.Tensor2D): Elbo {
    return tf.tidy(() => {
      const q = this.encode(batch.x, batch.y);
      const z = this.reparameterise(q, eps);
      const logits = this.decode(z, batch.y);
      const nll = bernoulliNll(batch.x, logits);
      const p = this.priorOf(batch.y);
      const kl = tf.sum(klDivergence(q.mu, q.logVar, p.mu, p.logVar), 1) as tf.Tensor1D;
      const loss = tf.mean(tf.add(nll, kl)) as tf.Scalar;
      return { loss, nll, kl, logits, z };
    });
  }

  /**
   * Digits drawn from the prior given labels y [B, 10] (ignored by the VAE): one image of
   * Bernoulli means [B, 784] per draw ('mean': z at the prior's mean; a number: eps from that seed).
   */
  sample(y: tf.Tensor2D, draws: readonly Draw[]): tf.Tensor2D[] {
    return tf.tidy(() => {
      const p = this.priorOf(y);
      return draws.map((d) => {
        const z = d === 'mean' ? p.mu : this.reparameterise(p, this.noise(y.shape[0], d));
        return tf.sigmoid(this.decode(z, y));
      });
    });
  }

  /** The negative ELBO (objective.ts). */
  objective(): VaeObjective {
    return new VaeObjective(this);
  }

  dispose(): void {
    this.store.dispose();
  }
}
