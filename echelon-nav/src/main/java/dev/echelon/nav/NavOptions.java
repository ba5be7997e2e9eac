package dev.echelon.nav;

/**
 * How a mech moves: the head room it needs, how wide it is, and how high it can step. One set of
 * options per world keeps "one world hash, one graph" true.
 *
 * @param clearanceZ free voxels needed above a floor
 * @param mechRadius footprint radius in columns; 0 disables erosion
 * @param stepHeightMax largest height change between neighbouring columns, in voxels
 */
public record NavOptions(int clearanceZ, int mechRadius, int stepHeightMax) {
  /** NAV.md's defaults: clearance 4, radius 1, step 2. */
  public static final NavOptions DEFAULTS = new NavOptions(4, 1, 2);

  public NavOptions {
    if (clearanceZ < 0 || clearanceZ > 1024) {
      throw new IllegalArgumentException("clearanceZ must be in 0..1024, got " + clearanceZ);
    }
    if (mechRadius < 0 || mechRadius > 64) {
      throw new IllegalArgumentException("mechRadius must be in 0..64, got " + mechRadius);
    }
    if (stepHeightMax < 0 || stepHeightMax > 1024) {
      throw new IllegalArgumentException("stepHeightMax must be in 0..1024, got " + stepHeightMax);
    }
  }
}
