package dev.echelon.server.nav;

import dev.echelon.server.base.ApiException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.echelon.core.Json;
import dev.echelon.nav.NavOptions;
import dev.echelon.nav.VoxelWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads a stored world's JSON straight into a {@link VoxelWorld} with a streaming parser: walls
 * go into one int array, never into 10^5 small JSON nodes. The size is checked against the voxel
 * budget before anything of that size is allocated.
 */
final class NavWorldReader {
  private NavWorldReader() {}

  record Parsed(VoxelWorld world, NavOptions options) {}

  static Parsed read(byte[] json, long maxVoxels) {
    try (JsonParser p = Json.mapper().createParser(json)) {
      p.nextToken();
      int[] size = null;
      double voxelSize = 5.0;
      JsonNode meta = null;
      int[] walls = new int[4096];
      int n = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "size" -> size = size(p, t);
          case "voxel_size_m" -> {
            if (t.isNumeric()) voxelSize = p.getDoubleValue();
            else if (t != JsonToken.VALUE_NULL) throw new ApiException(422, "world.voxel_size_m must be a number");
          }
          case "meta" -> meta = t == JsonToken.START_OBJECT ? Json.readTree(p) : skip(p);
          case "walls" -> {
            if (t != JsonToken.START_ARRAY) {
              p.skipChildren();
              break;
            }
            int i = 0;
            while (p.nextToken() == JsonToken.START_ARRAY) {
              if (n + 4 > walls.length) walls = Arrays.copyOf(walls, walls.length * 2);
              int k = 0;
              int[] v = {0, 0, 0, 1};
              while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || k >= 4) {
                  throw new ApiException(422, "world.walls[" + i + "] must be [x, y, z] or [x, y, z, type] integers");
                }
                v[k++] = p.getIntValue();
              }
              if (k < 3) throw new ApiException(422, "world.walls[" + i + "] must have at least x, y, z");
              System.arraycopy(v, 0, walls, n, 4);
              n += 4;
              i++;
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
              throw new ApiException(422, "world.walls[" + i + "] must be an array");
            }
          }
          default -> p.skipChildren();
        }
      }
      if (size == null) throw new ApiException(422, "the world has no size; nav needs [sx, sy, sz]");
      long voxels = (long) size[0] * size[1] * size[2];
      if (voxels > maxVoxels) {
        throw ApiException.tooLarge("the world is " + size[0] + "x" + size[1] + "x" + size[2] + " = " + voxels
            + " voxels, above the nav budget of " + maxVoxels + " (ECHELON_NAV_MAX_VOXELS)");
      }
      if (!(voxelSize > 0) || Double.isInfinite(voxelSize)) {
        throw new ApiException(422, "world.voxel_size_m must be a positive number, got " + voxelSize);
      }
      VoxelWorld world = VoxelWorld.fromWalls(size[0], size[1], size[2], voxelSize, Arrays.copyOf(walls, n));
      return new Parsed(world, options(meta));
    } catch (IOException e) {
      throw new UncheckedIOException("stored world is unreadable", e);
    } catch (IllegalArgumentException e) {
      if (e instanceof dev.echelon.core.ProtocolException) throw e;
      throw new ApiException(422, e.getMessage());
    }
  }

  private static JsonNode skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static int[] size(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_ARRAY) throw new ApiException(422, "world.size must be [sx, sy, sz]");
    int[] s = new int[3];
    int k = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || k >= 3 || p.getNumberType() != JsonParser.NumberType.INT) {
        throw new ApiException(422, "world.size must be three positive ints");
      }
      s[k++] = p.getIntValue();
    }
    if (k != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1) {
      throw new ApiException(422, "world.size must be three positive ints, got " + Arrays.toString(s));
    }
    return s;
  }

  /** NAV.md: clearance from meta.validator, radius and step from meta.nav, else the defaults. */
  static NavOptions options(JsonNode meta) {
    NavOptions d = NavOptions.DEFAULTS;
    if (meta == null) return d;
    int clearance = intAt(meta, "validator", "clearance_z", d.clearanceZ());
    int radius = intAt(meta, "nav", "mech_radius", d.mechRadius());
    int step = intAt(meta, "nav", "step_height_max", d.stepHeightMax());
    try {
      return new NavOptions(clearance, radius, step);
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "the world's nav parameters are out of range: " + e.getMessage());
    }
  }

  private static int intAt(JsonNode meta, String group, String field, int fallback) {
    JsonNode v = meta.path(group).path(field);
    return v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : fallback;
  }
}
