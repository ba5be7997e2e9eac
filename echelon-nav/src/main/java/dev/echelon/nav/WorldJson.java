package dev.echelon.nav;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the simulator's world JSON (or a replay file holding one under {@code "world"}), plain or
 * gzip, into a {@link NavWorld}: {@code size}, {@code walls}, {@code voxel_size_m} and the nav
 * options in {@code meta} (NAV.md). Walls go straight into the grid, never into objects; walls
 * outside the grid (coordinates of any size) are ignored and unknown types do not collide, as
 * NAV.md says. It has no dependencies, so echelon-nav stays embeddable on its own.
 */
public final class WorldJson {
  /** Largest size along an axis: node heights are held in 16 bits. */
  public static final int MAX_DIMENSION = 32_767;

  private WorldJson() {}

  /** Reads a world file, plain or gzip. */
  public static NavWorld read(Path file) throws IOException {
    return read(Files.readAllBytes(file), Long.MAX_VALUE);
  }

  /** Reads a world from a stream, plain or gzip; the stream is read to its end. */
  public static NavWorld read(InputStream in) throws IOException {
    return read(in.readAllBytes(), Long.MAX_VALUE);
  }

  /** Reads a world from bytes, plain or gzip. */
  public static NavWorld read(byte[] json) {
    return read(json, Long.MAX_VALUE);
  }

  /**
   * Reads a world, refusing one of more than {@code maxVoxels} cells before its grid is allocated.
   *
   * @throws IllegalArgumentException naming the field that is wrong, or the size that is too large
   */
  public static NavWorld read(byte[] json, long maxVoxels) {
    byte[] b = gunzipIfNeeded(json);
    JsonScanner s = new JsonScanner(b);
    Header h = header(s, 0);
    if (h.size == null) throw new IllegalArgumentException("world.size is missing; nav needs [sx, sy, sz]");
    int sx = h.size[0];
    int sy = h.size[1];
    int sz = h.size[2];
    long voxels = (long) sx * sy * sz;
    if (voxels > maxVoxels) {
      throw new WorldTooLargeException("the world is " + sx + "x" + sy + "x" + sz + " = " + voxels
          + " voxels, above the limit of " + maxVoxels, voxels);
    }
    VoxelWorld.checkDimensions(sx, sy, sz, h.voxelSize);
    byte[] types = new byte[(int) voxels];
    if (h.walls >= 0) {
      s.seek(h.walls);
      walls(s, sx, sy, sz, types);
    }
    NavOptions options;
    try {
      options = new NavOptions(h.clearance, h.radius, h.step);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the world's nav parameters are out of range: " + e.getMessage(), e);
    }
    return new NavWorld(new VoxelWorld(sx, sy, sz, h.voxelSize, types), options);
  }

  /** Thrown when a world has more voxels than the caller allows. */
  public static final class WorldTooLargeException extends IllegalArgumentException {
    private final long voxels;

    WorldTooLargeException(String message, long voxels) {
      super(message);
      this.voxels = voxels;
    }

    public long voxels() {
      return voxels;
    }
  }

  private static final class Header {
    int[] size;
    double voxelSize = 5.0;
    int walls = -1;
    int clearance = NavOptions.DEFAULTS.clearanceZ();
    int radius = NavOptions.DEFAULTS.mechRadius();
    int step = NavOptions.DEFAULTS.stepHeightMax();
  }

  private static Header header(JsonScanner s, int depth) {
    Header h = new Header();
    if (s.peek() != '{') throw new IllegalArgumentException("a world must be a JSON object");
    Header nested = null;
    if (s.openObject()) {
      do {
        String key = s.string();
        s.expect(':');
        switch (key) {
          case "size" -> h.size = s.nullValue() ? null : size(s);
          case "voxel_size_m" -> {
            if (!s.nullValue()) {
              if (!s.isNumber()) throw new IllegalArgumentException("world.voxel_size_m must be a number");
              h.voxelSize = s.number();
            }
          }
          case "walls" -> {
            if (!s.nullValue()) {
              if (s.peek() != '[') throw new IllegalArgumentException("world.walls must be an array");
              h.walls = s.position();
              s.skip();
            }
          }
          case "meta" -> meta(s, h);
          case "world" -> {
            if (depth == 0 && s.peek() == '{') nested = header(s, 1); // a replay file: its world
            else s.skip();
          }
          default -> s.skip();
        }
      } while (s.more('}'));
    }
    return h.size == null && nested != null ? nested : h;
  }

  private static int[] size(JsonScanner s) {
    if (s.peek() != '[') throw new IllegalArgumentException("world.size must be [sx, sy, sz]");
    int[] size = new int[3];
    int k = 0;
    if (s.openArray()) {
      do {
        if (k >= 3 || !s.isNumber()) throw new IllegalArgumentException("world.size must be three integers [sx, sy, sz]");
        long v = s.integer();
        if (v < 1 || v > MAX_DIMENSION) {
          throw new IllegalArgumentException("world.size[" + k + "] must be an integer in 1.." + MAX_DIMENSION);
        }
        size[k++] = (int) v;
      } while (s.more(']'));
    }
    if (k != 3) throw new IllegalArgumentException("world.size must be three integers [sx, sy, sz]");
    return size;
  }

  /** {@code meta.validator.clearance_z}, {@code meta.nav.mech_radius}, {@code meta.nav.step_height_max}. */
  private static void meta(JsonScanner s, Header h) {
    if (s.peek() != '{' || !s.openObject()) {
      s.skip();
      return;
    }
    do {
      String group = s.string();
      s.expect(':');
      if ((group.equals("validator") || group.equals("nav")) && s.peek() == '{' && s.openObject()) {
        do {
          String field = s.string();
          s.expect(':');
          int v = s.isNumber() ? clampToInt(s.integer()) : skipAsDefault(s);
          if (v == Integer.MIN_VALUE) continue;
          if (group.equals("validator") && field.equals("clearance_z")) h.clearance = v;
          if (group.equals("nav") && field.equals("mech_radius")) h.radius = v;
          if (group.equals("nav") && field.equals("step_height_max")) h.step = v;
        } while (s.more('}'));
      } else {
        s.skip();
      }
    } while (s.more('}'));
  }

  /** Non-integers and integers beyond {@code int} fall back to the default, as NAV.md's defaults apply to absent values. */
  private static int clampToInt(long v) {
    return v == JsonScanner.OUT_OF_RANGE || v < Integer.MIN_VALUE + 1 || v > Integer.MAX_VALUE ? Integer.MIN_VALUE : (int) v;
  }

  private static int skipAsDefault(JsonScanner s) {
    s.skip();
    return Integer.MIN_VALUE;
  }

  private static void walls(JsonScanner s, int sx, int sy, int sz, byte[] types) {
    if (!s.openArray()) return;
    int i = 0;
    long[] v = new long[4];
    do {
      if (s.peek() != '[') throw new IllegalArgumentException("world.walls[" + i + "] must be [x, y, z] or [x, y, z, type]");
      int k = 0;
      v[3] = 1;
      if (s.openArray()) {
        do {
          if (!s.isNumber() || k >= 4) {
            throw new IllegalArgumentException("world.walls[" + i + "] must be [x, y, z] or [x, y, z, type] integers");
          }
          v[k++] = s.integer();
        } while (s.more(']'));
      }
      if (k < 3) throw new IllegalArgumentException("world.walls[" + i + "] must have at least x, y, z");
      long x = v[0];
      long y = v[1];
      long z = v[2];
      if (x >= 0 && y >= 0 && z >= 0 && x < sx && y < sy && z < sz) { // OUT_OF_RANGE is negative: ignored
        long t = v[3];
        types[(int) ((z * sy + y) * sx + x)] = (byte) (t >= 0 && t <= 255 ? t : 0); // unknown types do not collide
      }
      i++;
    } while (s.more(']'));
  }

  private static byte[] gunzipIfNeeded(byte[] b) {
    if (b.length < 2 || (b[0] & 0xff) != 0x1f || (b[1] & 0xff) != 0x8b) return b;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("the world file is not valid gzip: " + e.getMessage(), e);
    }
  }
}
