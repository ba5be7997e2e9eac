package dev.echelon.nav;

/**
 * A point in metres ({@code x, y} horizontal, {@code z} up): what route queries take and give.
 *
 * @param x metres east
 * @param y metres north
 * @param z metres up
 */
public record Position(double x, double y, double z) {
  public Position {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
      throw new IllegalArgumentException("position must be finite, got (" + x + ", " + y + ", " + z + ")");
    }
  }
}
