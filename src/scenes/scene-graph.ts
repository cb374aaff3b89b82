/**
 * The scene graph: a plain, JSON-serialisable description of one scene. Worlds produce it from
 * a seeded Rng; the renderer compiles it into flat arrays before tracing. Nothing here holds
 * functions or class instances, so a scene can be stored, sent to a worker or diffed in tests.
 *
 * Units: one unit is about one "metre" of the room worlds. Colours are linear RGB in [0, 1].
 * Angles are radians.
 */

export type Vec3 = [number, number, number];
export type Color = [number, number, number];

/** Procedural textures: cheap functions of the hit position (see textures.ts). */
export type TextureKind = 'solid' | 'checker' | 'stripes' | 'noise' | 'bricks' | 'tiles' | 'digits';

export interface Texture {
  kind: TextureKind;
  color: Color;
  /** Second colour of patterned textures (mortar, stripes, checker squares). */
  color2?: Color;
  /** Pattern period in scene units (default 1). */
  scale?: number;
  /**
   * kind 'digits' only: six 28x28 greyscale images (0..255, row-major from the top row), one
   * per cube face in the order +x, -x, +y, -y, +z, -z; `color` is the face, `color2` the ink.
   */
  digits?: number[][];
}

/** Euler angles [x, y, z]; the rotation matrix is Ry(y) * Rx(x) * Rz(z) (yaw, then pitch, then roll). */
export type Rotation = Vec3;

interface ObjectBase {
  position: Vec3;
  rotation?: Rotation;
  texture: Texture;
  /** Shadow casting; walls and floors turn it off so only objects darken the room. Default true. */
  castShadow?: boolean;
  /** A short human-readable description ("red sphere"), for captions and debugging. */
  label?: string;
}

/** Infinite plane through `position` with the given normal (rotation ignored). */
export interface PlaneObject extends ObjectBase { shape: 'plane'; normal: Vec3 }
/** Box centred on position; `size` = full extents along local x, y, z. */
export interface BoxObject extends ObjectBase { shape: 'box'; size: Vec3 }
export interface SphereObject extends ObjectBase { shape: 'sphere'; radius: number }
/** Capped cylinder, axis = local y, centred on position. */
export interface CylinderObject extends ObjectBase { shape: 'cylinder'; radius: number; height: number }
/** Capsule along local y; `height` is the total height including both hemispherical caps. */
export interface CapsuleObject extends ObjectBase { shape: 'capsule'; radius: number; height: number }
/** Capped cone along local y: base disc of `radius` at y = -height/2, apex at y = +height/2. */
export interface ConeObject extends ObjectBase { shape: 'cone'; radius: number; height: number }
/** Regular icosahedron with circumradius `radius`. */
export interface IcosahedronObject extends ObjectBase { shape: 'icosahedron'; radius: number }
/**
 * Triangular prism: an isosceles triangle in the local x-y plane (base width size[0] at the
 * bottom, apex height size[1] above it) extruded along local z by size[2]; centred on position.
 */
export interface PrismObject extends ObjectBase { shape: 'prism'; size: Vec3 }
/**
 * Axis-aligned boxes on a grid (maze walls). `position` is the minimum corner. Cell (row r,
 * column c) spans x in [x0 + c*cellSize, x0 + (c+1)*cellSize], z in [z0 + r*cellSize, ...],
 * y in [y0, y0 + height]. cells[r*cols + c] = 0 for empty, k > 0 for a wall with
 * textures[k - 1] (the object's own `texture` is used when `textures` is absent).
 * rotation is ignored.
 */
export interface GridObject extends ObjectBase {
  shape: 'grid';
  cols: number;
  rows: number;
  cellSize: number;
  height: number;
  cells: number[];
  textures?: Texture[];
}

export type SceneObject =
  | PlaneObject | BoxObject | SphereObject | CylinderObject | CapsuleObject | ConeObject
  | IcosahedronObject | PrismObject | GridObject;

export type Shape = SceneObject['shape'];

export type Light =
  /** `direction` points from the scene toward the light. */
  | { kind: 'directional'; direction: Vec3; color: Color }
  | { kind: 'point'; position: Vec3; color: Color };

/** How a world places its cameras; sampleCamera reads this, so a scene carries its own rig. */
export type CameraRig =
  /** On a horizontal circle of `radius` at `height`, looking at `target`. */
  | { kind: 'ring'; radius: number; height: number; target: Vec3 }
  /** Anywhere in the box [min, max], yaw uniform, pitch uniform in pitchRange. */
  | { kind: 'free'; min: Vec3; max: Vec3; pitchRange: [number, number] }
  /** On a sphere of `radius` around `target`, elevation uniform in elevationRange, looking at it. */
  | { kind: 'sphere'; radius: number; target: Vec3; elevationRange: [number, number] }
  /** Eye height `height` anywhere inside a free cell of the scene's grid object, keeping `margin` from walls. */
  | { kind: 'maze'; height: number; margin: number; pitchRange: [number, number] };

export interface SceneGraph {
  world: string;
  objects: SceneObject[];
  lights: Light[];
  /** Ambient light added to every surface (shadowed or not). */
  ambient: Color;
  /** Colour of rays that hit nothing. */
  background: Color;
  /** Vertical (= horizontal, images are square) field of view in radians. */
  fov: number;
  camera: CameraRig;
  /** The walkable extent (room interior, maze); renderMap draws the x-z rectangle of it. */
  bounds?: { min: Vec3; max: Vec3 };
}
