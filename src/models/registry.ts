/**
 * The model registry, like the worlds' (src/scenes/index.ts): every model kind by name, with its
 * one table of presets (model configuration and training defaults), its data, its train flags,
 * what eval and render do for it, and how to build and size a model (model.ts, ModelKind). A
 * run's config.json names its kind in `kind`; a run without one (every run made before kinds
 * existed, models/default among them) is a GQN.
 *
 * To add a kind: write its ModelKind (as gqn/kind.ts does) and add it to KINDS below; the
 * trainer, `gqn train/eval/render` and config.json's types pick it up from here
 * (docs/models.md, "Adding a model kind"). This module is Node-side: kinds open their data
 * files; the browser imports model classes directly.
 */
import { GQN_KIND } from './gqn/kind.js';
import { JUMP_KIND } from './jump/kind.js';
import type { KindFlag, Model, ModelKind } from './model.js';
import { ANP_KIND, CNP_KIND, NP_KIND } from './np/kind.js';
import { CVAE_KIND, VAE_KIND } from './vae/kind.js';

const KINDS = {
  gqn: GQN_KIND,
  vae: VAE_KIND,
  cvae: CVAE_KIND,
  cnp: CNP_KIND,
  np: NP_KIND,
  anp: ANP_KIND,
  jump: JUMP_KIND,
} as const;

export type ModelKindName = keyof typeof KINDS;
/** The configuration (config.json's `model`) of kind N. */
export type ConfigOf<N extends ModelKindName> = ReturnType<(typeof KINDS)[N]['validate']>;
/** Kind N's own part of config.json's `train` (the GQN: data, contextViews, sigma). */
export type TrainOf<N extends ModelKindName> = Parameters<(typeof KINDS)[N]['data']['open']>[1];
/** The configuration of any registered kind. */
export type ModelConfig = ConfigOf<ModelKindName>;
/** A model of any registered kind. */
export type AnyModel = ReturnType<(typeof KINDS)[ModelKindName]['create']>;

/**
 * A kind as generic code (trainer, CLI) sees it: its configuration, train settings and batches
 * opaque. Every registered kind is assignable to it (ModelKind's members are methods).
 */
export type AnyModelKind = ModelKind<ModelConfig, object, unknown, Model<unknown, object>>;

const ERASED: Readonly<Record<ModelKindName, AnyModelKind>> = KINDS;

export const MODEL_KINDS = Object.keys(KINDS) as ModelKindName[];
/** The kind of a run whose config.json has no `kind`. */
export const DEFAULT_KIND: ModelKindName = 'gqn';

export function isModelKind(name: string): name is ModelKindName {
  return Object.hasOwn(KINDS, name);
}

/**
 * The kind named `name`, or a one-line error listing the kinds (`flag`: who asked, e.g.
 * `--model`). A literal name gives the kind's own type (getModelKind('gqn').presets.cpu.train.sigma).
 */
export function getModelKind<N extends ModelKindName>(name: N, flag?: string): (typeof KINDS)[N];
export function getModelKind(name: string, flag?: string): AnyModelKind;
export function getModelKind(name: string, flag = '--model'): AnyModelKind {
  if (!isModelKind(name)) throw new Error(`${flag}: expected one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(name)}`);
  return ERASED[name];
}

/** The kind of a run's config (its `kind`, absent = 'gqn'). */
export function kindOf(config: { kind?: string }, flag = 'field kind'): AnyModelKind {
  return getModelKind(config.kind ?? DEFAULT_KIND, flag);
}

/** A kind's preset `name` (a copy), or a one-line error listing the kind's presets. */
export function presetOf<K extends AnyModelKind>(kind: K, name: string): K['presets'][string] {
  const p = kind.presets[name];
  if (p == null) throw new Error(`--preset: expected one of ${Object.keys(kind.presets).join(', ')} (the ${kind.name} presets), got '${name}'`);
  return structuredClone(p) as K['presets'][string];
}

/** Every kind's train flags, each once, with the kinds that take it (for the CLI's options and resume messages). */
export function trainFlags(): { spec: KindFlag; kinds: ModelKindName[] }[] {
  const byFlag = new Map<string, { spec: KindFlag; kinds: ModelKindName[] }>();
  for (const name of MODEL_KINDS) {
    for (const spec of ERASED[name].trainFlags) {
      const seen = byFlag.get(spec.flag);
      if (seen == null) byFlag.set(spec.flag, { spec, kinds: [name] });
      else if (seen.spec.field !== spec.field) throw new Error(`${spec.flag}: kinds ${seen.kinds[0]} and ${name} give it different fields (${seen.spec.field}, ${spec.field})`);
      else seen.kinds.push(name);
    }
  }
  return [...byFlag.values()];
}
