package dev.echelon.nav;

import java.util.Objects;

/**
 * A world ready for navigation: its voxels and the movement options its {@code meta} asks for.
 * {@link WorldJson} makes one from the simulator's JSON.
 *
 * @param voxels the grid
 * @param options clearance, mech radius and step height
 */
public record NavWorld(VoxelWorld voxels, NavOptions options) {
  public NavWorld {
    Objects.requireNonNull(voxels, "voxels");
    Objects.requireNonNull(options, "options");
  }

  /** An upper bound of what {@link #graph()} will cost, known before building it. */
  public GraphEstimate estimate() {
    return GraphEstimate.of(voxels, options);
  }

  /** Builds the navigation graph (NAV.md). */
  public NavGraph graph() {
    return NavGraph.build(voxels, options);
  }
}
