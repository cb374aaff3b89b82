/**
 * Adam (Kingma & Ba), with PyTorch's bias correction. Written here rather than using
 * tf.train.adam because training needs three things that class does not give: a learning rate
 * that changes every step (the schedule), moment tensors under the parameters' own names for
 * checkpoints, and applying an update only after the gradients were checked to be finite.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const PAPER_ADAM: AdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export class Adam {
  /** Updates applied so far (the bias-correction count). */
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(readonly options: AdamOptions = PAPER_ADAM) {}

  private slot(map: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let s = map.get(name);
    if (s == null) {
      // Unnamed: tfjs names variables globally, and two optimizers may live side by side.
      const zeros = tf.zerosLike(like);
      s = tf.variable(zeros, false);
      zeros.dispose();
      map.set(name, s);
    }
    return s;
  }

  /** Applies one update with learning rate lr to every (name -> variable) with a gradient. */
  apply(variables: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number): void {
    const { beta1, beta2, epsilon } = this.options;
    this.step += 1;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (const [name, variable] of variables) {
      const g = grads[variable.name];
      if (g == null) continue;
      const m = this.slot(this.m, name, variable);
      const v = this.slot(this.v, name, variable);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(beta1, m), tf.mul(1 - beta1, g));
        const v1 = tf.add(tf.mul(beta2, v), tf.mul(1 - beta2, tf.square(g)));
        m.assign(m1);
        v.assign(v1);
        // p -= lr * (m / c1) / (sqrt(v / c2) + eps)
        const update = tf.div(tf.mul(lr / c1, m1), tf.add(tf.sqrt(tf.div(v1, c2)), epsilon));
        variable.assign(tf.sub(variable, update));
      });
    }
  }

  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}
