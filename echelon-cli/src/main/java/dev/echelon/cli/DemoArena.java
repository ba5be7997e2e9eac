package dev.echelon.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.echelon.core.Json;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * A procedurally generated arena for the demo: solid ground, buildings with glass and reinforced
 * walls, stepped ramps onto a bridge over a road, water and lava pools, dirt and foliage, and a
 * capture zone in the middle. Also answers "which columns can a mech cross" for route planning.
 */
final class DemoArena {
  static final int SX = 64;
  static final int SY = 64;
  static final int SZ = 16;

  final ObjectNode world;
  /** Height of the walkable surface per column; -1 where a mech must not go (water, lava, buildings). */
  final int[] surface = new int[SX * SY];
  final double[] zone = {SX / 2.0, SY / 2.0};
  final double zoneRadius = 6.0;

  DemoArena(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] vox = new byte[SX * SY * SZ];
    for (int y = 0; y < SY; y++) for (int x = 0; x < SX; x++) set(vox, x, y, 0, 1);
    // dirt patches and foliage: cosmetic, walkable
    for (int i = 0; i < 40; i++) blob(vox, rnd, 2 + rnd.nextInt(3), rnd.nextBoolean() ? 9 : 6, false);
    // water and lava pools: thin tiles at ground level, not walkable
    for (int i = 0; i < 4; i++) blob(vox, rnd, 3, 2 + rnd.nextInt(2), true);
    for (int i = 0; i < 3; i++) blob(vox, rnd, 2, 2 + rnd.nextInt(2), true);
    // buildings away from the zone and the spawns
    for (int i = 0; i < 14; i++) {
      int w = 4 + rnd.nextInt(5);
      int d = 4 + rnd.nextInt(5);
      int h = 4 + rnd.nextInt(8);
      int x0 = 4 + rnd.nextInt(SX - w - 8);
      int y0 = 4 + rnd.nextInt(SY - d - 8);
      if (Math.hypot(x0 + w / 2.0 - zone[0], y0 + d / 2.0 - zone[1]) < zoneRadius + 6) continue;
      if (x0 < 14 && y0 < 14 || x0 + w > SX - 14 && y0 + d > SY - 14) continue;
      int wall = rnd.nextInt(3) == 0 ? 8 : 1;
      for (int z = 1; z <= h; z++) {
        for (int y = y0; y < y0 + d; y++) {
          for (int x = x0; x < x0 + w; x++) {
            boolean shell = x == x0 || y == y0 || x == x0 + w - 1 || y == y0 + d - 1;
            boolean window = shell && z % 3 == 2 && (x + y) % 3 == 0;
            set(vox, x, y, z, window ? 7 : wall);
          }
        }
      }
    }
    // a road along y = 12 with a bridge over it, reached by stepped ramps
    for (int x = 0; x < SX; x++) for (int y = 11; y <= 13; y++) set(vox, x, y, 0, 5);
    int bx = 44;
    for (int x = bx; x < bx + 4; x++) {
      for (int y = 7; y <= 17; y++) set(vox, x, y, 4, 1);
      set(vox, x, 10, 1, 8); set(vox, x, 10, 2, 8); set(vox, x, 10, 3, 8);
      set(vox, x, 14, 1, 8); set(vox, x, 14, 2, 8); set(vox, x, 14, 3, 8);
    }
    for (int step = 0; step < 3; step++) {
      for (int x = bx; x < bx + 4; x++) {
        for (int z = 1; z <= step + 1; z++) {
          set(vox, x, 4 + step, z, 1);
          set(vox, x, 20 - step, z, 1);
        }
      }
    }
    ArrayNode walls = Json.mapper().createArrayNode();
    for (int z = 0; z < SZ; z++) {
      for (int y = 0; y < SY; y++) {
        for (int x = 0; x < SX; x++) {
          int t = vox[(z * SY + y) * SX + x];
          if (t != 0) walls.addArray().add(x).add(y).add(z).add(t);
        }
      }
    }
    for (int y = 0; y < SY; y++) {
      for (int x = 0; x < SX; x++) {
        int top = 0;
        for (int z = 1; z < SZ; z++) if (collides(vox[(z * SY + y) * SX + x])) top = z;
        int ground = vox[y * SX + x];
        surface[y * SX + x] = (ground == 2 || ground == 3 || top > 1) ? -1 : top;
      }
    }
    world = Json.mapper().createObjectNode();
    world.putArray("size").add(SX).add(SY).add(SZ);
    world.put("voxel_size_m", 1.0).put("seed", seed).put("spawn_clear", 12);
    ObjectNode meta = world.putObject("meta");
    meta.put("generator", "echelon-client demo");
    ObjectNode cz = meta.putObject("capture_zone");
    cz.putArray("center").add(zone[0]).add(zone[1]);
    cz.put("radius", zoneRadius);
    meta.putObject("validator").put("clearance_z", 4);
    meta.putObject("nav").put("mech_radius", 1).put("step_height_max", 2);
    world.set("walls", walls);
  }

  private static boolean collides(int t) {
    return t == 1 || t == 4 || t == 5 || t == 7 || t == 8;
  }

  private static void set(byte[] vox, int x, int y, int z, int t) {
    if (x >= 0 && y >= 0 && z >= 0 && x < SX && y < SY && z < SZ) vox[(z * SY + y) * SX + x] = (byte) t;
  }

  private void blob(byte[] vox, SplittableRandom rnd, int radius, int type, boolean ground) {
    int cx = 6 + rnd.nextInt(SX - 12);
    int cy = 6 + rnd.nextInt(SY - 12);
    if (ground && Math.hypot(cx - zone[0], cy - zone[1]) < zoneRadius + radius + 2) return;
    for (int y = cy - radius; y <= cy + radius; y++) {
      for (int x = cx - radius; x <= cx + radius; x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > radius * radius) continue;
        if (ground) set(vox, x, y, 0, type);
        else if (type == 9 && rnd.nextInt(4) == 0) set(vox, x, y, 1, 9);
        else if (type != 9) set(vox, x, y, 0, 6);
      }
    }
  }

  boolean walkable(int x, int y) {
    return x >= 0 && y >= 0 && x < SX && y < SY && surface[y * SX + x] >= 0;
  }

  /** Breadth-first route over walkable columns (8-connected); the column sequence, start first. */
  int[] route(int sx, int sy, int gx, int gy) {
    int[] prev = new int[SX * SY];
    java.util.Arrays.fill(prev, -2);
    ArrayDeque<Integer> q = new ArrayDeque<>();
    int start = sy * SX + sx;
    prev[start] = -1;
    q.add(start);
    int goal = gy * SX + gx;
    while (!q.isEmpty()) {
      int c = q.poll();
      if (c == goal) break;
      int x = c % SX;
      int y = c / SX;
      for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
          int nx = x + dx;
          int ny = y + dy;
          if ((dx != 0 || dy != 0) && walkable(nx, ny) && prev[ny * SX + nx] == -2
              && walkable(x + dx, y) && walkable(x, y + dy)
              && Math.abs(surface[ny * SX + nx] - surface[c]) <= 1) {
            prev[ny * SX + nx] = c;
            q.add(ny * SX + nx);
          }
        }
      }
    }
    if (prev[goal] == -2) return new int[] {start};
    int n = 0;
    for (int c = goal; c != -1; c = prev[c]) n++;
    int[] path = new int[n];
    for (int c = goal, i = n - 1; c != -1; c = prev[c]) path[i--] = c;
    return path;
  }
}
