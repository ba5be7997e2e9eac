package dev.echelon.nav;

import java.util.Arrays;

/**
 * An immutable voxel grid ({@code x, y} horizontal, {@code z} up). Worlds reach us as wall lists
 * from JSON or as dense arrays from a simulator; both end up as one byte per voxel so the graph
 * builder can scan layers linearly.
 */
public final class VoxelWorld {
  /** Voxel types that block movement (PROTOCOL.md): solid, debris field, solid debris, glass, reinforced. */
  private static final boolean[] COLLIDES = new boolean[256];

  static {
    for (int t : new int[] {1, 4, 5, 7, 8}) COLLIDES[t] = true;
  }

  final int sx;
  final int sy;
  final int sz;
  final double voxelSize;
  /** Type per voxel at {@code (z * sy + y) * sx + x}. */
  final byte[] types;

  VoxelWorld(int sx, int sy, int sz, double voxelSize, byte[] types) {
    this.sx = sx;
    this.sy = sy;
    this.sz = sz;
    this.voxelSize = voxelSize;
    this.types = types;
  }

  /**
   * A world from a wall list of {@code (x, y, z, type)} quadruples, flattened. Walls outside the
   * grid are ignored, as the simulator's worlds may carry them.
   */
  public static VoxelWorld fromWalls(int sx, int sy, int sz, double voxelSize, int[] wallsXyzt) {
    checkDimensions(sx, sy, sz, voxelSize);
    if (wallsXyzt.length % 4 != 0) {
      throw new IllegalArgumentException("wallsXyzt length must be a multiple of 4, got " + wallsXyzt.length);
    }
    byte[] types = new byte[Math.multiplyExact(Math.multiplyExact(sx, sy), sz)];
    for (int i = 0; i < wallsXyzt.length; i += 4) {
      int x = wallsXyzt[i];
      int y = wallsXyzt[i + 1];
      int z = wallsXyzt[i + 2];
      if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) continue;
      int t = wallsXyzt[i + 3];
      types[(z * sy + y) * sx + x] = (byte) (t >= 0 && t <= 255 ? t : 0); // unknown types do not collide
    }
    return new VoxelWorld(sx, sy, sz, voxelSize, types);
  }

  /** A world from one type per voxel at index {@code (z * sy + y) * sx + x} (copied). */
  public static VoxelWorld fromTypes(int sx, int sy, int sz, double voxelSize, byte[] types) {
    checkDimensions(sx, sy, sz, voxelSize);
    long cells = (long) sx * sy * sz;
    if (types.length != cells) {
      throw new IllegalArgumentException("types length must be sx*sy*sz = " + cells + ", got " + types.length);
    }
    return new VoxelWorld(sx, sy, sz, voxelSize, types.clone());
  }

  static void checkDimensions(int sx, int sy, int sz, double voxelSize) {
    if (sx < 1 || sy < 1 || sz < 1) {
      throw new IllegalArgumentException("size must be positive, got [" + sx + ", " + sy + ", " + sz + "]");
    }
    if ((long) sx * sy * sz > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("world too large: " + sx + "x" + sy + "x" + sz + " voxels");
    }
    if (!(voxelSize > 0) || Double.isInfinite(voxelSize)) {
      throw new IllegalArgumentException("voxelSize must be a positive finite number, got " + voxelSize);
    }
    // positions reach voxelSize * size and path costs a few voxelSizes per node: both must stay finite (JSON has no Infinity)
    if (!Double.isFinite(voxelSize * 4.0 * ((long) sx * sy * sz))) {
      throw new IllegalArgumentException("voxelSize " + voxelSize + " is too large for a " + sx + "x" + sy + "x" + sz
          + " world: positions and path costs would overflow");
    }
  }

  public int sizeX() {
    return sx;
  }

  public int sizeY() {
    return sy;
  }

  public int sizeZ() {
    return sz;
  }

  /** Metres per voxel edge. */
  public double voxelSize() {
    return voxelSize;
  }

  /** The voxel type, 0 (air) outside the grid. */
  public int type(int x, int y, int z) {
    if (x < 0 || y < 0 || z < 0 || x >= sx || y >= sy || z >= sz) return 0;
    return types[(z * sy + y) * sx + x] & 0xff;
  }

  /** True when the voxel blocks movement; false outside the grid. */
  public boolean collides(int x, int y, int z) {
    return COLLIDES[type(x, y, z)];
  }

  /** Voxels that block movement. */
  public long collidingVoxels() {
    long n = 0;
    for (byte t : types) if (COLLIDES[t & 0xff]) n++;
    return n;
  }

  static boolean collidesType(byte type) {
    return COLLIDES[type & 0xff];
  }

  @Override public String toString() {
    int walls = 0;
    for (byte t : types) if (t != 0) walls++;
    return "VoxelWorld[" + sx + "x" + sy + "x" + sz + ", voxelSize=" + voxelSize + ", walls=" + walls + "]";
  }

  @Override public boolean equals(Object o) {
    return o instanceof VoxelWorld w && w.sx == sx && w.sy == sy && w.sz == sz
        && w.voxelSize == voxelSize && Arrays.equals(w.types, types);
  }

  @Override public int hashCode() {
    return Arrays.hashCode(types) * 31 + Double.hashCode(voxelSize);
  }
}
