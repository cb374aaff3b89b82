/**
 * Mazes (after DeepMind's mazes dataset, built from DeepMind Lab levels): a 7x7 block maze
 * (outer ring of walls, corridors from a randomised depth-first search on the odd cells) with
 * 1-2 rectangular rooms carved out. Each room gets its own wall look and a rug, so views carry
 * landmarks; the camera stands at eye height anywhere inside a free cell with a random heading.
 *
 * The maze is centred on the origin: cell (row r, column c) covers
 * x in [c - size/2, c + 1 - size/2], z in [r - size/2, r + 1 - size/2]; walls are 1 unit high.
 */
import type { Rng } from '../../random/rng.js';
import type { Camera } from '../camera.js';
import type { GridObject, SceneGraph, SceneObject } from '../scene-graph.js';
import type { World } from '../world.js';
import { cloneTexture, MAZE_FLOOR_TEXTURES, MAZE_WALL_TEXTURES } from './palette.js';

const WALL_HEIGHT = 1;
const EYE_HEIGHT = 0.45;

export interface MazeLayout {
  size: number;
  /** size*size, row-major: 0 free, 1 corridor wall, 2.. wall next to room k (= value - 2). */
  cells: number[];
  rooms: { r0: number; c0: number; r1: number; c1: number }[];
}

/** Block maze: odd cells are nodes, the cells between them are walls or passages. */
export function generateMazeLayout(size: number, rng: Rng): MazeLayout {
  if (size < 5 || size % 2 === 0) throw new Error(`mazes: size must be odd and >= 5, got ${size}`);
  const wall = new Array<number>(size * size).fill(1);
  const at = (r: number, c: number) => r * size + c;
  // Randomised DFS over the node cells.
  const stack: [number, number][] = [[1, 1]];
  wall[at(1, 1)] = 0;
  while (stack.length > 0) {
    const [r, c] = stack[stack.length - 1];
    const next = ([[0, 2], [0, -2], [2, 0], [-2, 0]] as const)
      .map(([dr, dc]) => [r + dr, c + dc] as [number, number])
      .filter(([nr, nc]) => nr > 0 && nc > 0 && nr < size - 1 && nc < size - 1 && wall[at(nr, nc)] === 1);
    if (next.length === 0) { stack.pop(); continue; }
    const [nr, nc] = rng.pick(next);
    wall[at((r + nr) / 2, (c + nc) / 2)] = 0;
    wall[at(nr, nc)] = 0;
    stack.push([nr, nc]);
  }
  // Rooms: open rectangles of 2-3 cells a side inside the outer ring.
  const roomCount = rng.int(1, 2);
  const rooms: MazeLayout['rooms'] = [];
  for (let k = 0; k < roomCount; k++) {
    const h = rng.int(2, 3), w = rng.int(2, 3);
    const r0 = rng.int(1, size - 1 - h), c0 = rng.int(1, size - 1 - w);
    rooms.push({ r0, c0, r1: r0 + h - 1, c1: c0 + w - 1 });
    for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) wall[at(r, c)] = 0;
  }
  // Walls bordering a room take that room's look (the later room wins where two touch).
  const cells = wall.slice();
  rooms.forEach((room, k) => {
    for (let r = room.r0 - 1; r <= room.r1 + 1; r++) {
      for (let c = room.c0 - 1; c <= room.c1 + 1; c++) {
        if (wall[at(r, c)] === 1) cells[at(r, c)] = 2 + k;
      }
    }
  });
  return { size, cells, rooms };
}

export function generateMaze(rng: Rng, size = 7): SceneGraph {
  const layout = generateMazeLayout(size, rng);
  const walls = rng.shuffle(MAZE_WALL_TEXTURES.slice());
  const floors = rng.shuffle(MAZE_FLOOR_TEXTURES.slice());
  const half = size / 2;
  const grid: GridObject = {
    shape: 'grid',
    position: [-half, 0, -half],
    cols: size, rows: size, cellSize: 1, height: WALL_HEIGHT,
    cells: layout.cells,
    texture: cloneTexture(walls[0]),
    textures: [walls[0], walls[1], walls[2]].map(cloneTexture),
    label: 'maze walls',
  };
  const objects: SceneObject[] = [
    { shape: 'plane', position: [0, 0, 0], normal: [0, 1, 0], texture: cloneTexture(floors[0]), castShadow: false, label: 'floor' },
    grid,
  ];
  layout.rooms.forEach((room, k) => {
    const w = room.c1 - room.c0 + 1, h = room.r1 - room.r0 + 1;
    // A thin rug over the room's floor (2 mm thick, so it never shows as a step).
    objects.push({
      shape: 'box',
      size: [w, 0.002, h],
      position: [room.c0 + w / 2 - half, 0.001, room.r0 + h / 2 - half],
      texture: cloneTexture(floors[1 + k]),
      castShadow: false,
      label: `room ${k + 1} rug`,
    });
  });
  const azimuth = rng.uniform(0, 2 * Math.PI);
  const elevation = rng.uniform(0.8, 1.2);
  return {
    world: 'mazes',
    objects,
    lights: [{
      kind: 'directional',
      direction: [Math.cos(elevation) * Math.cos(azimuth), Math.sin(elevation), Math.cos(elevation) * Math.sin(azimuth)],
      color: [0.6, 0.6, 0.6],
    }],
    ambient: [0.45, 0.45, 0.45],
    background: [0.55, 0.72, 0.92],
    fov: (75 * Math.PI) / 180,
    camera: { kind: 'maze', height: EYE_HEIGHT, margin: 0.2, pitchRange: [-0.15, 0.1] },
    bounds: { min: [-half, 0, -half], max: [half, WALL_HEIGHT, half] },
  };
}

export function sampleMazeCamera(scene: SceneGraph, rng: Rng): Camera {
  const rig = scene.camera;
  const grid = scene.objects.find((o): o is GridObject => o.shape === 'grid');
  if (rig.kind !== 'maze' || !grid) throw new Error('sampleCamera: expected a maze scene (maze rig and a grid object)');
  const free: number[] = [];
  grid.cells.forEach((c, i) => { if (c === 0) free.push(i); });
  const cell = rng.pick(free);
  const r = Math.floor(cell / grid.cols), c = cell % grid.cols;
  const s = grid.cellSize, m = rig.margin;
  return {
    position: [
      grid.position[0] + (c + rng.uniform(m, 1 - m)) * s,
      rig.height,
      grid.position[2] + (r + rng.uniform(m, 1 - m)) * s,
    ],
    yaw: rng.uniform(-Math.PI, Math.PI),
    pitch: rng.uniform(rig.pitchRange[0], rig.pitchRange[1]),
  };
}

export function mazesWorld(): World {
  return {
    name: 'mazes',
    // DeepMind stored 300 views per maze; 50 keeps files small while covering the maze.
    defaultViews: 50,
    defaultSize: 84,
    generate: (rng) => generateMaze(rng),
    sampleCamera: sampleMazeCamera,
  };
}
