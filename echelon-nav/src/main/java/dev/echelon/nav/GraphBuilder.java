package dev.echelon.nav;

import java.util.Arrays;

/**
 * Builds a {@link NavGraph} in four linear passes: floors per column (top-down, one layer at a
 * time), footprint erosion per layer (separable run lengths), ids in (z, y, x) order, then CSR
 * edges. Layer index {@code L = z + 1}, so bedrock ({@code z = -1}) is layer 0.
 */
final class GraphBuilder {
  static final int DIAGONAL = 1 << 30;
  static final int CLIMB = 1 << 29;
  static final int ID_MASK = CLIMB - 1;

  private static final int[] DX = {1, -1, 0, 0, 1, 1, -1, -1};
  private static final int[] DY = {0, 0, 1, -1, 1, -1, 1, -1};

  private GraphBuilder() {}

  static NavGraph build(VoxelWorld w, NavOptions o) {
    final int sx = w.sx;
    final int sy = w.sy;
    final int sz = w.sz;
    final int layer = sx * sy;
    final int layers = sz; // z = -1 .. sz - 2
    byte[] walk = new byte[layers * layer];
    int[] layerCount = new int[layers];
    floors(w, o.clearanceZ(), walk, layerCount);
    if (o.mechRadius() > 0) erode(sx, sy, o.mechRadius(), walk, layerCount);

    int n = 0;
    for (int c : layerCount) n += c;
    if (n > ID_MASK) throw new IllegalArgumentException("too many nodes: " + n);
    int[] idAt = new int[layers * layer];
    Arrays.fill(idAt, -1);
    int[] nodeCol = new int[n];
    short[] nodeZ = new short[n];
    int id = 0;
    for (int l = 0; l < layers; l++) {
      if (layerCount[l] == 0) continue;
      int base = l * layer;
      for (int c = 0; c < layer; c++) {
        if (walk[base + c] != 0) {
          idAt[base + c] = id;
          nodeCol[id] = c;
          nodeZ[id] = (short) (l - 1);
          id++;
        }
      }
    }

    int[] edgeStart = new int[n + 1];
    int[] targets = new int[Math.max(16, n * 8)];
    int e = 0;
    int step = o.stepHeightMax();
    for (int u = 0; u < n; u++) {
      edgeStart[u] = e;
      int c = nodeCol[u];
      int x = c % sx;
      int y = c / sx;
      int l = nodeZ[u] + 1;
      int lo = Math.max(0, l - step);
      int hi = Math.min(layers - 1, l + step);
      for (int d = 0; d < 8; d++) {
        int nx = x + DX[d];
        int ny = y + DY[d];
        if (nx < 0 || ny < 0 || nx >= sx || ny >= sy) continue;
        int diag = 0;
        if (d >= 4) {
          if (idAt[l * layer + y * sx + nx] < 0 || idAt[l * layer + ny * sx + x] < 0) continue;
          diag = DIAGONAL;
        }
        int nc = ny * sx + nx;
        for (int nl = lo; nl <= hi; nl++) {
          int v = idAt[nl * layer + nc];
          if (v < 0) continue;
          if (e == targets.length) targets = Arrays.copyOf(targets, targets.length + (targets.length >> 1));
          targets[e++] = v | diag | (nl > l ? CLIMB : 0);
        }
      }
    }
    edgeStart[n] = e;
    targets = Arrays.copyOf(targets, e);

    // Nodes by column, for nearest-node queries: counting sort on column.
    int[] colStart = new int[layer + 1];
    for (int u = 0; u < n; u++) colStart[nodeCol[u] + 1]++;
    for (int c = 0; c < layer; c++) colStart[c + 1] += colStart[c];
    int[] colNodes = new int[n];
    int[] fill = Arrays.copyOf(colStart, layer);
    for (int u = 0; u < n; u++) colNodes[fill[nodeCol[u]]++] = u; // ascending z within a column
    return new NavGraph(sx, sy, sz, w.voxelSize, o, nodeCol, nodeZ, edgeStart, targets, colStart, colNodes);
  }

  /** Marks floors: a colliding voxel (or bedrock) with {@code clearance} free voxels above. */
  private static void floors(VoxelWorld w, int clearance, byte[] walk, int[] layerCount) {
    int layer = w.sx * w.sy;
    int sz = w.sz;
    byte[] types = w.types;
    int[] nearestAbove = new int[layer];
    Arrays.fill(nearestAbove, Integer.MAX_VALUE);
    for (int z = sz - 1; z >= 0; z--) {
      int base = z * layer;
      int wBase = (z + 1) * layer;
      int limit = z + clearance;
      int count = 0;
      for (int c = 0; c < layer; c++) {
        if (VoxelWorld.collidesType(types[base + c])) {
          if (z < sz - 1 && nearestAbove[c] > limit) {
            walk[wBase + c] = 1;
            count++;
          }
          nearestAbove[c] = z;
        }
      }
      if (z < sz - 1) layerCount[z + 1] = count;
    }
    int count = 0;
    for (int c = 0; c < layer; c++) {
      if (nearestAbove[c] > clearance - 1) {
        walk[c] = 1;
        count++;
      }
    }
    layerCount[0] = count;
  }

  /** Keeps a cell only when the whole (2r+1)^2 square around it is walkable on its layer. */
  private static void erode(int sx, int sy, int r, byte[] walk, int[] layerCount) {
    int layer = sx * sy;
    int width = 2 * r + 1;
    byte[] h = new byte[layer];
    int[] run = new int[sx];
    for (int l = 0; l < layerCount.length; l++) {
      if (layerCount[l] == 0) continue;
      int base = l * layer;
      // Horizontal: h[x] = all of x-r..x+r walkable and inside the grid.
      Arrays.fill(h, (byte) 0);
      for (int y = 0; y < sy; y++) {
        int row = y * sx;
        int len = 0;
        for (int x = 0; x < sx; x++) {
          len = walk[base + row + x] != 0 ? len + 1 : 0;
          if (len >= width) h[row + x - r] = 1;
        }
      }
      // Vertical over h, row by row (cache friendly), written back into the layer.
      Arrays.fill(walk, base, base + layer, (byte) 0);
      Arrays.fill(run, 0, sx, 0);
      int count = 0;
      for (int y = 0; y < sy; y++) {
        int row = y * sx;
        int keepRow = base + (y - r) * sx;
        for (int x = 0; x < sx; x++) {
          int len = h[row + x] != 0 ? run[x] + 1 : 0;
          run[x] = len;
          if (len >= width) {
            walk[keepRow + x] = 1;
            count++;
          }
        }
      }
      layerCount[l] = count;
    }
  }
}
