/**
 * A ParamStore's weights as PyTorch-layout named arrays, and back (browser-safe: checkpoints on
 * disk go through `src/train/checkpoint.ts`, the viewer loads fetched bytes through this).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { NamedArray } from '../safetensors.js';
import { fromTorchPerm, toTorchPerm, type Layout, type ParamStore } from './params.js';

/** The values of a tfjs-layout tensor in PyTorch layout. */
export function torchArray(t: tf.Tensor, layout: Layout): NamedArray {
  const perm = toTorchPerm(layout);
  const y = perm ? tf.transpose(t, perm) : t;
  const out = { shape: y.shape, data: y.dataSync() as Float32Array };
  if (y !== t) y.dispose();
  return out;
}

/** A PyTorch-layout array as a tfjs-layout tensor (the caller disposes it). */
export function fromTorchArray(a: NamedArray, layout: Layout): tf.Tensor {
  const t = tf.tensor(a.data, a.shape);
  const perm = fromTorchPerm(layout);
  if (!perm) return t;
  const y = tf.transpose(t, perm);
  t.dispose();
  return y;
}

/** Every parameter of the store, PyTorch layout, by name. */
export function torchWeights(store: ParamStore): Map<string, NamedArray> {
  const tensors = new Map<string, NamedArray>();
  for (const p of store.params.values()) tensors.set(p.name, torchArray(p.variable, p.layout));
  return tensors;
}

/**
 * Assigns PyTorch-layout arrays to the store's parameters; every name and shape must match, in
 * both directions. `source` (a path or URL) prefixes every error.
 */
export function assignTorchWeights(store: ParamStore, tensors: Map<string, NamedArray>, source: string): void {
  for (const p of store.params.values()) {
    const a = tensors.get(p.name);
    if (a == null) throw new Error(`${source}: no tensor ${p.name} (the model has ${store.params.size} parameters)`);
    const t = fromTorchArray(a, p.layout);
    if (t.shape.join() !== p.variable.shape.join()) {
      t.dispose();
      throw new Error(`${source}: tensor ${p.name} has shape [${a.shape}] (PyTorch layout); the model expects [${p.variable.shape}] (tfjs layout)`);
    }
    p.variable.assign(t);
    t.dispose();
  }
  const extra = [...tensors.keys()].filter((k) => !store.params.has(k));
  if (extra.length > 0) throw new Error(`${source}: tensors the model does not have: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`);
}
