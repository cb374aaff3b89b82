/** Colours and textures shared by the worlds (rooms walls/floors after DeepMind's list). */
import type { Rng } from '../../random/rng.js';
import type { Color, Texture } from '../scene-graph.js';

export function hsvToRgb(h: number, s: number, v: number): Color {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

const COLOUR_NAMES = ['red', 'orange', 'yellow', 'lime', 'green', 'teal', 'cyan', 'blue', 'purple', 'magenta', 'pink'];
const HUE_EDGES = [0.03, 0.09, 0.18, 0.25, 0.4, 0.47, 0.54, 0.69, 0.78, 0.88, 0.96];

/** A rough English name for a hue, for labels. */
export function hueName(h: number): string {
  for (let i = 0; i < HUE_EDGES.length; i++) if (h < HUE_EDGES[i]) return COLOUR_NAMES[i];
  return 'red';
}

/** A saturated random colour and its name. */
export function randomColour(rng: Rng): { color: Color; name: string } {
  const h = rng.next();
  const s = rng.uniform(0.55, 1);
  const v = rng.uniform(0.65, 1);
  return { color: hsvToRgb(h, s, v), name: hueName(h) };
}

function darker(c: Color, k: number): Color {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/** The five room wall looks; each colour comes with its own pattern, as DeepMind's textures did. */
export const WALL_TEXTURES: Record<string, Texture> = {
  red: { kind: 'bricks', color: [0.78, 0.2, 0.16], color2: [0.55, 0.5, 0.45], scale: 0.6 },
  green: { kind: 'stripes', color: [0.35, 0.7, 0.28], color2: [0.27, 0.58, 0.22], scale: 0.25 },
  cerise: { kind: 'noise', color: [0.87, 0.2, 0.42], color2: [0.62, 0.1, 0.3], scale: 1.2 },
  orange: { kind: 'tiles', color: [0.95, 0.55, 0.18], color2: [0.6, 0.35, 0.12], scale: 0.5 },
  yellow: { kind: 'bricks', color: [0.92, 0.82, 0.3], color2: [0.7, 0.62, 0.25], scale: 0.9 },
};
export const WALL_NAMES = Object.keys(WALL_TEXTURES);

/** The three room floor looks. */
export const FLOOR_TEXTURES: Record<string, Texture> = {
  yellow: { kind: 'tiles', color: [0.85, 0.75, 0.38], color2: [0.6, 0.5, 0.25], scale: 0.75 },
  white: { kind: 'checker', color: [0.88, 0.88, 0.85], color2: [0.74, 0.74, 0.72], scale: 0.5 },
  blue: { kind: 'noise', color: [0.3, 0.45, 0.82], color2: [0.2, 0.3, 0.62], scale: 1.5 },
};
export const FLOOR_NAMES = Object.keys(FLOOR_TEXTURES);

/** Extra looks for maze walls and floors, beyond the room ones. */
export const MAZE_WALL_TEXTURES: Texture[] = [
  ...Object.values(WALL_TEXTURES),
  { kind: 'bricks', color: [0.6, 0.6, 0.62], color2: [0.35, 0.35, 0.36], scale: 0.5 },
  { kind: 'stripes', color: [0.4, 0.55, 0.85], color2: [0.3, 0.42, 0.7], scale: 0.2 },
  { kind: 'tiles', color: [0.55, 0.4, 0.7], color2: [0.35, 0.25, 0.45], scale: 0.34 },
];
export const MAZE_FLOOR_TEXTURES: Texture[] = [
  ...Object.values(FLOOR_TEXTURES),
  { kind: 'checker', color: [0.45, 0.45, 0.45], color2: [0.3, 0.3, 0.3], scale: 0.5 },
  { kind: 'noise', color: [0.55, 0.42, 0.3], color2: [0.4, 0.3, 0.2], scale: 1 },
];

export { darker };

/** A private copy, so a scene never aliases the shared palette entries. */
export function cloneTexture(t: Texture): Texture {
  const c: Texture = { kind: t.kind, color: [...t.color] };
  if (t.color2) c.color2 = [...t.color2];
  if (t.scale !== undefined) c.scale = t.scale;
  if (t.digits) c.digits = t.digits.map((d) => d.slice());
  return c;
}
