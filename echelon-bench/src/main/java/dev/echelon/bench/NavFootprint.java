package dev.echelon.bench;

import dev.echelon.nav.NavGraph;
import dev.echelon.nav.NavOptions;
import dev.echelon.nav.VoxelWorld;
import java.util.Locale;

/** Prints the size of each benchmark graph and its memory per node (edges included). */
public final class NavFootprint {
  private NavFootprint() {}

  public static void main(String[] args) {
    report("fixture 40x40x40", Worlds.voxels(Worlds.fixture("world-40x40x40-seed3.json.gz")), NavOptions.DEFAULTS);
    report("fixture 100x100x20", Worlds.voxels(Worlds.fixture("world-100x100x20-seed7.json.gz")), NavOptions.DEFAULTS);
    report("city 256x256x32", Worlds.city(256, 256, 32, 500_000, 1), NavOptions.DEFAULTS);
    report("city 256x256x16 (A*)", Worlds.city(256, 256, 16, 150_000, 3), NavOptions.DEFAULTS);
    report("grid 512x512x2 r=0", Worlds.gridMap(512, 512, 0.05, 2), new NavOptions(4, 0, 2));
  }

  static void report(String name, VoxelWorld w, NavOptions o) {
    NavGraph g = NavGraph.build(w, o);
    System.out.printf(Locale.ROOT, "%-22s %8d nodes %9d edges %6.1f bytes/node (%s)%n", name, g.nodeCount(),
        g.edgeCount(), (double) g.memoryBytes() / g.nodeCount(), w);
  }
}
