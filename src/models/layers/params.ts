/**
 * Named parameters. Every weight of a model lives here under the name a PyTorch port would
 * give it (`generator.generation_cores.0.conv.weight`), so checkpoints, the PyTorch parity
 * module and the code read the same. Values are stored in tfjs layout; `toTorchLayout`
 * describes the permutation to PyTorch's.
 */
import * as tf from '@tensorflow/tfjs-core';

import { deriveSeed } from '../../random/rng.js';

/**
 * conv: tfjs [kh, kw, in, out] <-> torch [out, in, kh, kw]; convT: [kh, kw, out, in] <-> [in, out, kh, kw];
 * linear: tfjs [in, out] (x W) <-> torch [out, in] (nn.Linear's weight).
 */
export type Layout = 'conv' | 'convTranspose' | 'linear' | 'vector';

export interface Param {
  name: string;
  variable: tf.Variable;
  layout: Layout;
}

export class ParamStore {
  readonly params = new Map<string, Param>();

  constructor(readonly seed: number) {}

  /**
   * PyTorch's default initialisation for conv layers (kaiming-uniform with a = sqrt(5)):
   * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases, drawn from a stream seeded by the
   * parameter's name, so adding a layer does not change the others' initial values.
   */
  uniform(name: string, shape: number[], fanIn: number, layout: Layout): tf.Variable {
    if (this.params.has(name)) throw new Error(`ParamStore: duplicate parameter ${name}`);
    const bound = 1 / Math.sqrt(fanIn);
    const value = tf.randomUniform(shape, -bound, bound, 'float32', deriveSeed(this.seed, name));
    // tfjs registers variable names globally; ours live in this store so models can coexist.
    const variable = tf.variable(value, true);
    value.dispose();
    this.params.set(name, { name, variable, layout });
    return variable;
  }

  /** A parameter filled with `value` (PyTorch's LayerNorm starts at weight 1, bias 0). */
  constant(name: string, shape: number[], value: number, layout: Layout): tf.Variable {
    if (this.params.has(name)) throw new Error(`ParamStore: duplicate parameter ${name}`);
    const filled = tf.fill(shape, value);
    const variable = tf.variable(filled, true);
    filled.dispose();
    this.params.set(name, { name, variable, layout });
    return variable;
  }

  get(name: string): tf.Variable {
    const p = this.params.get(name);
    if (p == null) throw new Error(`ParamStore: no parameter ${name}`);
    return p.variable;
  }

  variables(): tf.Variable[] {
    return [...this.params.values()].map((p) => p.variable);
  }

  count(): number {
    return [...this.params.values()].reduce((n, p) => n + p.variable.size, 0);
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

/** Permutation from tfjs layout to torch layout. */
export function toTorchPerm(layout: Layout): number[] | null {
  if (layout === 'linear') return [1, 0];
  return layout === 'vector' ? null : [3, 2, 0, 1];
}

export function fromTorchPerm(layout: Layout): number[] | null {
  if (layout === 'linear') return [1, 0];
  return layout === 'vector' ? null : [2, 3, 1, 0];
}
