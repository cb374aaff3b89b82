/**
 * The model registry, like the worlds' (src/scenes/index.ts): every model kind by name, with its
 * one table of presets (model configuration and training defaults) and how to build and size a
 * model. A run's config.json names its kind in `kind`; a run without one (every run made before
 * kinds existed, models/default among them) is a GQN.
 */
import { GQN_KIND } from './gqn/kind.js';
import type { Preset } from './model.js';

const KINDS = {
  gqn: GQN_KIND,
} as const;

export type ModelKindName = keyof typeof KINDS;
/** A registered kind (a union as kinds are added; narrow on `name`). */
export type AnyModelKind = (typeof KINDS)[ModelKindName];
/** The configuration (config.json's `model`) of any registered kind. */
export type ModelConfig = Parameters<AnyModelKind['create']>[0];
/** A model of any registered kind. */
export type AnyModel = ReturnType<AnyModelKind['create']>;

export const MODEL_KINDS = Object.keys(KINDS) as ModelKindName[];
/** The kind of a run whose config.json has no `kind`. */
export const DEFAULT_KIND: ModelKindName = 'gqn';

export function isModelKind(name: string): name is ModelKindName {
  return Object.hasOwn(KINDS, name);
}

/** The kind named `name`, or a one-line error listing the kinds (`flag`: who asked, e.g. `--model`). */
export function getModelKind(name: string, flag = '--model'): AnyModelKind {
  if (!isModelKind(name)) throw new Error(`${flag}: expected one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(name)}`);
  return KINDS[name];
}

/** The kind of a run's config (its `kind`, absent = 'gqn'). */
export function kindOf(config: { kind?: string }, flag = 'field kind'): AnyModelKind {
  return getModelKind(config.kind ?? DEFAULT_KIND, flag);
}

/** A kind's preset `name` (a copy), or a one-line error listing the kind's presets. */
export function presetOf(kind: AnyModelKind, name: string): Preset<ModelConfig> {
  const p = kind.presets[name];
  if (p == null) throw new Error(`--preset: expected one of ${Object.keys(kind.presets).join(', ')} (the ${kind.name} presets), got '${name}'`);
  return structuredClone(p);
}
