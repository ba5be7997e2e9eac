package dev.echelon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.nav.VoxelWorld;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/** The worlds the benchmarks run on: the simulator's fixtures and deterministic synthetic maps. */
public final class Worlds {
  private Worlds() {}

  public static byte[] fixtureBytes(String name) {
    try (InputStream in = Worlds.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) throw new IllegalStateException("missing fixture " + name);
      return new GZIPInputStream(in).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode fixture(String name) {
    try {
      return Json.mapper().readTree(fixtureBytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static VoxelWorld voxels(JsonNode doc) {
    JsonNode walls = doc.get("walls");
    int[] xyzt = new int[walls.size() * 4];
    int i = 0;
    for (JsonNode w : walls) {
      xyzt[i++] = w.get(0).asInt();
      xyzt[i++] = w.get(1).asInt();
      xyzt[i++] = w.get(2).asInt();
      xyzt[i++] = w.size() > 3 ? w.get(3).asInt() : 1;
    }
    JsonNode size = doc.get("size");
    return VoxelWorld.fromWalls(size.get(0).asInt(), size.get(1).asInt(), size.get(2).asInt(),
        doc.path("voxel_size_m").asDouble(5.0), xyzt);
  }

  /** A city: ground, then buildings of random footprint and height until {@code targetWalls} voxels are set. */
  public static VoxelWorld city(int sx, int sy, int sz, int targetWalls, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] types = new byte[sx * sy * sz];
    Arrays.fill(types, 0, sx * sy, (byte) 1); // ground at z = 0
    int walls = sx * sy;
    while (walls < targetWalls) {
      int w = 2 + rnd.nextInt(8);
      int d = 2 + rnd.nextInt(8);
      int h = 1 + rnd.nextInt(sz - 2);
      int x0 = rnd.nextInt(sx - w);
      int y0 = rnd.nextInt(sy - d);
      for (int z = 1; z <= h; z++) {
        for (int y = y0; y < y0 + d; y++) {
          for (int x = x0; x < x0 + w; x++) {
            int idx = (z * sy + y) * sx + x;
            if (types[idx] == 0) {
              types[idx] = 1;
              walls++;
            }
          }
        }
      }
    }
    return VoxelWorld.fromTypes(sx, sy, sz, 1.0, types);
  }

  /** A flat two-layer grid map (ground plus scattered one-voxel obstacles), as used with mech_radius 0. */
  public static VoxelWorld gridMap(int sx, int sy, double obstacleShare, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] types = new byte[sx * sy * 2];
    Arrays.fill(types, 0, sx * sy, (byte) 1);
    for (int c = 0; c < sx * sy; c++) if (rnd.nextDouble() < obstacleShare) types[sx * sy + c] = 1;
    return VoxelWorld.fromTypes(sx, sy, 2, 1.0, types);
  }
}
