// World meshing without Three.js (runs in a Worker): one merged geometry per voxel type with every
// face between two voxels that hide it culled, so a 28k-wall city draws its outer skin only.

/** How a voxel type is drawn: opaque cube, see-through cube, or a thin floor tile. */
export const KIND = { 2: 'tile', 3: 'tile', 6: 'tile', 7: 'clear', 9: 'clear' };
const TILE_HEIGHT = 0.12;

// the six faces: normal, and the four corners (unit cube offsets) counter-clockwise seen from outside
const FACES = [
  { n: [1, 0, 0], c: [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]] },
  { n: [-1, 0, 0], c: [[0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 1, 1]] },
  { n: [0, 1, 0], c: [[1, 1, 0], [0, 1, 0], [0, 1, 1], [1, 1, 1]] },
  { n: [0, -1, 0], c: [[0, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]] },
  { n: [0, 0, 1], c: [[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]] },
  { n: [0, 0, -1], c: [[0, 1, 0], [1, 1, 0], [1, 0, 0], [0, 0, 0]] },
];

/**
 * @typedef {{type: number, positions: Float32Array, normals: Float32Array, indices: Uint32Array}} MeshGroup
 * @typedef {{groups: MeshGroup[], voxels: number, faces: number, ms: number}} WorldMesh
 */

/**
 * Builds the visible faces of a world document's walls, grouped by voxel type.
 * @param {{size?: number[], walls?: number[][]}} world
 * @returns {WorldMesh}
 */
export function buildWorldMesh(world) {
  const t0 = Date.now();
  const size = Array.isArray(world.size) ? world.size : [1, 1, 1];
  const [sx, sy, sz] = size.map((v) => Math.max(1, v | 0));
  const volume = sx * sy * sz;
  // dense grid for ordinary worlds, a map for absurd ones
  const dense = volume <= 1 << 25 ? new Uint8Array(volume) : null;
  const sparse = dense ? null : new Map();
  const key = (x, y, z) => (z * sy + y) * sx + x;
  const at = (x, y, z) => {
    if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) return 0;
    return dense ? dense[key(x, y, z)] : sparse.get(key(x, y, z)) || 0;
  };
  const cells = [];
  for (const w of world.walls || []) {
    if (!Array.isArray(w)) continue;
    const x = w[0], y = w[1], z = w[2];
    if (!Number.isInteger(x) || !Number.isInteger(y) || !Number.isInteger(z)) continue;
    if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) continue;
    const t = w.length > 3 && Number.isInteger(w[3]) ? Math.max(1, Math.min(255, w[3])) : 1;
    const k = key(x, y, z);
    if (dense) { if (!dense[k]) cells.push(x, y, z); dense[k] = t; } else { if (!sparse.has(k)) cells.push(x, y, z); sparse.set(k, t); }
  }
  const opaque = (t) => t !== 0 && !KIND[t];
  /** @type {Map<number, {p: number[], n: number[], i: number[]}>} */
  const byType = new Map();
  let faces = 0;
  for (let c = 0; c < cells.length; c += 3) {
    const x = cells[c], y = cells[c + 1], z = cells[c + 2];
    const t = at(x, y, z);
    const kind = KIND[t] || 'solid';
    let g = byType.get(t);
    if (!g) byType.set(t, g = { p: [], n: [], i: [] });
    if (kind === 'tile') {
      if (opaque(at(x, y, z + 1))) continue; // covered
      quad(g, FACES[4], x, y, z, TILE_HEIGHT);
      faces++;
      continue;
    }
    for (const f of FACES) {
      const nx = x + f.n[0], ny = y + f.n[1], nz = z + f.n[2];
      if (nz < 0) continue; // the ground is never seen from below
      const nt = at(nx, ny, nz);
      if (opaque(nt) || (kind === 'clear' && nt === t)) continue;
      quad(g, f, x, y, z, 1);
      faces++;
    }
  }
  const groups = [];
  for (const [type, g] of byType) {
    if (!g.i.length) continue;
    groups.push({ type, positions: new Float32Array(g.p), normals: new Float32Array(g.n), indices: new Uint32Array(g.i) });
  }
  return { groups, voxels: cells.length / 3, faces, ms: Date.now() - t0 };
}

/** Appends one face of the voxel at (x, y, z); `h` is the voxel's height (tiles are thin). */
function quad(g, f, x, y, z, h) {
  const base = g.p.length / 3;
  for (const c of f.c) {
    g.p.push(x + c[0], y + c[1], z + c[2] * h);
    g.n.push(f.n[0], f.n[1], f.n[2]);
  }
  g.i.push(base, base + 1, base + 2, base, base + 2, base + 3);
}
